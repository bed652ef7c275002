"""stored final codes

`story_final_codes` holds each story's final codes (the definition in
storybank/review/final.py), kept in step by the service, so the evaluator's counts,
cross-tabs and co-occurrence are plain SQL at 100,000 stories. The upgrade fills it from
the existing codings, assignments and adjudications by the same rules:
never reviewed here -> every coding; one reviewer, finished -> that reviewer's codes;
two blind coders, both finished, every disagreement adjudicated -> the codes both applied
plus the disputed codes an adjudicator included; otherwise nothing yet.

Revision ID: 0013_final_codes
Revises: 0012_narrow_story_rows
Create Date: 2026-12-02 14:40:00
"""

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_final_codes"
down_revision: str | None = "0012_narrow_story_rows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNREVIEWED = """
INSERT INTO story_final_codes (story_id, code_id)
SELECT DISTINCT c.story_id, c.code_id FROM codings c
WHERE NOT EXISTS (SELECT 1 FROM review_assignments a WHERE a.story_id = c.story_id)
"""


def upgrade() -> None:
    op.create_table(
        "story_final_codes",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_story_final_codes_code_id_codes")
        ),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_story_final_codes_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("story_id", "code_id", name=op.f("pk_story_final_codes")),
    )
    op.create_index("ix_story_final_codes_code_story", "story_final_codes", ["code_id", "story_id"])
    bind = op.get_bind()
    bind.execute(sa.text(UNREVIEWED))
    rows = [{"story_id": s, "code_id": c} for s, c in sorted(_reviewed_finals(bind))]
    if rows:
        bind.execute(
            sa.text(
                "INSERT INTO story_final_codes (story_id, code_id) VALUES (:story_id, :code_id)"
            ),
            rows,
        )


def _reviewed_finals(bind: sa.Connection) -> set[tuple[int, int]]:
    """Final (story, code) pairs of the stories reviewed here (they are few)."""
    coders: dict[int, dict[int, int | None]] = defaultdict(dict)
    finished: dict[int, bool] = defaultdict(lambda: True)
    for story_id, reviewer_id, position, done in bind.execute(
        sa.text("SELECT story_id, reviewer_id, position, finished_at FROM review_assignments")
    ):
        coders[story_id][position] = reviewer_id
        finished[story_id] = finished[story_id] and done is not None
    applied: dict[tuple[int, int], set[int]] = defaultdict(set)
    for story_id, coder_id, code_id in bind.execute(
        sa.text(
            "SELECT c.story_id, c.coder_id, c.code_id FROM codings c "
            "JOIN review_assignments a ON a.story_id = c.story_id AND a.reviewer_id = c.coder_id"
        )
    ):
        applied[(story_id, coder_id)].add(code_id)
    adjudicated: dict[int, dict[int, bool]] = defaultdict(dict)
    for story_id, code_id, included in bind.execute(
        sa.text("SELECT story_id, code_id, included FROM adjudications")
    ):
        adjudicated[story_id][code_id] = bool(included)
    found: set[tuple[int, int]] = set()
    for story_id, by_position in coders.items():
        if finished[story_id]:
            codes = _final(by_position, applied, adjudicated[story_id], story_id)
            found.update((story_id, code) for code in codes or ())
    return found


def _final(
    by_position: dict[int, int | None],
    applied: dict[tuple[int, int], set[int]],
    adjudicated: dict[int, bool],
    story_id: int,
) -> set[int] | None:
    first = applied.get((story_id, by_position.get(1) or 0), set())
    if 2 not in by_position:
        return first
    second = applied.get((story_id, by_position[2] or 0), set())
    disputed = first ^ second
    if disputed - set(adjudicated):
        return None
    return (first & second) | {code for code in disputed if adjudicated[code]}


def downgrade() -> None:
    op.drop_index("ix_story_final_codes_code_story", table_name="story_final_codes")
    op.drop_table("story_final_codes")
