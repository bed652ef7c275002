"""Alembic environment: the SQLModel metadata, the URL from settings, SQLite-safe batches."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import storybank.models  # noqa: F401  (registers every table on the metadata)
from storybank.config import get_settings
from storybank.db import make_engine
from storybank.jobs.schema import is_job_queue_object
from storybank.models import metadata
from storybank.stories.search import is_search_object

config = context.config


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=True,
        # The search and job-queue objects are not in the models: never drop them.
        include_name=lambda name, type_, parents: (
            not (is_search_object(name, type_) or is_job_queue_object(name))
        ),
    )


def run_migrations() -> None:
    """Run against the connection handed in by storybank.migrate, or a new engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().resolved_database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run storybank db upgrade.")
run_migrations()
