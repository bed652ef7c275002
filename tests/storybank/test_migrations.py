"""Migrations: empty database -> head, no drift from the models, head -> base."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from storybank import migrate
from storybank.db import make_engine
from storybank.models import metadata


@pytest.fixture
def empty_engine(db_factory):
    url = db_factory.new_url(migrated=False)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    db_factory.drop(url)


def test_empty_database_upgrades_to_head_with_no_drift_and_downgrades_to_base(empty_engine):
    assert migrate.current_revision(empty_engine) is None
    migrate.upgrade(empty_engine)
    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    tables = set(inspect(empty_engine).get_table_names())
    assert set(metadata.tables) <= tables
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        drift = compare_metadata(context, metadata)
    assert drift == [], f"models and migrations differ: {drift}"
    migrate.downgrade(empty_engine, "base")
    assert migrate.current_revision(empty_engine) is None
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}


def test_audit_log_rows_cannot_be_changed_or_deleted(engine):
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_events (at, action, entity, entity_id, details) "
                "VALUES (CURRENT_TIMESTAMP, 'test.event', 'test', '1', '{}')"
            )
        )
    for statement in ("UPDATE audit_events SET action = 'tampered'", "DELETE FROM audit_events"):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    with engine.connect() as connection:
        actions = connection.execute(text("SELECT action FROM audit_events")).scalars().all()
    assert "test.event" in actions
    assert "tampered" not in actions
