"""Import and export of the story register."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table
from sqlmodel import Session

from storybank.cli.base import app, console, engine, fail
from storybank.config import get_settings
from storybank.errors import StorybankError
from storybank.models import StoryStatus
from storybank.register import exporter
from storybank.register.actors import acting_user
from storybank.register.importer import (
    ImportRejected,
    ImportReport,
    check_import,
    import_stories,
)
from storybank.stories import StoryFilters
from storybank.units import find_site_by_name

EXPORT_FORMATS = ("csv", "xlsx", "both")


@app.command("import")
def import_register(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX file.")],
    dry_run: Annotated[bool, typer.Option(help="Check every row; write nothing.")] = False,
    update: Annotated[
        bool, typer.Option(help="Update the stories whose reference a row has (else skip them).")
    ] = False,
    as_email: Annotated[
        str | None, typer.Option("--as", help="Whose rights apply (default: the first admin).")
    ] = None,
) -> None:
    """Import stories from a CSV or XLSX register: every row is written, or none."""

    with file.open("rb") as stream:
        content = stream.read(get_settings().max_import_bytes + 1)
    with Session(engine(), expire_on_commit=False) as session:
        try:
            actor = acting_user(session=session, email=as_email)
            if dry_run:
                report = check_import(
                    session=session,
                    actor=actor,
                    filename=file.name,
                    content=content,
                    update=update,
                )
            else:
                with Progress(console=console) as bar:
                    task = bar.add_task("Importing stories", total=None)
                    report = import_stories(
                        session=session,
                        actor=actor,
                        filename=file.name,
                        content=content,
                        update=update,
                        progress=lambda done, total: bar.update(task, completed=done, total=total),
                    )
        except ImportRejected as rejected:
            assert rejected.report is not None
            report = rejected.report
        except StorybankError as error:
            fail(error)
    _print_report(report, dry_run=dry_run)
    if report.problems:
        raise typer.Exit(1)


def _print_report(report: ImportReport, *, dry_run: bool) -> None:
    """The bad rows, the rows matching stories, any notes, then what was (or would be) done."""
    if report.problems:
        table = Table("row", "column", "problem", title="Rows that cannot be imported")
        for problem in report.problems:
            table.add_row(str(problem.row), problem.column, problem.message)
        console.print(table)
    if report.matches:
        matches = Table("row", "story", "what happens", title="Rows that match a story")
        for match in report.matches:
            matches.add_row(str(match.row), str(match.story_id), match.message)
        console.print(matches)
    for note in report.notes:
        console.print(f"Note: {note}")
    console.print(f"{report.good_rows} of {report.rows} rows are good.")
    if dry_run:
        console.print("Dry run: nothing was written.")
    elif not report.problems:
        count = len(report.created_story_ids)
        done = f"Imported {count} {'story' if count == 1 else 'stories'}."
        if report.matches:
            skipped = sum(m.action == "skip" for m in report.matches)
            done += f" Updated {len(report.updated_story_ids)}, skipped {skipped}."
        console.print(done)


@app.command("export")
def export_register(
    out: Annotated[Path, typer.Option(help="Folder for the files.")] = Path("exports"),
    format: Annotated[str, typer.Option(help="csv, xlsx or both.")] = "both",
    site: Annotated[str | None, typer.Option(help="Only the stories of this site.")] = None,
    status: Annotated[
        str | None, typer.Option(help="Only stories in this state: draft, submitted, withdrawn.")
    ] = None,
    as_email: Annotated[
        str | None, typer.Option("--as", help="Whose rights apply (default: the first admin).")
    ] = None,
) -> None:
    """Write the story register as story-register-YYYYMMDD.csv / .xlsx in a folder."""

    if format not in EXPORT_FORMATS or status not in (None, *StoryStatus):
        console.print(
            "[red]--format: csv, xlsx or both; --status: draft, submitted, withdrawn.[/red]"
        )
        raise typer.Exit(2)
    with Session(engine(), expire_on_commit=False) as session:
        try:
            actor = acting_user(session=session, email=as_email)
        except StorybankError as error:
            fail(error)
        chosen = find_site_by_name(session=session, name=site) if site else None
        if site and chosen is None:
            console.print(f"[red]Unknown site:[/red] {site}")
            raise typer.Exit(1)
        filters = StoryFilters(
            site_id=chosen.id if chosen else None, status=status, sort="created_at"
        )
        formats = [kind for kind in ("csv", "xlsx") if format in (kind, "both")]
        written = exporter.export_to_folder(
            session=session, actor=actor, filters=filters, formats=formats, folder=out
        )
    for path, count in written:
        console.print(f"{path}: {count} {'story' if count == 1 else 'stories'}")
