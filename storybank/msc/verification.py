"""Verification of stories selected above site level: verified, needs correction or
disputed, with who checked, how and a note. A facilitator covering the round's unit or
an evaluator covering the story's site records it, once the round has closed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from storybank.access import Actor, may_verify
from storybank.audit import record_event
from storybank.errors import Conflict, FieldProblem, InvalidInput, NotFound
from storybank.models import (
    SITE_LEVEL,
    MscDomain,
    Role,
    RoundDecision,
    RoundState,
    SelectionRound,
    Story,
    StoryDeidentified,
    Unit,
    User,
    Verification,
    VerificationStatus,
)
from storybank.msc.rounds import reach, require_insider, sites_below

STATUS_LABELS = {
    VerificationStatus.verified: "Verified",
    VerificationStatus.needs_correction: "Needs correction",
    VerificationStatus.disputed: "Disputed",
}


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
            problems=[
                FieldProblem("method", "Say how the story was checked (1 to 2000 characters).")
            ],
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
    """The checks recorded on a round's selected stories (its facilitator, members with an
    account, and evaluators covering a site below the round's unit)."""
    checks_reader(session=session, actor=actor, round_id=round_id)
    query = select(Verification).where(Verification.round_id == round_id)
    return list(session.exec(query.order_by(col(Verification.at))).all())


def checks_reader(*, session: Session, actor: Actor, round_id: int) -> SelectionRound:
    """The round, if the actor may read its checks; NotFound or Forbidden otherwise."""
    rnd = session.get(SelectionRound, round_id)
    if rnd is not None and any(
        actor.works_in(site_id, Role.evaluator) for site_id in sites_below(session, rnd.unit_id)
    ):
        return rnd
    found = reach(session=session, actor=actor, round_id=round_id)
    require_insider(found)
    return found.round


@dataclass
class CheckView:
    """A recorded check as the verification page shows it."""

    status: str
    status_label: str
    checked_by: str
    method: str
    note: str
    at: datetime


@dataclass
class SelectedForChecking:
    """A story the round selected, the checks recorded on it, and whether the actor may
    record another."""

    story_id: int
    title: str
    domain_name: str
    may_record: bool
    checks: list[CheckView] = field(default_factory=list)


@dataclass
class VerificationSheet:
    """A round's selected stories and their checks; `refusal` says why none can be checked."""

    round: SelectionRound
    unit: Unit
    stories: list[SelectedForChecking]
    refusal: str | None


def verification_sheet(*, session: Session, actor: Actor, round_id: int) -> VerificationSheet:
    """What the verification page shows: each selected story (titles as the actor may read
    them) with its checks, oldest first."""
    rnd = checks_reader(session=session, actor=actor, round_id=round_id)
    unit = session.get(Unit, rnd.unit_id)
    assert unit is not None
    refusal = None
    if unit.level == SITE_LEVEL or rnd.state != RoundState.closed:
        refusal = (
            "Stories are verified once a round above site level has closed and selected them: "
            f"this is a {unit.level} round and it is {rnd.state}."
        )
    rows = session.exec(
        select(RoundDecision, MscDomain.name)
        .join(MscDomain, col(MscDomain.id) == RoundDecision.domain_id)
        .where(RoundDecision.round_id == round_id, col(RoundDecision.story_id).is_not(None))
        .order_by(col(MscDomain.sort_order), col(MscDomain.name))
    ).all()
    ids = [d.story_id for d, _name in rows if d.story_id is not None]
    found = {s.id: s for s in session.exec(select(Story).where(col(Story.id).in_(ids))).all()}
    titles = _deidentified_titles(session, ids)
    checks = _checks_by_story(session, round_id)
    stories = [
        SelectedForChecking(
            story_id=story.id or 0,
            title=titles.get(story.id or 0) or f"Story {story.id}",
            domain_name=name,
            may_record=refusal is None and may_verify(actor, rnd.unit_id, story.site_id),
            checks=checks.get(story.id or 0, []),
        )
        for decision, name in rows
        if (story := found.get(decision.story_id)) is not None
    ]
    return VerificationSheet(rnd, unit, stories, refusal)


def _deidentified_titles(session: Session, story_ids: list[int]) -> dict[int, str]:
    """Confirmed de-identified titles: above site level, everyone reads that version."""
    query = select(StoryDeidentified.story_id, StoryDeidentified.title).where(
        col(StoryDeidentified.story_id).in_(story_ids),
        col(StoryDeidentified.confirmed_at).is_not(None),
    )
    return {story_id: title for story_id, title in session.exec(query).all()}


def _checks_by_story(session: Session, round_id: int) -> dict[int, list[CheckView]]:
    rows = session.exec(
        select(Verification, User.display_name)
        .join(User, col(User.id) == Verification.checked_by_id)
        .where(Verification.round_id == round_id)
        .order_by(col(Verification.at), col(Verification.id))
    ).all()
    found: dict[int, list[CheckView]] = {}
    for check, name in rows:
        label = STATUS_LABELS.get(VerificationStatus(check.status), check.status)
        view = CheckView(check.status, label, name, check.method, check.note, check.at)
        found.setdefault(check.story_id, []).append(view)
    return found
