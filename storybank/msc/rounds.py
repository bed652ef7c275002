"""Selection rounds: creating one at a unit for a period, reading and listing them, and
who reaches a round how.

Reach: a facilitator whose grant covers the round's unit, or an admin, *runs* it; the
round's members (per round, no grant needed; guests included) read its reading pack
and vote; staff and reviewers of a site the round covers see its outline (to suggest
domains for their stories). Anyone else gets "not found". A round's level is its unit's
level; there is one round per unit and period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from storybank.access import (
    Actor,
    descendants,
    load_actor,
    may_run_round,
    may_see_round_outline,
    require_round_runner,
)
from storybank.audit import record_event
from storybank.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from storybank.models import (
    SITE_LEVEL,
    Grant,
    MscDomain,
    ReportingPeriod,
    Role,
    RoundCandidate,
    RoundDomain,
    RoundMember,
    RoundPass,
    RoundState,
    SelectionRound,
    Unit,
    User,
    VotingMethod,
    require_id,
    utcnow,
)
from storybank.msc.domains import ensure_open_domain
from storybank.msc.periods import get_period
from storybank.units import get_unit

STALE_ROUND = "The round changed since you loaded it: reload it and try again."


@dataclass
class RoundReach:
    """How the actor reaches a round: runs it, sits on it (maybe as a guest), or sees
    its outline only."""

    round: SelectionRound
    unit: Unit
    runner: bool
    member: RoundMember | None
    outline: bool

    @property
    def reader(self) -> bool:
        """Runs it or sits on it: reads its reading pack."""
        return self.runner or self.member is not None

    @property
    def panel_insider(self) -> bool:
        """Runs it or sits on it as a person with an account (guests see less)."""
        return self.runner or (self.member is not None and not self.member.is_guest)

    @property
    def level(self) -> str:
        return self.unit.level

    @property
    def above_site(self) -> bool:
        return self.unit.level != SITE_LEVEL


def member_row(session: Session, round_id: int, user_id: int) -> RoundMember | None:
    """The actor's membership of a round, if any."""
    query = select(RoundMember).where(
        RoundMember.round_id == round_id, RoundMember.user_id == user_id
    )
    return session.exec(query).first()


def sites_below(session: Session, unit_id: int) -> set[int]:
    """The site ids at or below a unit."""
    rows = session.exec(select(Unit.id, Unit.parent_id, Unit.level)).all()
    below = descendants((u or 0, parent) for u, parent, _level in rows)
    sites = {u for u, _parent, level in rows if level == SITE_LEVEL}
    return below.get(unit_id, set()) & sites


def reach(*, session: Session, actor: Actor, round_id: int) -> RoundReach:
    """How the actor reaches this round; NotFound if not at all."""
    found = session.get(SelectionRound, round_id)
    if found is None:
        raise NotFound(f"There is no selection round with id {round_id} that you can see.")
    unit = get_unit(session=session, unit_id=found.unit_id)
    runner = may_run_round(actor, unit.id or 0)
    member = member_row(session, round_id, actor.id)
    if member is not None and member.is_guest and found.state == RoundState.closed:
        member = None  # a guest's reach ends with the round, even if the account came back
    outline = runner or member is not None
    if not outline:
        outline = may_see_round_outline(actor, sites_below(session, unit.id or 0))
    if not outline:
        raise NotFound(f"There is no selection round with id {round_id} that you can see.")
    return RoundReach(found, unit, runner, member, outline=True)


def require_runner(found: RoundReach) -> None:
    """Raise Forbidden unless the actor runs this round (a facilitator covering its unit)."""
    if not found.runner:
        raise Forbidden(
            "Only a facilitator whose grant covers the round's unit (or an admin) can do this."
        )


def require_reader(found: RoundReach) -> None:
    """Raise Forbidden unless the actor runs the round or sits on its panel."""
    if not found.reader:
        raise Forbidden("Only the round's panel and its facilitator can read this.")


def require_insider(found: RoundReach) -> None:
    """Raise Forbidden unless the actor runs the round or is a (non-guest) member."""
    if not found.panel_insider:
        raise Forbidden(
            "Only the round's facilitator and panel members with an account can read this; "
            "a guest member sees the reading pack and their own ballots."
        )


