"""Data-protection duties from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from storybank.cli.base import app, console, engine, fail
from storybank.config import get_settings
from storybank.errors import StorybankError
from storybank.privacy import stories_past_retention
from storybank.register.actors import acting_user


@app.command()
def retention(
    days: Annotated[int | None, typer.Option(help="Override STORYBANK_RETENTION_DAYS.")] = None,
) -> None:
    """List stories kept longer than the retention period, for review (exit 1 if any)."""
    limit = days if days is not None else get_settings().retention_days
    with Session(engine()) as session:
        try:
            actor = acting_user(session=session, email=None)
        except StorybankError as error:
            fail(error)
        found = stories_past_retention(session=session, actor=actor, retention_days=limit)
    if not found:
        console.print(f"No story is older than {limit} days.")
        return
    table = Table(
        "id",
        "site id",
        "status",
        "created",
        "date of change",
        title=f"Stories older than {limit} days: review, then erase or keep",
    )
    for story in found:
        table.add_row(
            str(story.id),
            str(story.site_id),
            story.status,
            story.created_at.date().isoformat(),
            story.change_date.isoformat() if story.change_date else "",
        )
    console.print(table)
    raise typer.Exit(1)
