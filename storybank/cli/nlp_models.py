"""`storybank nlp train | evaluate | suggest | models`: model versions from the command line."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.progress import Progress
from rich.table import Table
from sqlmodel import Session

import nlp
from nlp.interface import StoryText, Suggester, TrainOptions
from storybank.cli.base import console, engine, fail, nlp_app, refuse
from storybank.errors import NotFound, StorybankError
from storybank.learning import (
    TrainingResult,
    active_suggester,
    codebook_specs,
    list_versions,
    train_and_maybe_activate,
    training_examples,
)
from storybank.learning.training import Progress as StageProgress
from storybank.models import User
from storybank.register.actors import acting_user

KIND_KEYS = ("micro_f1", "macro_f1", "mean_kappa", "per_code")
NO_MODEL = "No active model: run `storybank nlp train` first."
SUMMARY_ROWS = (
    ("outcome_micro_f1", "Outcome micro-F1"),
    ("outcome_macro_f1", "Outcome macro-F1"),
    ("outcome_mean_kappa", "Outcome mean kappa"),
    ("theme_micro_f1", "Theme micro-F1"),
    ("theme_macro_f1", "Theme macro-F1"),
    ("theme_mean_kappa", "Theme mean kappa"),
)


@nlp_app.command("train")
def train(
    features: Annotated[
        Literal["full", "bow"],
        typer.Option(help="full: words, cue matches, word vectors; bow: the words alone."),
    ] = "full",
    cues: Annotated[bool, typer.Option(help="Use the cue lexicon's matches as features.")] = True,
    c: Annotated[
        float, typer.Option(min=0.001, max=1000.0, help="Inverse regularisation strength.")
    ] = 1.0,
    seed: Annotated[
        int, typer.Option(min=0, help="Seed of the folds (same seed, same folds).")
    ] = 0,
    as_email: Annotated[
        str | None, typer.Option("--as", help="Who trains it (default: the first admin).")
    ] = None,
) -> None:
    """Train a model on every final coding; activate it only if it is not worse."""
    options = train_options(features=features, cues=cues, c=c)
    with Session(engine(), expire_on_commit=False) as session:
        try:
            actor = _trainer(session, as_email)
            with Progress(console=console, transient=True) as bar:
                result = train_and_maybe_activate(
                    session=session,
                    actor=actor,
                    options=options,
                    progress=stage_bar(bar),
                    seed=seed,
                )
        except StorybankError as error:
            fail(error)
    print_training(result)


def train_options(*, features: str, cues: bool, c: float) -> TrainOptions:
    """The options of `storybank nlp train`: `--features bow` trains on the words alone (no
    cue matches, no word vectors); `--no-cues` leaves out the cue matches only."""
    plain = features == "bow"
    return TrainOptions(
        c=c,
        cue_weight=0.0 if plain or not cues else 1.0,
        vector_weight=0.0 if plain else TrainOptions().vector_weight,
    )


def _trainer(session: Session, email: str | None) -> User | None:
    """Who is recorded as training: --as, else the first admin, else nobody."""
    try:
        return acting_user(session=session, email=email).user
    except NotFound:
        if email:
            raise
        return None


def stage_bar(bar: Progress) -> StageProgress:
    """A progress callback showing one bar per stage (training, checking on the folds)."""
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return update


def print_training(result: TrainingResult) -> None:
    """The per-code figures, the comparison and the verdict of one training run."""
    table = Table(title=f"Model {result.version}: cross-validated on {result.training_size}")
    for heading in ("Code", "Precision", "Recall", "F1", "Kappa", "Threshold", "Stories"):
        table.add_column(heading, justify="left" if heading == "Code" else "right")
    for key, figures in result.per_code.items():
        table.add_row(key, *_figures(figures))
    console.print(table)
    comparison = result.comparison
    if comparison.get("active"):
        console.print(_comparison_table(comparison))
    verdict = "[green]Activated[/green]" if result.activated else "[red]Refused[/red]"
    console.print(f"{verdict} {result.version}: {result.reason}")


def _figures(figures: dict[str, Any]) -> list[str]:
    threshold = figures.get("threshold")
    return [
        *(f"{figures[name]:.2f}" for name in ("precision", "recall", "f1", "kappa")),
        "-" if threshold is None else f"{threshold:.2f}",
        str(figures["support"]),
    ]


def _comparison_table(comparison: dict[str, Any]) -> Table:
    active, candidate = comparison["active"], comparison["candidate"]
    table = Table(
        title=f"Candidate vs active {active['version']} on the same {comparison['folds']} folds "
        f"of {comparison['examples']} stories"
    )
    for heading in ("Figure", "Candidate", "Active"):
        table.add_column(heading, justify="left" if heading == "Figure" else "right")
    for key, label in SUMMARY_ROWS:
        if key in candidate["summary"]:
            table.add_row(
                label, f"{candidate['summary'][key]:.3f}", f"{active['summary'].get(key, 0):.3f}"
            )
    table.add_row("Outcome + theme micro-F1", f"{candidate['score']:.3f}", f"{active['score']:.3f}")
    return table


@nlp_app.command("evaluate")
def evaluate(
    gold: Annotated[
        Path,
        typer.Option(
            exists=True, dir_okay=False, readable=True, help="Gold stories, one JSON per line."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Score the active model on a gold file, beside two baselines trained on the same data."""
    with Session(engine(), expire_on_commit=False) as session:
        model = _require_model(session)
        specs = codebook_specs(session)
        training = training_examples(session)
    try:
        stories = nlp.read_gold_jsonl(gold, specs)
    except ValueError as error:
        refuse(f"{gold}: {error}")
    if not stories:
        refuse(f"{gold} holds no stories: give one JSON object per line.")
    report = nlp.evaluate_gold(model, stories, training=training, codebook=specs)
    if as_json:
        sys.stdout.write(json.dumps(gold_json(report.as_json()), indent=2) + "\n")
    else:
        sys.stdout.write(report.as_text() + "\n")


