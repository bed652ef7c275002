"""Feedback to storytellers: after a round closes, the author of each candidate story
sees which rounds it reached, whether it was selected there, and the panel's reasons in
its domain (and any dissent); never any ballot. Feedback rows are made (sent) when the
round closes and marked read by the author."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.audit import record_event
from storybank.errors import NotFound
from storybank.models import (
    MscDomain,
    ReportingPeriod,
    RoundCandidate,
    RoundDecision,
    RoundFeedback,
    SelectionRound,
    Story,
    Unit,
    Verification,
    require_id,
    utcnow,
)


@dataclass
class RoundReached:
    """One closed round a story reached, as its author is told."""

    feedback_id: int
    round_id: int
    round_name: str
    unit_name: str
    level: str
    period_name: str
    closed_at: datetime | None
    domain_name: str
    selected: bool
    reasons: str
    criteria: list[dict[str, Any]]
    dissent: str
    sent_at: datetime
    read_at: datetime | None


@dataclass
class StoryTrail:
    """An author's story and the rounds it reached, lowest level first."""

    story_id: int
    title: str
    rounds: list[RoundReached] = field(default_factory=list)
    verifications: list[str] = field(default_factory=list)


def my_story_trails(*, session: Session, actor: Actor) -> list[StoryTrail]:
    """The actor's own stories that reached a closed round, with each round's outcome."""
    rows = session.execute(
        sa_select(  # type: ignore[call-overload]
            RoundFeedback, SelectionRound, Unit, ReportingPeriod, Story, RoundCandidate
        )
        .join(SelectionRound, col(SelectionRound.id) == RoundFeedback.round_id)
        .join(Unit, col(Unit.id) == SelectionRound.unit_id)
        .join(ReportingPeriod, col(ReportingPeriod.id) == SelectionRound.period_id)
        .join(Story, col(Story.id) == RoundFeedback.story_id)
        .join(
            RoundCandidate,
            (col(RoundCandidate.round_id) == RoundFeedback.round_id)
            & (col(RoundCandidate.story_id) == RoundFeedback.story_id),
        )
        .where(col(RoundFeedback.author_id) == actor.id, col(Story.erased_at).is_(None))
        .order_by(col(Story.id), col(SelectionRound.closed_at))
    ).all()
    decisions = _decisions(session, {r[1].id for r in rows if r[1].id is not None})
    domains = {d.id: d.name for d in session.exec(select(MscDomain)).all()}
    trails: dict[int, StoryTrail] = {}
    for feedback, rnd, unit, period, story, candidate in rows:
        trail = trails.setdefault(require_id(story), StoryTrail(require_id(story), story.title))
        decision = decisions.get((require_id(rnd), candidate.domain_id or 0))
        trail.rounds.append(
            RoundReached(
                feedback_id=require_id(feedback),
                round_id=require_id(rnd),
                round_name=rnd.name,
                unit_name=unit.name,
                level=unit.level,
                period_name=period.name,
                closed_at=rnd.closed_at,
                domain_name=domains.get(candidate.domain_id, ""),
                selected=decision is not None and decision.story_id == story.id,
                reasons=decision.reasons if decision else "",
                criteria=decision.criteria if decision else [],
                dissent=decision.dissent if decision else "",
                sent_at=feedback.sent_at,
                read_at=feedback.read_at,
            )
        )
    _add_verifications(session, trails)
    return list(trails.values())


def _decisions(session: Session, round_ids: set[int]) -> dict[tuple[int, int], RoundDecision]:
    query = select(RoundDecision).where(col(RoundDecision.round_id).in_(round_ids))
    return {(d.round_id, d.domain_id): d for d in session.exec(query).all()}


def _add_verifications(session: Session, trails: dict[int, StoryTrail]) -> None:
    query = select(Verification).where(col(Verification.story_id).in_(list(trails)))
    for check in session.exec(query.order_by(col(Verification.at))).all():
        trails[check.story_id].verifications.append(check.status)


def mark_read(*, session: Session, actor: Actor, feedback_id: int) -> RoundFeedback:
    """The author marks a round's feedback on their story as read."""
    feedback = session.get(RoundFeedback, feedback_id)
    if feedback is None or feedback.author_id != actor.id:
        raise NotFound(f"There is no feedback with id {feedback_id} for you.")
    if feedback.read_at is None:
        feedback.read_at = utcnow()
        session.add(feedback)
        record_event(
            session=session,
            actor=actor.user,
            action="msc.feedback.read",
            entity="msc_feedback",
            entity_id=feedback.id,
        )
        session.commit()
    return feedback


@dataclass
class FeedbackSent:
    """How a closed round's feedback went out: stories told, and how many authors read it."""

    sent: int
    read: int


def feedback_sent(*, session: Session, round_id: int) -> FeedbackSent:
    """Counts of the round's feedback sent to storytellers and read by them (no names)."""
    query = sa_select(
        func.count(col(RoundFeedback.id)), func.count(col(RoundFeedback.read_at))
    ).where(col(RoundFeedback.round_id) == round_id)
    sent, read = session.execute(query).one()
    return FeedbackSent(int(sent), int(read))
