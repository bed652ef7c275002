"""Which stories an insight counts, and the codebook it counts them by.

An insight counts submitted stories only (drafts and withdrawn stories are not evidence),
never erased, always inside `access` (an evaluator's figures never include a story they
may not read), narrowed by the same filters as the story list. A story's codes are its
*final* codes (storybank/review/final.py, stored in `story_final_codes`); a story with none
yet is *awaiting review* and is not in the denominator, which is always shown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.models import Code, Role, Story, StoryFinalCode, StoryStatus
from storybank.stories.filtering import check_filters
from storybank.stories.finding import StoryFilters, story_conditions

# Who reads the insights (each only over the stories they may read): evaluators, programme
# leads (admins), site reviewers and facilitators. Staff and panel members do not.
INSIGHT_ROLES = (Role.evaluator, Role.admin, Role.reviewer, Role.facilitator)
DESCRIPTIVE = (
    "Counts describe the stories collected, not how common a change is: stories are chosen "
    "to be told, and Most Significant Change panels pick extremes on purpose."
)


@dataclass(frozen=True)
class Pending:
    """Whether pending suggestions at or above a confidence count too (marked as such)."""

    include: bool = False
    min_confidence: float = 0.8


@dataclass(frozen=True)
class CodeInfo:
    """One code as an insight table shows it."""

    id: int
    key: str
    kind: str
    label: str
    number: int | None

    @property
    def name(self) -> str:
        """The label, with the outcome's number in front."""
        return f"{self.number}. {self.label}" if self.number else self.label

    @property
    def filter(self) -> dict[str, str | int]:
        """The story-list filter that selects the stories carrying this code."""
        return {"outcome": self.number} if self.number else {"theme": self.key}


def scope_conditions(
    *, session: Session, actor: Actor, filters: StoryFilters
) -> list[ColumnElement[bool]]:
    """The conditions on Story selecting the stories an insight counts."""
    check_filters(session=session, filters=filters)
    return story_conditions(actor, replace(filters, status=StoryStatus.submitted, q=None))


def has_final_codes() -> ColumnElement[bool]:
    """A condition on Story: it has at least one final code."""
    final = aliased(StoryFinalCode)
    return exists().where(col(final.story_id) == col(Story.id))


def codebook(*, session: Session) -> list[CodeInfo]:
    """Every code in the codebook's order (outcomes 1-6, then themes), retired ones too:
    old stories may carry them."""
    rows = session.exec(select(Code).order_by(col(Code.sort_order), col(Code.id))).all()
    found = [CodeInfo(c.id or 0, c.key, c.kind, c.label, c.number) for c in rows]
    return sorted(found, key=lambda c: c.kind != "outcome")
