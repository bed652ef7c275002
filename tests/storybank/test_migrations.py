"""Migrations: empty database -> head, no drift from the models, head -> base."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from storybank import migrate
from storybank.db import make_engine
from storybank.jobs.schema import is_job_queue_object
from storybank.models import metadata
from storybank.stories.search import is_search_object


@pytest.fixture
def empty_engine(db_factory):
    url = db_factory.new_url(migrated=False)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    db_factory.drop(url)


def _not_search_table(name, type_, _parents) -> bool:
    """The search indexes (made by migration 0007) and the job queue's tables (0008)."""
    return not (is_search_object(name, type_) or is_job_queue_object(name))


def test_empty_database_upgrades_to_head_with_no_drift_and_downgrades_to_base(empty_engine):
    assert migrate.current_revision(empty_engine) is None
    migrate.upgrade(empty_engine)
    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    tables = set(inspect(empty_engine).get_table_names())
    assert set(metadata.tables) <= tables
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _not_search_table}
        )
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


def _insert_coded_stories(engine, count: int) -> None:
    """Stories (and a coding of the first) written with SQL, as revision 0001 knew them."""
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO sites (name, region, created_at) VALUES ('Derby', 'R', '2026-01-01')")
        run(
            "INSERT INTO users (email, display_name, is_active, created_at) "
            "VALUES ('kim@example.org', 'Kim', true, '2026-01-01')"
        )
        for _ in range(count):
            run(
                "INSERT INTO stories (site_id, author_id, title, what_mattered, what_happened, "
                "what_changed, before_cls, community_solutions, why_significant, status, "
                "created_at, updated_at, version) SELECT sites.id, users.id, 'A story', '', '', "
                "'', '', '[]', '', 'draft', '2026-01-01', '2026-01-01', 1 FROM sites, users"
            )
        run(
            "INSERT INTO codes (kind, key, label, description, cue_phrases, examples, active, "
            "sort_order, created_at, updated_at) VALUES ('theme', 'a_theme', 'A theme', '', "
            "'[]', '[]', true, 0, '2026-01-01', '2026-01-01')"
        )
        run(
            "INSERT INTO codings (story_id, code_id, coder_id, source, created_at) "
            "SELECT MIN(stories.id), MIN(codes.id), MIN(users.id), 'manual', '2026-01-01' "
            "FROM stories, codes, users"
        )


def test_story_references_are_filled_for_existing_stories_and_codings_survive(empty_engine):
    migrate.upgrade(empty_engine, "0001")
    _insert_coded_stories(empty_engine, 3)

    migrate.upgrade(empty_engine, "0004")

    with empty_engine.connect() as connection:
        references = connection.execute(text("SELECT reference FROM stories")).scalars().all()
        codings = connection.execute(text("SELECT COUNT(*) FROM codings")).scalar_one()
    assert len(references) == len(set(references)) == 3
    assert all(str(uuid.UUID(reference)) == reference for reference in references)
    assert codings == 1
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:
        connection.execute(text("UPDATE stories SET reference = :r"), {"r": references[0]})
    migrate.downgrade(empty_engine, "0001")
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM codings")).scalar_one() == 1
        columns = {c["name"] for c in inspect(connection).get_columns("stories")}
    assert "reference" not in columns


def _insert_people_at_0001(engine) -> None:
    """Two sites in two regions and one without, and people holding roles and sites as
    revision 0001 stored them: two unrelated lists."""
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        for name, region in (("Somerset", "South West"), ("Leeds", "Yorkshire"), ("Orkney", "")):
            run(
                "INSERT INTO sites (name, region, created_at) "
                f"VALUES ('{name}', '{region}', '2026-01-01 10:00:00')"
            )
        for email in ("two@example.org", "boss@example.org", "idle@example.org"):
            run(
                "INSERT INTO users (email, display_name, is_active, created_at) "
                f"VALUES ('{email}', '{email}', true, '2026-01-01 10:00:00')"
            )
        ids = dict(connection.execute(text("SELECT email, id FROM users")).all())
        sites = dict(connection.execute(text("SELECT name, id FROM sites")).all())
        for email, role in (
            ("two@example.org", "staff"),
            ("two@example.org", "evaluator"),
            ("boss@example.org", "admin"),
            ("idle@example.org", "reviewer"),
        ):
            run(f"INSERT INTO user_roles (user_id, role) VALUES ({ids[email]}, '{role}')")
        for site in ("Somerset", "Leeds"):
            run(
                "INSERT INTO user_sites (user_id, site_id) "
                f"VALUES ({ids['two@example.org']}, {sites[site]})"
            )


