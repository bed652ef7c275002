"""The demo's Most Significant Change cycle, made through the MSC services.

From storybank/data/demo/msc.toml: the 2025-26 reporting period, the standard domains with
their questions, a few demo panel members, one finished three-level cycle in South West
England (the Somerset and Torbay site rounds, the region round they feed, the programme
round the region feeds), each closed with ballots, decisions and reasons (closing sends the
authors their feedback and promotes the selected stories), and one round at Derby left
open for voting, which panel@demo.storybank.local sits on and has not voted in yet.

The services commit as they go; here they run in a session joined to the demo's own
transaction through savepoints, so the whole demo still commits (or fails) once. Loading
it again does nothing once the period exists.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from sqlmodel import Session, col, select

from storybank.access import Actor, load_actor
from storybank.accounts import find_user_by_email
from storybank.models import (
    MscDomain,
    ReportingPeriod,
    Role,
    RoundCandidate,
    RoundState,
    SelectionRound,
    Unit,
    User,
    VotingMethod,
    require_id,
)
from storybank.msc import ballots, decisions, domains, members, periods, rounds, states
from storybank.msc.ballots import BallotChoice
from storybank.msc.candidates import confirm_domain
from storybank.msc.decisions import Criterion

DemoAccount = Callable[[Session, str, str, list[Role], list[Unit], str | None], User]


@dataclass
class Cycle:
    """What the rounds of the demo plan refer to, by the plan's keys."""

    session: Session
    period_id: int
    domains: dict[str, int]
    people: dict[str, User]
    stories: dict[str, int]
    story_domain: dict[str, str]
    units: dict[str, Unit]


def msc_plan() -> dict[str, Any]:
    """The demo's MSC cycle as written in storybank/data/demo/msc.toml."""
    text = resources.files("storybank.data").joinpath("demo/msc.toml").read_text("utf-8")
    return tomllib.loads(text)


