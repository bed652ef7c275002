"""the confirmed de-identified flag on stories, for the evaluator's list

`stories.deidentified_confirmed` says whether `story_deidentified` holds a confirmed
version of the story. Triggers on `story_deidentified` (insert, update of confirmed_at,
delete) keep it in step, whoever writes there, so the services never set it. A partial
index over the live stories with the flag set, newest first and holding every column
an evaluator's list checks, serves that list's pages, and 0005's evaluator index gains
the flag so the list is counted from an index alone (an EXISTS on story_deidentified
for each story could not be).

Revision ID: 0011_deidentified_confirmed
Revises: 0010_search_documents
Create Date: 2026-12-09 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_deidentified_confirmed"
down_revision: str | None = "0010_search_documents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMN = "deidentified_confirmed"
INDEX = "ix_stories_live_confirmed_updated"
INDEX_COLUMNS = [
    "updated_at",
    "id",
    "site_id",
    "status",
    "consent_level",
    "erased_at",
    COLUMN,
]
SQLITE_WHERE = sa.text("erased_at IS NULL AND deidentified_confirmed = 1")
POSTGRESQL_WHERE = sa.text("erased_at IS NULL AND deidentified_confirmed")
LIVE = sa.text("erased_at IS NULL")
SHARED = "ix_stories_live_shared"
SHARED_COLUMNS = ["status", "consent_level", "site_id", "erased_at"]
TRIGGER = "story_deidentified_confirmed"
# Set the flag only where it differs, so a write that leaves it unchanged (a bulk load
# that set it already) does not rewrite the story row.
SQLITE_SET = (
    "UPDATE stories SET deidentified_confirmed = {value} "
    "WHERE id = {story} AND deidentified_confirmed != {value};"
)
POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE stories SET {COLUMN} = false WHERE id = OLD.story_id AND {COLUMN};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE stories SET {COLUMN} = (NEW.confirmed_at IS NOT NULL)
        WHERE id = NEW.story_id AND {COLUMN} IS DISTINCT FROM (NEW.confirmed_at IS NOT NULL);
    END IF;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.add_column(
        "stories", sa.Column(COLUMN, sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.execute(
        f"UPDATE stories SET {COLUMN} = true WHERE id IN "
        "(SELECT story_id FROM story_deidentified WHERE confirmed_at IS NOT NULL)"
    )
    _shared_index(with_flag=True)
    op.create_index(
        INDEX,
        "stories",
        INDEX_COLUMNS,
        sqlite_where=SQLITE_WHERE,
        postgresql_where=POSTGRESQL_WHERE,
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _shared_index(*, with_flag: bool) -> None:
    """The evaluator's filter index of 0005, with the flag at its end (so SQLite counts
    an evaluator's list from it alone) or as 0005 made it."""
    op.drop_index(SHARED, table_name="stories")
    columns = SHARED_COLUMNS + ([COLUMN] if with_flag else [])
    op.create_index(SHARED, "stories", columns, sqlite_where=LIVE, postgresql_where=LIVE)


def _sqlite_triggers() -> None:
    confirmed = "(new.confirmed_at IS NOT NULL)"
    add = SQLITE_SET.format(value=confirmed, story="new.story_id")
    remove = SQLITE_SET.format(value="0", story="old.story_id")
    table = "story_deidentified"
    op.execute(f"CREATE TRIGGER {TRIGGER}_insert AFTER INSERT ON {table} BEGIN {add} END")
    op.execute(
        f"CREATE TRIGGER {TRIGGER}_update AFTER UPDATE OF confirmed_at, story_id ON {table} "
        f"BEGIN {remove} {add} END"
    )
    op.execute(f"CREATE TRIGGER {TRIGGER}_delete AFTER DELETE ON {table} BEGIN {remove} END")


def _postgresql_triggers() -> None:
    op.execute(POSTGRESQL_FUNCTION)
    op.execute(
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR DELETE OR UPDATE OF confirmed_at, story_id "
        f"ON story_deidentified FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON story_deidentified")
        op.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_{event}")
    op.drop_index(INDEX, table_name="stories")
    _shared_index(with_flag=False)
    op.drop_column("stories", COLUMN)