def hold_round_in(session: Session, found: SelectionRound, *states: str, doing: str) -> None:
    """Lock the round row while it is in one of `states` (so a concurrent move cannot slip
    between the check and the write); Conflict saying why otherwise."""
    result: Any = session.execute(
        update(SelectionRound)
        .where(col(SelectionRound.id) == found.id, col(SelectionRound.state).in_(states))
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        session.refresh(found)
        allowed = " or ".join(states)
        raise Conflict(
            f"You can {doing} only while the round is {allowed}; this one is {found.state}.",
            code="round_state",
        )


def round_domains(session: Session, round_id: int) -> list[MscDomain]:
    """The domains in play in a round, in display order."""
    query = (
        select(MscDomain)
        .join(RoundDomain, col(RoundDomain.domain_id) == MscDomain.id)
        .where(RoundDomain.round_id == round_id)
        .order_by(col(MscDomain.sort_order), col(MscDomain.name))
    )
    return list(session.exec(query).all())


def _check_facilitator(session: Session, user_id: int, unit_id: int) -> User:
    user = session.get(User, user_id)
    if (
        user is None
        or not user.is_active
        or not may_run_round(load_actor(session=session, user=user), unit_id)
    ):
        raise InvalidInput(
            "The facilitator must be an active person with a facilitator grant covering "
            "the round's unit.",
            problems=[FieldProblem("facilitator_id", "Needs a facilitator grant here.")],
        )
    return user


def possible_facilitators(*, session: Session, unit_id: int) -> list[User]:
    """Active people who may facilitate a round at this unit, by name."""
    holders = select(Grant.user_id).where(col(Grant.role).in_([Role.facilitator, Role.admin]))
    query = select(User).where(col(User.id).in_(holders), col(User.is_active))
    people = session.exec(query.order_by(col(User.display_name), col(User.id))).all()
    return [u for u in people if may_run_round(load_actor(session=session, user=u), unit_id)]


def _domains_for(session: Session, domain_ids: list[int]) -> list[MscDomain]:
    """The chosen active domains plus the open domain, or InvalidInput."""
    chosen = list(session.exec(select(MscDomain).where(col(MscDomain.id).in_(domain_ids))).all())
    missing = set(domain_ids) - {d.id for d in chosen if d.active}
    if missing:
        raise InvalidInput(
            f"There is no active domain with id {sorted(missing)[0]}.",
            problems=[FieldProblem("domain_ids", "Choose active domains of change.")],
        )
    open_domain = ensure_open_domain(session=session)
    return chosen if open_domain in chosen else [*chosen, open_domain]


def _set_domains(session: Session, round_id: int, domains: list[MscDomain]) -> None:
    existing = session.exec(select(RoundDomain).where(RoundDomain.round_id == round_id)).all()
    wanted = {require_id(d) for d in domains}
    for row in existing:
        if row.domain_id not in wanted:
            session.delete(row)
    # Candidates placed in a domain taken out of play wait for a domain again.
    session.execute(
        update(RoundCandidate)
        .where(
            col(RoundCandidate.round_id) == round_id, col(RoundCandidate.domain_id).not_in(wanted)
        )
        .values(domain_id=None)
        .execution_options(synchronize_session=False)
    )
    for domain_id in wanted - {row.domain_id for row in existing}:
        session.add(RoundDomain(round_id=round_id, domain_id=domain_id))


def create_round(
    *,
    session: Session,
    actor: Actor,
    name: str,
    unit_id: int,
    period_id: int,
    facilitator_id: int,
    domain_ids: list[int],
    voting_method: VotingMethod,
    secret: bool,
) -> SelectionRound:
    """Set up a round in draft at a unit for a period (facilitators covering the unit)."""
    unit = get_unit(session=session, unit_id=unit_id)
    require_round_runner(actor, require_id(unit))
    period = get_period(session=session, period_id=period_id)
    name = _check_round_name(name)
    _check_facilitator(session, facilitator_id, require_id(unit))
    domains = _domains_for(session, domain_ids)
    _refuse_second_round(session, unit, period)
    found = SelectionRound(
        name=name,
        unit_id=require_id(unit),
        period_id=require_id(period),
        facilitator_id=facilitator_id,
        voting_method=voting_method,
        secret=secret,
    )
    session.add(found)
    session.flush()
    _set_domains(session, require_id(found), domains)
    record_event(
        session=session,
        actor=actor.user,
        action="msc.round.create",
        entity="msc_round",
        entity_id=found.id,
        details={
            "unit_id": unit_id,
            "period_id": period_id,
            "method": voting_method,
            "secret": secret,
            "domain_ids": sorted(require_id(d) for d in domains),
        },
    )
    session.commit()
    return found


def _check_round_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise InvalidInput(
            "A round needs a name of 1 to 200 characters.",
            problems=[FieldProblem("name", "1 to 200 characters.")],
        )
    return name


def _refuse_second_round(session: Session, unit: Unit, period: ReportingPeriod) -> None:
    query = select(SelectionRound.id).where(
        SelectionRound.unit_id == unit.id, SelectionRound.period_id == period.id
    )
    if session.exec(query).first() is not None:
        raise Conflict(
            f"{unit.name} already has a round for {period.name}: one round per unit and "
            "period, so selected stories know which round to go up to.",
            code="duplicate_round",
        )


def update_round(
    *, session: Session, actor: Actor, round_id: int, version: int, changes: dict[str, Any]
) -> SelectionRound:
    """Change a round's name, facilitator, domains, method or secrecy before voting."""
    found = reach(session=session, actor=actor, round_id=round_id)
    require_runner(found)
    hold_round_in(session, found.round, RoundState.draft, RoundState.reading, doing="edit it")
    if found.round.version != version:
        session.rollback()
        raise Conflict(STALE_ROUND, code="stale_version")
    rnd = found.round
    if "name" in changes:
        rnd.name = _check_round_name(changes["name"])
    if "facilitator_id" in changes:
        rnd.facilitator_id = (
            _check_facilitator(session, changes["facilitator_id"], rnd.unit_id).id or 0
        )
    if "domain_ids" in changes:
        _set_domains(session, require_id(rnd), _domains_for(session, changes["domain_ids"]))
    for name in ("voting_method", "secret"):
        if name in changes:
            setattr(rnd, name, changes[name])
    rnd.version += 1
    session.add(rnd)
    record_event(
        session=session,
        actor=actor.user,
        action="msc.round.update",
        entity="msc_round",
        entity_id=rnd.id,
        details={"fields": sorted(changes)},
    )
    session.commit()
    return rnd


def list_rounds(*, session: Session, actor: Actor) -> list[SelectionRound]:
    """The rounds the actor reaches (runs, sits on, or sees the outline of), newest first."""
    rounds = session.exec(select(SelectionRound).order_by(col(SelectionRound.id).desc())).all()
    member_of = set(
        session.exec(select(RoundMember.round_id).where(RoundMember.user_id == actor.id)).all()
    )
    rows = session.exec(select(Unit.id, Unit.parent_id, Unit.level)).all()
    below = descendants((u or 0, parent) for u, parent, _level in rows)
    sites = {u for u, _parent, level in rows if level == SITE_LEVEL}

    def reaches(rnd: SelectionRound) -> bool:
        return (
            rnd.id in member_of
            or may_run_round(actor, rnd.unit_id)
            or may_see_round_outline(actor, below.get(rnd.unit_id, set()) & sites)
        )

    return [rnd for rnd in rounds if reaches(rnd)]


def child_rounds(session: Session, found: SelectionRound) -> list[SelectionRound]:
    """Rounds of the same period at the units directly below this round's unit."""
    children = select(Unit.id).where(Unit.parent_id == found.unit_id)
    query = select(SelectionRound).where(
        SelectionRound.period_id == found.period_id, col(SelectionRound.unit_id).in_(children)
    )
    return list(session.exec(query.order_by(col(SelectionRound.id))).all())


def parent_round(session: Session, found: SelectionRound) -> SelectionRound | None:
    """The round of the same period at the unit directly above, if there is one."""
    unit = session.get(Unit, found.unit_id)
    if unit is None or unit.parent_id is None:
        return None
    query = select(SelectionRound).where(
        SelectionRound.unit_id == unit.parent_id, SelectionRound.period_id == found.period_id
    )
    return session.exec(query).first()


@dataclass
class RoundOutline:
    """What anyone who reaches a round sees of it."""

    id: int
    name: str
    unit_id: int
    unit_name: str
    level: str
    period_id: int
    facilitator_id: int
    voting_method: str
    secret: bool
    state: str
    current_pass: int
    version: int
    domains: list[MscDomain]
    created_at: Any
    closed_at: Any
    you_run_it: bool
    you_are_member: bool
    passes: list[dict[str, Any]]


def round_outline(*, session: Session, actor: Actor, round_id: int) -> RoundOutline:
    """A round's outline for anyone who reaches it."""
    return outline_of(session, reach(session=session, actor=actor, round_id=round_id))


def outline_of(session: Session, found: RoundReach) -> RoundOutline:
    """The outline of a round already reached."""
    rnd = found.round
    passes = session.exec(
        select(RoundPass).where(RoundPass.round_id == rnd.id).order_by(col(RoundPass.number))
    ).all()
    return RoundOutline(
        id=require_id(rnd),
        name=rnd.name,
        unit_id=rnd.unit_id,
        unit_name=found.unit.name,
        level=found.unit.level,
        period_id=rnd.period_id,
        facilitator_id=rnd.facilitator_id,
        voting_method=rnd.voting_method,
        secret=rnd.secret,
        state=rnd.state,
        current_pass=rnd.current_pass,
        version=rnd.version,
        domains=round_domains(session, require_id(rnd)),
        created_at=rnd.created_at,
        closed_at=rnd.closed_at,
        you_run_it=found.runner,
        you_are_member=found.member is not None,
        passes=[
            {"number": p.number, "opened_at": p.opened_at.isoformat(), "shortlist": p.shortlist}
            for p in passes
        ],
    )


def outlines(*, session: Session, actor: Actor, rounds: list[SelectionRound]) -> list[RoundOutline]:
    """Outlines of rounds the actor reaches."""
    return [round_outline(session=session, actor=actor, round_id=require_id(r)) for r in rounds]
