"""story text compressed by lz4 on PostgreSQL

A story row with its search document is about 3 kB, past PostgreSQL's 2 kB TOAST
threshold, so every insert compresses its text. The default, pglz, was about a fifth of
the server's time for an import of 20,000 stories; lz4 does the same job several times
faster (rows already stored keep their compression until they are rewritten). A server
built without lz4 keeps pglz. SQLite: nothing to do.

Revision ID: 0015_lz4_story_text
Revises: 0014_code_sets
Create Date: 2026-12-02 20:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_lz4_story_text"
down_revision: str | None = "0014_code_sets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    "title",
    "what_mattered",
    "what_happened",
    "what_changed",
    "before_cls",
    "why_significant",
    "search_document",
)
TABLES = ("stories", "story_deidentified")
HAS_LZ4 = sa.text(
    "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
)


def upgrade() -> None:
    _compress("lz4")


def downgrade() -> None:
    _compress("pglz")


def _compress(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or bind.execute(HAS_LZ4).first() is None:
        return
    for table in TABLES:
        changes = ", ".join(f"ALTER COLUMN {name} SET COMPRESSION {method}" for name in COLUMNS)
        op.execute(f"ALTER TABLE {table} {changes}")
