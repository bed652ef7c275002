"""story list indexes

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("erased_at IS NULL")
# Partial indexes over the stories that are not erased, one per list sort (column, id),
# plus a site's and a status's stories newest first; as in models/stories.py. The
# trailing erased_at lets SQLite count from an index alone.
INDEXES = {
    "ix_stories_live_updated": ["updated_at", "id", "erased_at"],
    "ix_stories_live_created": ["created_at", "id", "erased_at"],
    "ix_stories_live_change_date": ["change_date", "id", "erased_at"],
    "ix_stories_live_title": ["title", "id", "erased_at"],
    "ix_stories_live_site_updated": ["site_id", "updated_at", "id", "erased_at"],
    "ix_stories_live_status_updated": ["status", "updated_at", "id", "erased_at"],
    "ix_stories_live_shared": ["status", "consent_level", "site_id", "erased_at"],
}
CONFIRMED = sa.text("confirmed_at IS NOT NULL")


def upgrade() -> None:
    # Created in place, not through batch mode: rebuilding `stories` on SQLite would drop
    # the old table with foreign keys on, which cascades and deletes every coding.
    for name, columns in INDEXES.items():
        op.create_index(name, "stories", columns, sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_index(
        "ix_story_deidentified_confirmed_story",
        "story_deidentified",
        ["story_id"],
        sqlite_where=CONFIRMED,
        postgresql_where=CONFIRMED,
    )


def downgrade() -> None:
    op.drop_index("ix_story_deidentified_confirmed_story", table_name="story_deidentified")
    for name in reversed(INDEXES):
        op.drop_index(name, table_name="stories")
