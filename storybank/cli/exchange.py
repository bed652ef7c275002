"""REFI-QDA exchange: the codebook as a .qdc file and back, the stories as a .qdpx project."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from sqlmodel import Session

from storybank.cli.base import app, codebook_app, console, engine, fail
from storybank.errors import StorybankError
from storybank.exchange.qdc_reading import MAX_QDC_BYTES
from storybank.exchange.refi_codebook import export_codebook_qdc, import_codebook_qdc
from storybank.exchange.refi_project import export_project_qdpx
from storybank.register.actors import acting_user
from storybank.stories import StoryFilters, list_stories
from storybank.units import find_site_by_name

AS_OPTION = typer.Option("--as", help="Whose rights apply (default: the first admin).")


@codebook_app.command("export-qdc")
def export_qdc(
    out: Annotated[Path, typer.Option(help="The .qdc file to write.")] = Path("codebook.qdc"),
    as_email: Annotated[str | None, AS_OPTION] = None,
) -> None:
    """Write the codebook as a REFI-QDA codebook (.qdc) for NVivo, ATLAS.ti or MAXQDA."""
    with Session(engine(), expire_on_commit=False) as session:
        try:
            actor = acting_user(session=session, email=as_email)
        except StorybankError as error:
            fail(error)
        out.write_bytes(export_codebook_qdc(session=session, actor=actor))
    console.print(f"{out}: the codebook as REFI-QDA")


@codebook_app.command("import-qdc")
def import_qdc(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A .qdc file.")],
    as_email: Annotated[str | None, AS_OPTION] = None,
) -> None:
    """Add and update codes from a REFI-QDA codebook (admins): all of it, or nothing."""
    with file.open("rb") as stream:
        content = stream.read(MAX_QDC_BYTES + 1)
    with Session(engine(), expire_on_commit=False) as session:
        try:
            actor = acting_user(session=session, email=as_email)
            report = import_codebook_qdc(session=session, actor=actor, content=content)
        except StorybankError as error:
            for problem in error.problems[1:]:
                console.print(f"  {problem.field}: {problem.message}")
            fail(error)
    console.print(
        f"Added {len(report.added)} codes, updated {len(report.updated)}, "
        f"{len(report.unchanged)} unchanged."
    )


@app.command("export-qdpx")
def export_qdpx(
    out: Annotated[Path, typer.Option(help="The .qdpx file to write.")] = Path("stories.qdpx"),
    site: Annotated[str | None, typer.Option(help="Only the stories of this site.")] = None,
    as_email: Annotated[str | None, AS_OPTION] = None,
) -> None:
    """Write the stories you may read as a REFI-QDA project (.qdpx), with final codes."""
    with Session(engine(), expire_on_commit=False) as session:
        try:
            actor = acting_user(session=session, email=as_email)
        except StorybankError as error:
            fail(error)
        chosen = find_site_by_name(session=session, name=site) if site else None
        if site and chosen is None:
            console.print(f"[red]Unknown site:[/red] {site}")
            raise typer.Exit(1)
        filters = StoryFilters(site_id=chosen.id if chosen else None, sort="created_at")
        total = list_stories(session=session, actor=actor, filters=filters, limit=0).total
        with Progress(console=console) as bar:
            task = bar.add_task("Exporting stories", total=total)
            made = export_project_qdpx(
                session=session,
                actor=actor,
                filters=filters,
                progress=lambda done: bar.update(task, completed=done),
            )
        with made.file, out.open("wb") as target:
            shutil.copyfileobj(made.file, target)
    counts = made.counts
    stories = "story" if counts.stories == 1 else "stories"
    console.print(f"{out}: {counts.stories} {stories}, {counts.codings} codings")
