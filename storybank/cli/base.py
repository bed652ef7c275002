"""The command-line app, its sub-command groups and what every command shares."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from storybank import migrate
from storybank.config import get_settings
from storybank.db import make_engine
from storybank.errors import StorybankError

app = typer.Typer(
    help="storybank: a change-story bank for Community Led Support.", no_args_is_help=True
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
codebook_app = typer.Typer(help="The codebook.", no_args_is_help=True)
units_app = typer.Typer(
    help="Organisational units: sites, regions, the programme.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(codebook_app, name="codebook")
nlp_app = typer.Typer(
    help="Code suggestions, training, evaluation and de-identification.", no_args_is_help=True
)
app.add_typer(units_app, name="units")
app.add_typer(nlp_app, name="nlp")
console = Console()
POINT_AT_YOURS = "set STORYBANK_DATA_DIR / STORYBANK_DATABASE_URL to point at yours"


def engine() -> Engine:
    """An engine for the configured database, which must exist and be at the newest revision."""
    found = existing_engine()
    problem = _schema_problem(found, database_location(get_settings().resolved_database_url))
    if problem:
        found.dispose()
        refuse(problem)
    return found


def existing_engine() -> Engine:
    """An engine for the configured database, which must exist (at whatever revision)."""
    url = get_settings().resolved_database_url
    where = database_location(url)
    if _missing_sqlite_file(url):
        refuse(
            f"No storybank database at {where}. Run `storybank setup` first, or {POINT_AT_YOURS}."
        )
    found = make_engine(url)
    try:
        found.connect().close()
    except OperationalError as error:
        found.dispose()
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "no connection"
        refuse(
            f"Cannot open the storybank database at {where} ({reason}). "
            f"Check that it is running, or {POINT_AT_YOURS}."
        )
    return found


def new_or_existing_engine() -> Engine:
    """An engine for the configured database; an embedded SQLite file is created if missing."""
    settings = get_settings()
    return make_engine(
        settings.resolved_database_url, busy_timeout=settings.db_busy_timeout_seconds
    )


def database_location(url: str) -> str:
    """Where a database is, for a message: the SQLite file, or the URL without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or ":memory:")
        return str(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
    return parsed.render_as_string(hide_password=True)


def _missing_sqlite_file(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return False
    return not Path(parsed.database).is_file()


def _schema_problem(found: Engine, where: str) -> str | None:
    """What to do when the database has no storybank tables or another schema; else None."""
    current, head = migrate.current_revision(found), migrate.head_revision()
    if current is None:
        return (
            f"The database at {where} has no storybank tables. "
            f"Run `storybank setup` first, or {POINT_AT_YOURS}."
        )
    if current != head:
        return (
            f"The storybank database at {where} is at revision {current}, not {head}. "
            "Run `storybank db upgrade` first."
        )
    return None


def refuse(message: str) -> NoReturn:
    """Print why a command cannot run, then exit with status 1."""
    console.print(f"[red]Error:[/red] {escape(message)}")
    raise typer.Exit(1)


def fail(error: StorybankError) -> NoReturn:
    """Print a service error with each field problem, then exit with status 1."""
    console.print(f"[red]Error:[/red] {error.message}")
    for problem in error.problems:
        console.print(f"  - {problem.field}: {problem.message}")
    raise typer.Exit(1)
