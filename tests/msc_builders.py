"""Builders for MSC tests: a period, a domain, and a round moved on to a given state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from storybank.access import Actor
from storybank.models import (
    RoundCandidate,
    RoundFeedback,
    RoundMember,
    RoundState,
    SelectionRound,
    Story,
    Unit,
    User,
    require_id,
)
from storybank.msc import candidates, domains, members, periods, rounds, states
from tests.builders import actor_for, make_user

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


@dataclass
class RoundSet:
    """A round with the ids tests use."""

    round: SelectionRound
    period_id: int
    domain_id: int


def make_period(session: Session, name: str = "2026 Q1") -> int:
    """A reporting period covering the first quarter of 2026 (the builders' story dates)."""
    admin = actor_for(session, make_user(session, roles=["admin"], name="Period admin"))
    return require_id(
        periods.create_period(
            session=session, actor=admin, name=name, opens_on=Q1[0], closes_on=Q1[1]
        )
    )


def make_domain(session: Session, name: str = "Changes in people's lives") -> int:
    """A domain of change."""
    admin = actor_for(session, make_user(session, roles=["admin"], name="Domain admin"))
    return require_id(domains.create_domain(session=session, actor=admin, name=name))


def make_round(
    session: Session,
    *,
    unit: Unit,
    facilitator: User,
    panel: list[User],
    to: RoundState = RoundState.draft,
    period_id: int | None = None,
    domain_id: int | None = None,
    method: str = "single",
    secret: bool = False,
) -> RoundSet:
    """A round at a unit, its panel added, moved on to `to` (candidates in `domain_id`)."""
    actor = actor_for(session, facilitator)
    period_id = period_id or make_period(session)
    domain_id = domain_id or make_domain(session)
    found = rounds.create_round(
        session=session,
        actor=actor,
        name=f"{unit.name} round",
        unit_id=require_id(unit),
        period_id=period_id,
        facilitator_id=require_id(facilitator),
        domain_ids=[domain_id],
        voting_method=method,
        secret=secret,  # type: ignore[arg-type]
    )
    for person in panel:
        members.add_member(
            session=session, actor=actor, round_id=require_id(found), user_id=require_id(person)
        )
    _move_to(session, actor, found, to, domain_id)
    return RoundSet(found, period_id, domain_id)


def _move_to(
    session: Session, actor: Actor, found: SelectionRound, to: RoundState, domain_id: int
) -> None:
    order = [RoundState.reading, RoundState.voting]
    for state in order[: order.index(to) + 1] if to in order else []:
        if state == RoundState.voting:
            confirm_all(session, actor, found, domain_id)
        states.transition(
            session=session,
            actor=actor,
            round_id=require_id(found),
            to=state,
            version=found.version,
        )
        session.refresh(found)


def confirm_all(session: Session, actor: Actor, found: SelectionRound, domain_id: int) -> None:
    """Confirm every candidate of the round in one domain."""
    query = select(RoundCandidate).where(RoundCandidate.round_id == found.id)
    for candidate in session.exec(query).all():
        candidates.confirm_domain(
            session=session,
            actor=actor,
            round_id=require_id(found),
            candidate_id=require_id(candidate),
            domain_id=domain_id,
        )


def add_policy_round(
    session: Session, world: Any, site: Unit, facilitator: User, member: User
) -> None:
    """The policy table's round: at the site, voting, its candidates in one domain, and a
    feedback row on the first story for its author."""
    made = make_round(
        session, unit=site, facilitator=facilitator, panel=[member], to=RoundState.voting
    )
    candidate = session.exec(
        select(RoundCandidate).where(
            RoundCandidate.round_id == made.round.id, RoundCandidate.story_id == world.story_id
        )
    ).one()
    story = session.get(Story, world.story_id)
    assert story is not None
    feedback = RoundFeedback(
        round_id=require_id(made.round), story_id=world.story_id, author_id=story.author_id
    )
    session.add(feedback)
    session.commit()
    world.round_id, world.domain_id = require_id(made.round), made.domain_id
    world.period_id, world.candidate_id = made.period_id, require_id(candidate)
    world.feedback_id, world.facilitator_id = require_id(feedback), require_id(facilitator)
    world.newcomer_id = require_id(make_user(session, name="Panel newcomer"))
    membership = session.exec(
        select(RoundMember).where(RoundMember.round_id == made.round.id)
    ).one()
    world.member_id = require_id(membership)
