"""suggestions, review decisions, double-coding assignments, adjudications, job queue

Adds the tables of the review workflow and the provenance of a coding (which suggestion,
model version and confidence it came from). On PostgreSQL it also applies the schema of the
job queue (procrastinate), read from the installed package so it matches the library.

Revision ID: 0008_review
Revises: 0007
Create Date: 2026-12-02 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storybank.jobs.schema import drop_job_queue_schema, job_queue_schema
from storybank.models.base import UTCDateTime

revision: str = "0008_review"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _story_id(table: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "story_id",
        sa.Integer(),
        sa.ForeignKey("stories.id", name=f"fk_{table}_story_id_stories", ondelete="CASCADE"),
        nullable=False,
    )


def _user(table: str, name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name,
        sa.Integer(),
        sa.ForeignKey("users.id", name=f"fk_{table}_{name}_users"),
        nullable=False,
    )


def _code_id(table: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "code_id",
        sa.Integer(),
        sa.ForeignKey("codes.id", name=f"fk_{table}_code_id_codes"),
        nullable=False,
    )


def upgrade() -> None:
    _suggestions()
    _decisions_and_runs()
    _assignments_and_adjudications()
    with op.batch_alter_table("codings") as batch:
        batch.add_column(sa.Column("suggestion_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("model_version", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("confidence", sa.Float(), nullable=True))
        batch.create_foreign_key(
            "fk_codings_suggestion_id_suggestions",
            "suggestions",
            ["suggestion_id"],
            ["id"],
            ondelete="SET NULL",
        )
    if op.get_bind().dialect.name == "postgresql":
        op.get_bind().connection.driver_connection.execute(job_queue_schema())  # type: ignore[union-attr]


def _suggestions() -> None:
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _story_id("suggestions"),
        _code_id("suggestions"),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("settled_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_suggestions"),
    )
    op.create_index("ix_suggestions_story_id", "suggestions", ["story_id"])
    op.create_index("ix_suggestions_story_state", "suggestions", ["story_id", "state"])


def _decisions_and_runs() -> None:
    op.create_table(
        "suggestion_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "suggestion_id",
            sa.Integer(),
            sa.ForeignKey(
                "suggestions.id",
                name="fk_suggestion_decisions_suggestion_id_suggestions",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        _story_id("suggestion_decisions"),
        _user("suggestion_decisions", "reviewer_id"),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("explicit", sa.Boolean(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_suggestion_decisions"),
        sa.UniqueConstraint(
            "suggestion_id", "reviewer_id", name="uq_suggestion_decisions_suggestion_id_reviewer_id"
        ),
    )
    for column in ("suggestion_id", "story_id", "decided_at"):
        op.create_index(f"ix_suggestion_decisions_{column}", "suggestion_decisions", [column])
    op.create_table(
        "suggestion_runs",
        sa.Column(
            "story_id",
            sa.Integer(),
            sa.ForeignKey(
                "stories.id", name="fk_suggestion_runs_story_id_stories", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=True),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("story_id", name="pk_suggestion_runs"),
    )
    op.create_index("ix_suggestion_runs_state", "suggestion_runs", ["state"])


def _assignments_and_adjudications() -> None:
    op.create_table(
        "review_assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        _story_id("review_assignments"),
        _user("review_assignments", "reviewer_id"),
        sa.Column("position", sa.Integer(), nullable=False),
        _user("review_assignments", "assigned_by_id"),
        sa.Column("assigned_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_review_assignments"),
        sa.CheckConstraint("position IN (1, 2)", name="ck_review_assignments_position"),
        sa.UniqueConstraint(
            "story_id", "reviewer_id", name="uq_review_assignments_story_id_reviewer_id"
        ),
        sa.UniqueConstraint("story_id", "position", name="uq_review_assignments_story_id_position"),
    )
    op.create_index("ix_review_assignments_story_id", "review_assignments", ["story_id"])
    op.create_table(
        "adjudications",
        sa.Column("id", sa.Integer(), primary_key=True),
        _story_id("adjudications"),
        _code_id("adjudications"),
        _user("adjudications", "decided_by_id"),
        sa.Column("included", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_adjudications"),
        sa.UniqueConstraint("story_id", "code_id", name="uq_adjudications_story_id_code_id"),
    )
    op.create_index("ix_adjudications_story_id", "adjudications", ["story_id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.get_bind().connection.driver_connection.execute(drop_job_queue_schema())  # type: ignore[union-attr]
    with op.batch_alter_table("codings") as batch:
        batch.drop_constraint("fk_codings_suggestion_id_suggestions", type_="foreignkey")
        batch.drop_column("confidence")
        batch.drop_column("model_version")
        batch.drop_column("suggestion_id")
    for table in (
        "adjudications",
        "review_assignments",
        "suggestion_runs",
        "suggestion_decisions",
        "suggestions",
    ):
        op.drop_table(table)
