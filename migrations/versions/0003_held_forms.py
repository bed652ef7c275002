"""held forms: story forms posted after a sign-in session ended

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storybank.models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "held_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("created_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_held_forms_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_held_forms_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_forms")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_held_forms_token_hash")),
    )
    with op.batch_alter_table("held_forms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_held_forms_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_held_forms_story_id"), ["story_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_held_forms_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("held_forms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_held_forms_user_id"))
        batch_op.drop_index(batch_op.f("ix_held_forms_story_id"))
        batch_op.drop_index(batch_op.f("ix_held_forms_expires_at"))

    op.drop_table("held_forms")