def gold_json(found: dict[str, Any]) -> dict[str, Any]:
    """Exactly the documented shape: outcomes, themes, baselines and the number of stories."""
    kinds: dict[str, Any] = {
        name: {key: found[name][key] for key in KIND_KEYS}
        for name in ("outcomes", "themes")
        if name in found
    }
    return {**kinds, "baselines": found["baselines"], "stories": found["stories"]}


@nlp_app.command("suggest")
def suggest() -> None:
    """Suggest codes for the story text on stdin; print them as JSON."""
    text = sys.stdin.read()
    if not text.strip():
        refuse("Give the story's text on stdin, e.g. `storybank nlp suggest < story.txt`.")
    with Session(engine(), expire_on_commit=False) as session:
        model = _require_model(session)
    found = model.suggest(StoryText.from_text(text))
    sys.stdout.write(json.dumps([asdict(item) for item in found], indent=2) + "\n")


@nlp_app.command("models")
def models() -> None:
    """List the model versions, newest first: status, training size and main figures."""
    with Session(engine(), expire_on_commit=False) as session:
        versions = list_versions(session=session)
    if not versions:
        console.print("No model versions yet: run `storybank nlp train`.")
        return
    table = Table(title="Model versions")
    for heading in ("Version", "Status", "Created", "By", "Stories", "Outcome F1", "Theme F1"):
        table.add_column(heading)
    for item in versions:
        table.add_row(
            item.version,
            item.status,
            f"{item.created_at:%Y-%m-%d %H:%M}",
            item.created_by or item.trained_via,
            str(item.training_size),
            _score(item.summary, "outcome_micro_f1"),
            _score(item.summary, "theme_micro_f1"),
        )
    console.print(table)


def _score(summary: dict[str, float], key: str) -> str:
    return f"{summary[key]:.3f}" if key in summary else "-"


def _require_model(session: Session) -> Suggester:
    model = active_suggester(session=session)
    if model is None:
        refuse(NO_MODEL)
    return model