def load_msc_demo(
    *,
    session: Session,
    units: dict[str, Unit],
    stories: dict[str, int],
    demo_domain: str,
    account: DemoAccount,
) -> int:
    """Run the demo cycle (stories by key, units by name, "*" the programme); how many
    rounds it made (0: the demo period is already there)."""
    plan = msc_plan()
    name = plan["period"]["name"]
    if session.exec(select(ReportingPeriod).where(ReportingPeriod.name == name)).first():
        return 0
    people = _panel(session, plan, units, demo_domain, account)
    session.flush()
    joined = Session(
        bind=session.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    with joined:
        people = {key: _same(joined, user) for key, user in people.items()}
        cycle = _cycle(
            joined, plan, people, stories, {k: _same(joined, u) for k, u in units.items()}
        )
        for spec in plan["round"]:
            _run_round(cycle, spec)
    return len(plan["round"])


def _same(session: Session, row: Any) -> Any:
    """The same row, loaded in this session."""
    found = session.get(type(row), require_id(row))
    assert found is not None
    return found


def _panel(
    session: Session,
    plan: dict[str, Any],
    units: dict[str, Unit],
    demo_domain: str,
    account: DemoAccount,
) -> dict[str, User]:
    """Every person the plan names: demo accounts by local part, and its panel members."""
    people: dict[str, User] = {}
    for spec in plan["panel_member"]:
        local = spec["name"].lower().replace(" ", ".") + ".panel"
        people[spec["key"]] = account(
            session,
            f"{local}@{demo_domain}",
            spec["name"],
            [Role.panel_member],
            [units[spec["unit"]]],
            None,
        )
    for spec in plan["round"]:
        for local in [spec["facilitator"], *spec["panel"]]:
            if local not in people:
                found = find_user_by_email(session=session, email=f"{local}@{demo_domain}")
                assert found is not None, local
                people[local] = found
    return people


def _cycle(
    session: Session,
    plan: dict[str, Any],
    people: dict[str, User],
    stories: dict[str, int],
    units: dict[str, Unit],
) -> Cycle:
    admin = load_actor(session=session, user=people["admin"])
    period = plan["period"]
    made = periods.create_period(
        session=session,
        actor=admin,
        name=period["name"],
        opens_on=date.fromisoformat(str(period["opens_on"])),
        closes_on=date.fromisoformat(str(period["closes_on"])),
    )
    domain_ids = {
        spec["key"]: _domain(session, admin, spec, order)
        for order, spec in enumerate(plan["domain"], start=1)
    }
    return Cycle(
        session, require_id(made), domain_ids, people, stories, plan["story_domain"], units
    )


def _domain(session: Session, admin: Actor, spec: dict[str, Any], order: int) -> int:
    """The plan's domain: the open one (its question reworded), or found or added by name."""
    if spec.get("open"):
        found = domains.ensure_open_domain(session=session)
    else:
        query = select(MscDomain).where(MscDomain.name == spec["name"])
        found = session.exec(query).first() or domains.create_domain(
            session=session,
            actor=admin,
            name=spec["name"],
            description=spec["description"],
            question=spec["question"],
            sort_order=order,
        )
    changes = {"question": spec["question"]}
    domain_id = require_id(found)
    domains.update_domain(session=session, actor=admin, domain_id=domain_id, changes=changes)
    return domain_id


def _actor(cycle: Cycle, key: str) -> Actor:
    return load_actor(session=cycle.session, user=cycle.people[key])


def _run_round(cycle: Cycle, spec: dict[str, Any]) -> SelectionRound:
    """One round of the plan: made, its panel added, read, voted, decided and closed
    (an open round stops at voting)."""
    session, runner = cycle.session, _actor(cycle, spec["facilitator"])
    found = rounds.create_round(
        session=session,
        actor=runner,
        name=spec["name"],
        unit_id=require_id(cycle.units[spec["unit"]]),
        period_id=cycle.period_id,
        facilitator_id=require_id(cycle.people[spec["facilitator"]]),
        domain_ids=list(cycle.domains.values()),
        voting_method=VotingMethod(spec["method"]),
        secret=False,
    )
    round_id = require_id(found)
    for key in spec["panel"]:
        user_id = require_id(cycle.people[key])
        members.add_member(session=session, actor=runner, round_id=round_id, user_id=user_id)
    _move(cycle, runner, found, RoundState.reading)
    _confirm_domains(cycle, runner, round_id)
    _move(cycle, runner, found, RoundState.voting)
    for line in spec["ballots"]:
        _cast(cycle, round_id, line)
    if spec.get("open"):
        return found
    _move(cycle, runner, found, RoundState.deciding)
    for decision in spec["decision"]:
        _decide(cycle, runner, round_id, decision)
    _move(cycle, runner, found, RoundState.closed)
    return found


def _move(cycle: Cycle, runner: Actor, found: SelectionRound, to: RoundState) -> None:
    session = cycle.session
    session.refresh(found)
    states.transition(
        session=session, actor=runner, round_id=require_id(found), to=to, version=found.version
    )
    session.refresh(found)


def _confirm_domains(cycle: Cycle, runner: Actor, round_id: int) -> None:
    """Each candidate confirmed in the domain the plan gives its story."""
    domain_of = {
        cycle.stories[key]: cycle.domains[domain] for key, domain in cycle.story_domain.items()
    }
    query = select(RoundCandidate).where(RoundCandidate.round_id == round_id)
    for candidate in cycle.session.exec(query.order_by(col(RoundCandidate.id))).all():
        confirm_domain(
            session=cycle.session,
            actor=runner,
            round_id=round_id,
            candidate_id=require_id(candidate),
            domain_id=domain_of[candidate.story_id],
        )


def _cast(cycle: Cycle, round_id: int, line: dict[str, Any]) -> None:
    ids = cycle.stories
    given = BallotChoice(
        choice=ids[line["choice"]] if "choice" in line else None,
        approved=[ids[k] for k in line["approved"]] if "approved" in line else None,
        scores={ids[k]: n for k, n in line["scores"].items()} if "scores" in line else None,
        ranking=[ids[k] for k in line["ranking"]] if "ranking" in line else None,
    )
    ballots.cast_ballot(
        session=cycle.session,
        actor=_actor(cycle, line["member"]),
        round_id=round_id,
        domain_id=cycle.domains[line["domain"]],
        given=given,
    )


def _decide(cycle: Cycle, runner: Actor, round_id: int, spec: dict[str, Any]) -> None:
    story = spec.get("story")
    decisions.record_decision(
        session=cycle.session,
        actor=runner,
        round_id=round_id,
        domain_id=cycle.domains[spec["domain"]],
        story_id=cycle.stories[story] if story else None,
        reasons=spec["reasons"],
        criteria=[Criterion(c["name"], c["weight"]) for c in spec["criteria"]],
        dissent=spec.get("dissent", ""),
    )
