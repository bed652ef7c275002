"""narrow story rows on PostgreSQL

PostgreSQL: a story row (its texts and its stored search document, ~2.5 kB) filled a
quarter of a heap page, so counting the ~40,000 stories a common word finds visited
most of the table's pages. With `toast_tuple_target` at its minimum, a row longer than
the toast threshold keeps only its short columns in the heap and its long values in
the table's TOAST relation: the heap is ~8 times smaller and such a count reads a few
thousand pages. The same for the de-identified versions. SQLite is unchanged.

Rows written before this migration move when they are next written, or all at once
with `VACUUM FULL stories; VACUUM FULL story_deidentified;` (which locks the tables).

Revision ID: 0012_narrow_story_rows
Revises: 0011_deidentified_confirmed
Create Date: 2026-12-09 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_narrow_story_rows"
down_revision: str | None = "0011_deidentified_confirmed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("stories", "story_deidentified")
# PostgreSQL's smallest allowed target, in bytes.
TARGET = 128


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} SET (toast_tuple_target = {TARGET})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} RESET (toast_tuple_target)")
