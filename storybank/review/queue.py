"""A reviewer's queue: submitted stories of their sites awaiting their decisions, oldest
first (by when they were submitted)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, ScalarSelect, and_, exists, func, not_, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.errors import Forbidden
from storybank.models import (
    Coding,
    ReviewAssignment,
    Role,
    Story,
    StoryStatus,
    Suggestion,
    SuggestionRun,
    SuggestionState,
    Unit,
)

QUEUE_LIMIT = 200


@dataclass(frozen=True)
class QueueItem:
    """One story waiting for the reviewer."""

    story_id: int
    title: str
    site_name: str
    submitted_at: datetime | None
    suggestions: int
    suggestions_state: str | None
    double: bool


def awaiting(actor: Actor) -> ColumnElement[bool]:
    """A SQL condition: the story waits for this reviewer (assigned to them and unfinished,
    or not coded by anyone and assigned to nobody)."""
    mine_open = exists().where(
        col(ReviewAssignment.story_id) == col(Story.id),
        col(ReviewAssignment.reviewer_id) == actor.id,
        col(ReviewAssignment.finished_at).is_(None),
    )
    anyone = exists().where(col(ReviewAssignment.story_id) == col(Story.id))
    coded = exists().where(col(Coding.story_id) == col(Story.id))
    return and_(
        col(Story.site_id).in_(actor.sites_for(Role.reviewer)),
        col(Story.status) == StoryStatus.submitted,
        col(Story.erased_at).is_(None),
        or_(mine_open, and_(not_(anyone), not_(coded))),
    )


def _pending_count() -> ScalarSelect[int]:
    return (
        select(func.count())
        .where(
            col(Suggestion.story_id) == col(Story.id),
            col(Suggestion.state) == SuggestionState.pending,
        )
        .scalar_subquery()
    )


def review_queue(*, session: Session, actor: Actor, limit: int = QUEUE_LIMIT) -> list[QueueItem]:
    """The stories waiting for the actor, oldest submitted first."""
    require_any_reviewer(actor)
    double = exists().where(
        col(ReviewAssignment.story_id) == col(Story.id), col(ReviewAssignment.position) == 2
    )
    rows = session.execute(
        sa_select(  # type: ignore[call-overload]
            Story.id,
            Story.title,
            Unit.name,
            Story.submitted_at,
            _pending_count(),
            SuggestionRun.state,
            double,
        )
        .join(Unit, col(Unit.id) == Story.site_id)
        .outerjoin(SuggestionRun, col(SuggestionRun.story_id) == Story.id)
        .where(awaiting(actor))
        .order_by(col(Story.submitted_at), col(Story.id))
        .limit(limit)
    ).all()
    return [
        QueueItem(i or 0, t or "", n, at, int(c or 0), st, bool(d))
        for i, t, n, at, c, st, d in rows
    ]


def require_any_reviewer(actor: Actor) -> None:
    """Raise Forbidden unless the actor codes stories of some site."""
    if not actor.sites_for(Role.reviewer):
        raise Forbidden("Only reviewers have a review queue.", code="not_a_reviewer")


def next_in_queue(*, session: Session, actor: Actor, after: int | None = None) -> int | None:
    """The oldest story in the actor's queue other than `after`, if any."""
    for item in review_queue(session=session, actor=actor, limit=2):
        if item.story_id != after:
            return item.story_id
    return None
