"""Engines and sessions: SQLite (WAL, foreign keys on) by default, PostgreSQL in production."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, create_engine

DEFAULT_BUSY_TIMEOUT = 30.0
# SQLite's words for a lock held by another writer; PostgreSQL's lock_not_available
# (lock_timeout passed) and deadlock_detected.
SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
POSTGRES_BUSY = {"55P03", "40P01"}
POSTGRES_UNIQUE = "23505"


def _configure_sqlite(dbapi_connection: Any, _record: Any, *, busy_ms: int) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Engine:
    """Build an engine for a database URL, with the per-backend settings we rely on.

    A writer waits up to `busy_timeout` seconds for another writer's lock (an import,
    say) before giving up. Parameters never appear in logs or error messages: they
    hold story text.
    """
    from storybank.review.final_table import keep_final_codes_in_step

    keep_final_codes_in_step()
    parsed = make_url(url)
    busy_ms = max(1, int(busy_timeout * 1000))
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": busy_timeout},
            hide_parameters=True,
        )
        event.listen(engine, "connect", partial(_configure_sqlite, busy_ms=busy_ms))
        return engine
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(
        url,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args={"options": f"-c lock_timeout={busy_ms}"},
    )


def is_database_busy(error: OperationalError) -> bool:
    """Whether a database error means another writer held a lock for too long."""
    if getattr(error.orig, "sqlstate", None) in POSTGRES_BUSY:
        return True
    message = str(error.orig).lower()
    return any(words in message for words in SQLITE_BUSY)


def is_unique_violation(error: DBAPIError) -> bool:
    """Whether a database error means a row with the same unique value already exists."""
    if getattr(error.orig, "sqlstate", None) == POSTGRES_UNIQUE:
        return True
    return "unique constraint failed" in str(error.orig).lower()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for a unit of work outside a request (CLI, jobs)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
