"""Verification of stories selected above site level: verified, needs correction or
disputed, with who checked, how and a note. A facilitator covering the round's unit or
an evaluator covering the story's site records it, once the round has closed."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storybank.access import Actor, may_verify
from storybank.audit import record_event
from storybank.errors import Conflict, FieldProblem, InvalidInput, NotFound
from storybank.models import (
    SITE_LEVEL,
    RoundDecision,
    RoundState,
    SelectionRound,
    Story,
    Unit,
    Verification,
    VerificationStatus,
)
from storybank.msc.rounds import reach, require_insider


def record_verification(
    *,
    session: Session,
    actor: Actor,
    round_id: int,
    story_id: int,
    status: VerificationStatus,
    method: str,
    note: str = "",
) -> Verification:
    """Record a check of a story this (closed, above-site) round selected."""
    rnd = session.get(SelectionRound, round_id)
    story = session.get(Story, story_id)
    unit = session.get(Unit, rnd.unit_id) if rnd else None
    if (
        rnd is None
        or unit is None
        or story is None
        or not may_verify(actor, rnd.unit_id, story.site_id)
    ):
        raise NotFound("There is no such selected story in a round you can verify.")
    if rnd.state != RoundState.closed or unit.level == SITE_LEVEL:
        raise Conflict(
            "Stories are verified once they are selected above site level: this round is "
            f"a {unit.level} round and is {rnd.state}.",
            code="not_verifiable",
        )
    if not _selected(session, round_id, story_id):
        raise NotFound(f"Story {story_id} was not selected by this round.")
    if not 1 <= len(method.strip()) <= 2000:
        raise InvalidInput(
            "Say how the story was checked.",
            problems=[FieldProblem("method", "1 to 2000 characters.")],
        )
    check = Verification(
        story_id=story_id,
        round_id=round_id,
        status=status,
        checked_by_id=actor.id,
        method=method.strip(),
        note=note.strip(),
    )
    session.add(check)
    session.flush()
    record_event(
        session=session,
        actor=actor.user,
        action="msc.verification.record",
        entity="msc_round",
        entity_id=round_id,
        details={"story_id": story_id, "status": status},
    )
    session.commit()
    return check


def _selected(session: Session, round_id: int, story_id: int) -> bool:
    query = select(RoundDecision.id).where(
        RoundDecision.round_id == round_id, RoundDecision.story_id == story_id
    )
    return session.exec(query).first() is not None


def list_verifications(*, session: Session, actor: Actor, round_id: int) -> list[Verification]:
    """The checks recorded on a round's selected stories."""
    require_insider(reach(session=session, actor=actor, round_id=round_id))
    query = select(Verification).where(Verification.round_id == round_id)
    return list(session.exec(query.order_by(col(Verification.at))).all())
