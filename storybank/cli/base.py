"""The command-line app, its sub-command groups and what every command shares."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy import Engine

from storybank.config import get_settings
from storybank.db import make_engine
from storybank.errors import StorybankError

app = typer.Typer(
    help="storybank: a change-story bank for Community Led Support.", no_args_is_help=True
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
codebook_app = typer.Typer(help="The codebook.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(codebook_app, name="codebook")
console = Console()


def engine() -> Engine:
    """An engine for the configured database."""
    settings = get_settings()
    return make_engine(
        settings.resolved_database_url, busy_timeout=settings.db_busy_timeout_seconds
    )


def fail(error: StorybankError) -> NoReturn:
    """Print a service error with each field problem, then exit with status 1."""
    console.print(f"[red]Error:[/red] {error.message}")
    for problem in error.problems:
        console.print(f"  - {problem.field}: {problem.message}")
    raise typer.Exit(1)
