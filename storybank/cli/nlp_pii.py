"""`storybank nlp deidentify`: redact a text from stdin, or score the detector on a gold file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from storybank.cli.base import console, nlp_app, refuse

GOLD_HELP = (
    'A JSONL file: each line {"text", "person_names": [...], "other_pii": [strings or '
    '{"type", "text"}]}. Prints recall and precision per kind instead of redacting.'
)


@nlp_app.command("deidentify")
def deidentify_command(
    gold: Annotated[Path | None, typer.Option("--gold", help=GOLD_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Read a text on stdin and print it with names and personal details replaced."""
    if gold is not None:
        _score_gold(gold, as_json=as_json)
        return
    from nlp import deidentify

    text = sys.stdin.read()
    result = deidentify({"text": text})
    if as_json:
        found = [
            {"kind": item.kind, "start": item.start, "end": item.end, "text": item.text}
            for item in result.found["text"]
        ]
        typer.echo(json.dumps({"text": result.fields["text"], "found": found}, indent=2))
    else:
        typer.echo(result.fields["text"], nl=not text.endswith("\n"))


def _score_gold(path: Path, *, as_json: bool) -> None:
    from nlp.personal_data.scoring import read_pii_gold, score

    if not path.is_file():
        refuse(f"No gold file at {path}.")
    try:
        with path.open(encoding="utf-8") as lines:
            gold = read_pii_gold(lines)
    except (ValueError, UnicodeDecodeError) as error:
        refuse(f"{path}: {error}")
    report = score(gold).as_json()
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    console.print(_report_table(report))


def _report_table(report: dict[str, Any]) -> Table:
    table = Table(
        "kind",
        "recall",
        "precision",
        "marked",
        "found by the detector",
        title=f"Personal data on {report['texts']} gold texts",
    )
    rows = {"person names": report["person_names"], "all other data": report["other_pii"]}
    rows |= {
        f"  {kind}": figures
        for kind, figures in report["other_pii"].items()
        if isinstance(figures, dict)
    }
    for kind, figures in rows.items():
        table.add_row(
            kind,
            _figure(figures["recall"]),
            _figure(figures["precision"]),
            str(figures["gold"]),
            str(figures["predicted"]),
        )
    return table


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