def test_roles_and_sites_become_grants_with_the_same_reach_and_come_back(empty_engine):
    migrate.upgrade(empty_engine, "0001")
    _insert_people_at_0001(empty_engine)
    _insert_coded_stories(empty_engine, 2)
    with empty_engine.connect() as connection:
        before_sites = dict(connection.execute(text("SELECT id, name FROM sites")).all())
        before_stories = set(connection.execute(text("SELECT id, site_id FROM stories")).all())

    migrate.upgrade(empty_engine, "0002")

    with empty_engine.connect() as connection:
        units = {
            row.name: row
            for row in connection.execute(text("SELECT id, name, level, parent_id FROM units"))
        }
        grants = set(
            connection.execute(
                text(
                    "SELECT users.email, grants.role, units.name FROM grants "
                    "JOIN users ON users.id = grants.user_id "
                    "JOIN units ON units.id = grants.unit_id"
                )
            ).all()
        )
        not_migrated = connection.execute(
            text("SELECT details FROM audit_events WHERE action = 'grant.not_migrated'")
        ).all()
        codings = connection.execute(text("SELECT COUNT(*) FROM codings")).scalar_one()
        stories = set(connection.execute(text("SELECT id, site_id FROM stories")).all())
    # Sites keep their ids under their regions; regions and the programme are new units.
    assert {units[name].id: name for name in before_sites.values()} == before_sites
    assert units["Somerset"].parent_id == units["South West"].id
    assert units["South West"].parent_id == units["Programme"].id
    assert units["Orkney"].parent_id == units["Programme"].id
    assert (units["Programme"].level, units["Yorkshire"].level) == ("programme", "region")
    # Every role x site pair, exactly the reach they had; the admin at the programme.
    assert grants == {
        ("two@example.org", "staff", "Somerset"),
        ("two@example.org", "staff", "Leeds"),
        ("two@example.org", "evaluator", "Somerset"),
        ("two@example.org", "evaluator", "Leeds"),
        ("boss@example.org", "admin", "Programme"),
    }
    assert len(not_migrated) == 1, "the reviewer role held with no site is recorded"
    assert codings == 1 and stories == before_stories and len(stories) == 32

    migrate.downgrade(empty_engine, "0001")

    with empty_engine.connect() as connection:
        sites = set(connection.execute(text("SELECT name, region FROM sites")).all())
        roles = set(
            connection.execute(
                text(
                    "SELECT users.email, role FROM user_roles "
                    "JOIN users ON users.id = user_roles.user_id"
                )
            ).all()
        )
        assert connection.execute(text("SELECT COUNT(*) FROM codings")).scalar_one() == 1
    assert ("Somerset", "South West") in sites and ("Orkney", "") in sites
    assert roles == {
        ("two@example.org", "staff"),
        ("two@example.org", "evaluator"),
        ("boss@example.org", "admin"),
    }


def test_story_text_is_compressed_by_lz4_on_postgresql_where_the_server_has_it(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL column setting")
    with engine.connect() as connection:
        has_lz4 = connection.execute(
            text(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
        ).scalar()
        methods = dict(
            connection.execute(
                text(
                    "SELECT attrelid::regclass::text || '.' || attname, attcompression "
                    "FROM pg_attribute WHERE attrelid IN ('stories'::regclass, "
                    "'story_deidentified'::regclass) AND attname IN ('what_happened', "
                    "'search_document')"
                )
            ).all()
        )
    assert len(methods) == 4
    assert set(methods.values()) == ({"l"} if has_lz4 else {""})
