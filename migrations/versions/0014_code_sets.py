"""stories' final codes as a bit set

`stories.code_set` holds each story's final codes as a bit set (bit n for code id n, ids
up to 62), kept in step with `story_final_codes` by storybank/review/final_table.py, and
the partial index `ix_stories_live_insights` carries it beside every column an insight
filters by: the evaluator's counts over 100,000 stories read that index alone instead
of joining about 600,000 final codes to their stories. The upgrade fills it from
`story_final_codes`.

Revision ID: 0014_code_sets
Revises: 0013_final_codes
Create Date: 2026-12-02 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_code_sets"
down_revision: str | None = "0013_final_codes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_stories_live_insights"
COLUMNS = [
    "status",
    "site_id",
    "change_date",
    "code_set",
    "consent_level",
    "deidentified_confirmed",
    "story_type",
    "perspective",
    "contact_route",
    "erased_at",
]
LIVE = sa.text("erased_at IS NULL")
FILL = """
UPDATE stories SET code_set = (
    SELECT coalesce(sum(CAST(1 AS BIGINT) << f.code_id), 0) FROM story_final_codes f
    WHERE f.story_id = stories.id AND f.code_id <= 62
)
WHERE id IN (SELECT story_id FROM story_final_codes)
"""


def upgrade() -> None:
    op.add_column(
        "stories",
        sa.Column("code_set", sa.BigInteger(), nullable=False, server_default=sa.text("0")),
    )
    op.execute(FILL)
    op.create_index(INDEX, "stories", COLUMNS, sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="stories")
    # A plain DROP COLUMN on both (no table copy, which the triggers on
    # story_deidentified would not survive on SQLite).
    op.drop_column("stories", "code_set")
