"""`storybank nlp train | suggest | models` against the test database (nlp/ stood in for)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from storybank.cli import app
from storybank.cli.base import console
from storybank.learning import forget_loaded_models
from tests.learning_builders import make_coded_stories
from tests.nlp_double import use_nlp_double

runner = CliRunner()


def said(result) -> str:  # type: ignore[no-untyped-def]
    """The command's output with rich's line wrapping undone."""
    return " ".join(result.output.split())


@pytest.fixture(autouse=True)
def double(monkeypatch, cli_env):
    use_nlp_double(monkeypatch)
    monkeypatch.setattr(console, "_width", 200)  # rich reads COLUMNS once, at import
    forget_loaded_models()
    yield
    forget_loaded_models()


def test_train_prints_figures_and_activates_the_first_model(session):
    make_coded_stories(session, 12)

    result = runner.invoke(app, ["nlp", "train"])

    assert result.exit_code == 0, result.output
    assert "cross-validated on 12" in said(result)
    assert "community_hub" in said(result) and "0.80" in said(result)
    assert "Activated" in said(result)
    assert "There was no active model." in said(result)


def test_train_with_a_bag_of_words_is_refused_with_the_comparison(session):
    make_coded_stories(session, 12)
    runner.invoke(app, ["nlp", "train"])

    result = runner.invoke(app, ["nlp", "train", "--features", "bow"])

    assert result.exit_code == 0, result.output
    assert "Candidate vs active" in said(result)
    assert "Outcome + theme micro-F1" in said(result) and "1.100" in said(result)
    assert "Refused" in said(result) and "stays active" in said(result)


def test_train_with_too_few_coded_stories_says_what_to_do(session):
    make_coded_stories(session, 3)

    result = runner.invoke(app, ["nlp", "train"])

    assert result.exit_code == 1
    assert "Only 3 stories have final codes" in said(result)
    assert "Code more stories in the review queue first." in said(result)


def test_train_refuses_an_unknown_feature_set(session):
    result = runner.invoke(app, ["nlp", "train", "--features", "deep"])

    assert result.exit_code == 2
    assert "deep" in said(result)


def test_suggest_reads_stdin_and_prints_suggestions_with_evidence_offsets(session):
    make_coded_stories(session, 12)
    runner.invoke(app, ["nlp", "train"])

    result = runner.invoke(app, ["nlp", "suggest"], input="Ola came to the hub on Monday.")

    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    hub = next(item for item in found if item["code_key"] == "community_hub")
    assert hub["evidence"] == [{"field": "text", "start": 16, "end": 19, "text": "hub"}]
    assert hub["model_version"] and 0 < hub["confidence"] <= 1


def test_suggest_without_a_model_says_to_train_first(session):
    result = runner.invoke(app, ["nlp", "suggest"], input="Some text.")

    assert result.exit_code == 1
    assert "No active model: run `storybank nlp train` first." in said(result)


def test_suggest_with_empty_input_says_how_to_give_text(session):
    result = runner.invoke(app, ["nlp", "suggest"], input="  \n")

    assert result.exit_code == 1
    assert "Give the story's text on stdin" in said(result)


def test_models_lists_each_version_and_its_status(session):
    make_coded_stories(session, 12)
    runner.invoke(app, ["nlp", "train"])
    runner.invoke(app, ["nlp", "train", "--features", "bow"])

    result = runner.invoke(app, ["nlp", "models"])

    assert result.exit_code == 0, result.output
    assert "active" in said(result) and "refused" in said(result)
    assert result.output.count("0.800") == 1 and result.output.count("0.600") == 1


def test_models_with_none_trained_says_how_to_train(session):
    result = runner.invoke(app, ["nlp", "models"])

    assert result.exit_code == 0
    assert "No model versions yet: run `storybank nlp train`." in said(result)
