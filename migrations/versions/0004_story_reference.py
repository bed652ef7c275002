"""story reference

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:00:00.000000
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILL_BATCH = 1000
STORIES = sa.table("stories", sa.column("id", sa.Integer()), sa.column("reference", sa.String(36)))


def upgrade() -> None:
    # Rebuilding `stories` (what batch mode does on SQLite for most changes) would drop the
    # old table with foreign keys on, which cascades and deletes every coding. So the column
    # is added in place: NOT NULL needs a default there, filled at once with real references.
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reference", sa.String(length=36), nullable=False, server_default="")
        )
    _give_every_story_a_reference()
    if op.get_bind().dialect.name != "sqlite":
        with op.batch_alter_table("stories", schema=None) as batch_op:
            batch_op.alter_column("reference", existing_type=sa.String(36), server_default=None)
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stories_reference"), ["reference"], unique=True)


def _give_every_story_a_reference() -> None:
    """A fresh uuid4 for each existing story, written in batches (SQLite and PostgreSQL)."""
    connection = op.get_bind()
    story_ids = connection.execute(sa.select(STORIES.c.id)).scalars().all()
    fill = (
        STORIES.update()
        .where(STORIES.c.id == sa.bindparam("story_id"))
        .values(reference=sa.bindparam("new_reference"))
    )
    for start in range(0, len(story_ids), FILL_BATCH):
        batch = story_ids[start : start + FILL_BATCH]
        connection.execute(
            fill, [{"story_id": i, "new_reference": str(uuid.uuid4())} for i in batch]
        )


def downgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stories_reference"))
    # In place, not through batch mode: rebuilding the table would delete every coding.
    op.drop_column("stories", "reference")
