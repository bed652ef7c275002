"""`storybank nlp evaluate --gold FILE.jsonl [--json]` with a real model from the database."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from nlp.interface import TrainOptions
from storybank.cli import app
from storybank.cli.base import console
from storybank.learning import forget_loaded_models, train_and_maybe_activate
from tests.learning_builders import make_coded_stories

runner = CliRunner()


def said(result) -> str:  # type: ignore[no-untyped-def]
    """The command's output with rich's line wrapping undone."""
    return " ".join(result.output.split())


GOLD = [
    {
        "text": "Tomasz walked into the hub at the library and joined the walking group.",
        "outcomes": [2, 3],
        "themes": ["community_hub", "reduced_isolation"],
    },
    {
        "text": "A telecare alarm meant Edna stayed in her own home, not a care home.",
        "outcomes": [6],
        "themes": ["technology_telecare", "remaining_at_home"],
        "site": "x",
    },
    {"text": "Staff at the peer forum agreed a plan in one meeting.", "outcomes": [5]},
]
KIND = {"micro_f1", "macro_f1", "mean_kappa", "per_code"}
FIGURES = {"precision", "recall", "f1", "kappa", "support", "threshold"}


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    monkeypatch.setattr(console, "_width", 200)  # rich reads COLUMNS once, at import


@pytest.fixture
def gold_file(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in GOLD) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def trained(session, cli_env):
    forget_loaded_models()
    make_coded_stories(session, 12)
    yield train_and_maybe_activate(session=session, actor=None, options=TrainOptions(folds=3))
    forget_loaded_models()


def test_evaluate_json_has_exactly_the_documented_shape(trained, gold_file):
    result = runner.invoke(app, ["nlp", "evaluate", "--gold", str(gold_file), "--json"])

    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert set(found) == {"outcomes", "themes", "baselines", "stories"}
    assert found["stories"] == 3
    for kind in ("outcomes", "themes"):
        assert set(found[kind]) == KIND
        assert all(0.0 <= found[kind][name] <= 1.0 for name in ("micro_f1", "macro_f1"))
        assert all(set(figures) == FIGURES for figures in found[kind]["per_code"].values())
    assert set(found["outcomes"]["per_code"]) == {f"outcome_{n}" for n in range(1, 7)}
    assert set(found["baselines"]) == {"constant", "bag_of_words"}
    assert set(found["baselines"]["bag_of_words"]["outcomes"]) >= KIND


def test_evaluate_prints_per_code_figures_and_both_baselines(trained, gold_file):
    result = runner.invoke(app, ["nlp", "evaluate", "--gold", str(gold_file)])

    assert result.exit_code == 0, result.output
    assert "3 stories" in said(result)
    assert "community_hub" in said(result) and "kappa" in said(result)
    assert "constant" in said(result) and "bag_of_words" in said(result)


def test_evaluate_names_the_bad_line_of_a_gold_file(trained, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "Fine.", "outcomes": [1]}\n{"text": "Odd.", "outcomes": [9]}\n')

    result = runner.invoke(app, ["nlp", "evaluate", "--gold", str(path)])

    assert result.exit_code == 1
    assert "line 2: unknown outcome 9" in said(result)


def test_evaluate_an_empty_gold_file_is_refused(trained, tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n")

    result = runner.invoke(app, ["nlp", "evaluate", "--gold", str(path)])

    assert result.exit_code == 1
    assert "holds no stories" in said(result)


def test_evaluate_without_an_active_model_says_to_train(session, cli_env, gold_file):
    forget_loaded_models()

    result = runner.invoke(app, ["nlp", "evaluate", "--gold", str(gold_file)])

    assert result.exit_code == 1
    assert "No active model: run `storybank nlp train` first." in said(result)


def test_evaluate_a_missing_file_is_a_usage_error(session, cli_env, tmp_path):
    result = runner.invoke(app, ["nlp", "evaluate", "--gold", str(tmp_path / "nope.jsonl")])

    assert result.exit_code == 2
    assert "does not exist" in said(result)
