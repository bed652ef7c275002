"""`storybank nlp deidentify`: stdin to redacted text, and figures on a gold file."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from storybank.cli import app

GOLD = Path(__file__).parents[1] / "data" / "pii_gold.jsonl"


def test_deidentify_prints_the_redacted_text():
    result = CliRunner().invoke(
        app, ["nlp", "deidentify"], input="Mrs Okafor rang 07700 900123 about her son Emeka.\n"
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Mrs [Person A] rang [phone] about her son [Person B].\n"


def test_deidentify_json_lists_what_was_found():
    result = CliRunner().invoke(app, ["nlp", "deidentify", "--json"], input="Email jo@example.org")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["text"] == "Email [email]"
    assert printed["found"] == [{"kind": "email", "start": 6, "end": 20, "text": "jo@example.org"}]


def test_gold_json_prints_recall_and_precision_per_kind():
    result = CliRunner().invoke(app, ["nlp", "deidentify", "--gold", str(GOLD), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report["person_names"]) >= {"recall", "precision"}
    assert report["person_names"]["recall"] >= 0.95
    assert {"recall", "precision", "phone", "email", "postcode", "nhs_number"} <= set(
        report["other_pii"]
    )


def test_gold_table_is_printed_without_json():
    result = CliRunner().invoke(app, ["nlp", "deidentify", "--gold", str(GOLD)])
    assert result.exit_code == 0, result.output
    assert "person names" in result.output and "nhs_number" in result.output


def test_a_missing_or_broken_gold_file_is_refused(tmp_path):
    missing = CliRunner().invoke(app, ["nlp", "deidentify", "--gold", str(tmp_path / "no.jsonl")])
    assert missing.exit_code == 1 and "No gold file at" in " ".join(missing.output.split())
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "Ann"}\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["nlp", "deidentify", "--gold", str(broken)])
    assert result.exit_code == 1 and "line 2:" in " ".join(result.output.split())
