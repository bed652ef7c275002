"""MSC domains, reporting periods and selection rounds

New tables only: domains of change, reporting periods, selection rounds with the domains
in play, their panel members (guests included), candidates, passes, ballots (one per
member, domain and pass), decisions, feedback to authors and verifications. The open
"Any other change" domain is made by the services on first use and by `storybank setup`,
not here.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storybank.models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "msc_domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("created_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_msc_domains")),
        sa.UniqueConstraint("name", name=op.f("uq_msc_domains_name")),
    )
    op.create_table(
        "msc_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("closed_at", storybank.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_msc_periods")),
        sa.UniqueConstraint("name", name=op.f("uq_msc_periods_name")),
    )
    op.create_table(
        "msc_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("voting_method", sa.String(length=16), nullable=False),
        sa.Column("secret", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("current_pass", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", storybank.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["facilitator_id"], ["users.id"], name=op.f("fk_msc_rounds_facilitator_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["msc_periods.id"], name=op.f("fk_msc_rounds_period_id_msc_periods")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_msc_rounds_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_msc_rounds")),
        sa.UniqueConstraint("unit_id", "period_id", name=op.f("uq_msc_rounds_unit_id_period_id")),
    )
    with op.batch_alter_table("msc_rounds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_msc_rounds_facilitator_id"), ["facilitator_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_msc_rounds_period_id"), ["period_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_msc_rounds_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_msc_rounds_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "msc_round_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=True),
        sa.Column("suggested_domain_id", sa.Integer(), nullable=True),
        sa.Column("suggested_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("source_round_id", sa.Integer(), nullable=True),
        sa.Column("added_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_msc_round_candidates_confirmed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["msc_domains.id"],
            name=op.f("fk_msc_round_candidates_domain_id_msc_domains"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["msc_rounds.id"],
            name=op.f("fk_msc_round_candidates_round_id_msc_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_round_id"],
            ["msc_rounds.id"],
            name=op.f("fk_msc_round_candidates_source_round_id_msc_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_msc_round_candidates_story_id_stories")
        ),
        sa.ForeignKeyConstraint(
            ["suggested_by_id"],
            ["users.id"],
            name=op.f("fk_msc_round_candidates_suggested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["suggested_domain_id"],
            ["msc_domains.id"],
            name=op.f("fk_msc_round_candidates_suggested_domain_id_msc_domains"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_msc_round_candidates")),
        sa.UniqueConstraint(
            "round_id", "story_id", name=op.f("uq_msc_round_candidates_round_id_story_id")
        ),
    )
    with op.batch_alter_table("msc_round_candidates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_msc_round_candidates_domain_id"), ["domain_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_msc_round_candidates_round_id"), ["round_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_msc_round_candidates_source_round_id"), ["source_round_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_msc_round_candidates_story_id"), ["story_id"], unique=False
        )

    op.create_table(
        "msc_round_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("dissent", sa.Text(), nullable=False),
        sa.Column("tie_resolution", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_msc_round_decisions_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["msc_domains.id"],
            name=op.f("fk_msc_round_decisions_domain_id_msc_domains"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["msc_rounds.id"],
            name=op.f("fk_msc_round_decisions_round_id_msc_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_msc_round_decisions_story_id_stories")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_msc_round_decisions")),
        sa.UniqueConstraint(
            "round_id", "domain_id", name=op.f("uq_msc_round_decisions_round_id_domain_id")
        ),
    )
    with op.batch_alter_table("msc_round_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_msc_round_decisions_round_id"), ["round_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_msc_round_decisions_story_id"), ["story_id"], unique=False
        )

    op.create_table(
        "msc_round_domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["msc_domains.id"],
            name=op.f("fk_msc_round_domains_domain_id_msc_domains"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["msc_rounds.id"],
            name=op.f("fk_msc_round_domains_round_id_msc_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_msc_round_domains")),
        sa.UniqueConstraint(
            "round_id", "domain_id", name=op.f("uq_msc_round_domains_round_id_domain_id")
        ),
    )
    with op.batch_alter_table("msc_round_domains", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_msc_round_domains_domain_id"), ["domain_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_msc_round_domains_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "msc_round_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", storybank.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_msc_round_feedback_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["msc_rounds.id"],
            name=op.f("fk_msc_round_feedback_round_id_msc_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_msc_round_feedback_story_id_stories")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_msc_round_feedback")),
        sa.UniqueConstraint(
            "round_id", "story_id", name=op.f("uq_msc_round_feedback_round_id_story_id")
        ),
    )
    with op.batch_alter_table("msc_round_feedback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_msc_round_feedback_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_msc_round_feedback_round_id"), ["round_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_msc_round_feedback_story_id"), ["story_id"], unique=False
        )

    op.create_table(
        "msc_round_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("is_guest", sa.Boolean(), nullable=False),
        sa.Column("guest_code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_used_at", storybank.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_msc_round_members_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["msc_rounds.id"],
            name=op.f("fk_msc_round_members_round_id_msc_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_msc_round_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_msc_round_members")),
        sa.UniqueConstraint("guest_code_hash", name=op.f("uq_msc_round_members_guest_code_hash")),
        sa.UniqueConstraint(
            "round_id", "user_id", name=op.f("uq_msc_round_members_round_id_user_id")
        ),
    )
    with op.batch_alter_table("msc_round_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_msc_round_members_added_by_id"), ["added_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_msc_round_members_round_id"), ["round_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_msc_round_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "msc_round_passes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("shortlist", sa.JSON(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_msc_round_passes_opened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["msc_rounds.id"],
            name=op.f("fk_msc_round_passes_round_id_msc_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_msc_round_passes")),
        sa.UniqueConstraint("round_id", "number", name=op.f("uq_msc_round_passes_round_id_number")),
    )
    with op.batch_alter_table("msc_round_passes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_msc_round_passes_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "msc_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["checked_by_id"], ["users.id"], name=op.f("fk_msc_verifications_checked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["msc_rounds.id"],
            name=op.f("fk_msc_verifications_round_id_msc_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_msc_verifications_story_id_stories")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_msc_verifications")),
    )
    with op.batch_alter_table("msc_verifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_msc_verifications_round_id"), ["round_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_msc_verifications_story_id"), ["story_id"], unique=False
        )

    op.create_table(
        "msc_ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("pass_number", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("on_behalf", sa.Boolean(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"], ["msc_domains.id"], name=op.f("fk_msc_ballots_domain_id_msc_domains")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["users.id"], name=op.f("fk_msc_ballots_entered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["msc_round_members.id"],
            name=op.f("fk_msc_ballots_member_id_msc_round_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["msc_rounds.id"],
            name=op.f("fk_msc_ballots_round_id_msc_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_msc_ballots")),
        sa.UniqueConstraint(
            "round_id",
            "pass_number",
            "domain_id",
            "member_id",
            name=op.f("uq_msc_ballots_round_id_pass_number_domain_id_member_id"),
        ),
    )
    with op.batch_alter_table("msc_ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_msc_ballots_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_msc_ballots_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("msc_ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_msc_ballots_round_id"))
        batch_op.drop_index(batch_op.f("ix_msc_ballots_member_id"))

    op.drop_table("msc_ballots")
    with op.batch_alter_table("msc_verifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_msc_verifications_story_id"))
        batch_op.drop_index(batch_op.f("ix_msc_verifications_round_id"))

    op.drop_table("msc_verifications")
    with op.batch_alter_table("msc_round_passes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_msc_round_passes_round_id"))

    op.drop_table("msc_round_passes")
    with op.batch_alter_table("msc_round_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_msc_round_members_user_id"))
        batch_op.drop_index(batch_op.f("ix_msc_round_members_round_id"))
        batch_op.drop_index(batch_op.f("ix_msc_round_members_added_by_id"))

    op.drop_table("msc_round_members")
    with op.batch_alter_table("msc_round_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_msc_round_feedback_story_id"))
        batch_op.drop_index(batch_op.f("ix_msc_round_feedback_round_id"))
        batch_op.drop_index(batch_op.f("ix_msc_round_feedback_author_id"))

    op.drop_table("msc_round_feedback")
    with op.batch_alter_table("msc_round_domains", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_msc_round_domains_round_id"))
        batch_op.drop_index(batch_op.f("ix_msc_round_domains_domain_id"))

    op.drop_table("msc_round_domains")
    with op.batch_alter_table("msc_round_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_msc_round_decisions_story_id"))
        batch_op.drop_index(batch_op.f("ix_msc_round_decisions_round_id"))

    op.drop_table("msc_round_decisions")
    with op.batch_alter_table("msc_round_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_msc_round_candidates_story_id"))
        batch_op.drop_index(batch_op.f("ix_msc_round_candidates_source_round_id"))
        batch_op.drop_index(batch_op.f("ix_msc_round_candidates_round_id"))
        batch_op.drop_index(batch_op.f("ix_msc_round_candidates_domain_id"))

    op.drop_table("msc_round_candidates")
    with op.batch_alter_table("msc_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_msc_rounds_unit_id"))
        batch_op.drop_index(batch_op.f("ix_msc_rounds_state"))
        batch_op.drop_index(batch_op.f("ix_msc_rounds_period_id"))
        batch_op.drop_index(batch_op.f("ix_msc_rounds_facilitator_id"))

    op.drop_table("msc_rounds")
    op.drop_table("msc_periods")
    op.drop_table("msc_domains")
