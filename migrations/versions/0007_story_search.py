"""story full-text search

SQLite: two FTS5 indexes with English (Porter) stemming, one over each story's original
text and one over its de-identified text, kept in step by triggers on every insert,
update and delete of `stories` and `story_deidentified`. PostgreSQL: GIN indexes on the
same text as an English `tsvector`, which the search expression in
storybank/stories/search.py must match character for character.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELDS = (
    "title",
    "what_mattered",
    "what_happened",
    "what_changed",
    "before_cls",
    "why_significant",
)
# Each index: its name, the table it reads and that table's id column.
SEARCHES = (
    ("story_search", "stories", "id"),
    ("story_deidentified_search", "story_deidentified", "story_id"),
)


def _values(prefix: str) -> str:
    return ", ".join(f"{prefix}.{name}" for name in FIELDS)


def _sqlite_upgrade(index: str, table: str, key: str) -> None:
    names = ", ".join(FIELDS)
    op.execute(
        f"CREATE VIRTUAL TABLE {index} USING fts5({names}, content='{table}', "
        f"content_rowid='{key}', tokenize='porter unicode61')"
    )
    add = f"INSERT INTO {index} (rowid, {names}) VALUES (new.{key}, {_values('new')});"
    remove = (
        f"INSERT INTO {index} ({index}, rowid, {names}) "
        f"VALUES ('delete', old.{key}, {_values('old')});"
    )
    op.execute(f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {add} END")
    op.execute(f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {remove} END")
    op.execute(
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF {names}, {key} ON {table} "
        f"BEGIN {remove} {add} END"
    )
    op.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")


def _postgresql_document(table: str) -> str:
    return " || ' ' || ".join(f"coalesce({name}, '')" for name in FIELDS)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for index, table, key in SEARCHES:
        if dialect == "sqlite":
            _sqlite_upgrade(index, table, key)
        elif dialect == "postgresql":
            op.execute(
                f"CREATE INDEX ix_{index} ON {table} "
                f"USING gin (to_tsvector('english'::regconfig, {_postgresql_document(table)}))"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for index, _table, _key in reversed(SEARCHES):
        if dialect == "sqlite":
            for event in ("update", "delete", "insert"):
                op.execute(f"DROP TRIGGER IF EXISTS {index}_{event}")
            op.execute(f"DROP TABLE IF EXISTS {index}")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS ix_{index}")
