"""stored search documents on PostgreSQL

PostgreSQL: each story's (and each de-identified version's) searched text is kept as a
stored, generated English `tsvector` column, `search_document`, under the GIN index that
replaces 0007's expression index. A search then reads the stored document instead of
parsing every matching story's text again to check or rank it. SQLite is unchanged (its
FTS5 indexes already store the words).

Revision ID: 0010_search_documents
Revises: 0009_model_versions
Create Date: 2026-12-02 11:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_search_documents"
down_revision: str | None = "0009_model_versions"
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
SEARCHES = (("story_search", "stories"), ("story_deidentified_search", "story_deidentified"))
COLUMN = "search_document"


def _document() -> str:
    fields = " || ' ' || ".join(f"coalesce({name}, '')" for name in FIELDS)
    return f"to_tsvector('english'::regconfig, {fields})"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index, table in SEARCHES:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({_document()}) STORED"
        )
        op.execute(f"DROP INDEX IF EXISTS ix_{index}")
        op.execute(f"CREATE INDEX ix_{index} ON {table} USING gin ({COLUMN})")
        op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index, table in reversed(SEARCHES):
        op.execute(f"DROP INDEX IF EXISTS ix_{index}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN {COLUMN}")
        op.execute(f"CREATE INDEX ix_{index} ON {table} USING gin ({_document()})")
