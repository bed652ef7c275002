"""Passes of voting. Pass 1 opens with voting and has every candidate. After voting
closes and the panel has talked, the facilitator may open another pass on a shortlist
(two or more stories in each domain voted again; other domains keep their last pass);
the round goes back to voting and every earlier pass and its ballots are kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.audit import record_event
from storybank.errors import Conflict, FieldProblem, InvalidInput
from storybank.models import RoundPass, RoundState, SelectionRound, require_id, utcnow
from storybank.msc.candidates import candidates_by_domain
from storybank.msc.rounds import STALE_ROUND, reach, require_runner


def get_pass(session: Session, round_id: int, number: int) -> RoundPass | None:
    """One pass of a round."""
    query = select(RoundPass).where(RoundPass.round_id == round_id, RoundPass.number == number)
    return session.exec(query).first()


def list_passes(session: Session, round_id: int) -> list[RoundPass]:
    """Every pass of a round, first first."""
    query = select(RoundPass).where(RoundPass.round_id == round_id)
    return list(session.exec(query.order_by(col(RoundPass.number))).all())


def voted_in_pass(session: Session, found: SelectionRound, number: int) -> dict[int, list[int]]:
    """The stories each domain votes on in a pass (domains not voted in it are left out)."""
    by_domain = candidates_by_domain(session, found)
    if number <= 1:
        return by_domain
    shortlist = get_pass(session, require_id(found), number)
    listed = shortlist.shortlist if shortlist else {}
    return {
        int(domain): [s for s in ids if s in by_domain.get(int(domain), [])]
        for domain, ids in listed.items()
    }


def open_pass(
    *,
    session: Session,
    actor: Actor,
    round_id: int,
    version: int,
    shortlist: dict[int, list[int]],
) -> SelectionRound:
    """Open the next pass of voting on a shortlist per domain (from deciding)."""
    found = reach(session=session, actor=actor, round_id=round_id)
    require_runner(found)
    rnd = found.round
    if rnd.state != RoundState.deciding:
        raise Conflict(
            f"Another pass opens only after voting has closed (deciding); this round is "
            f"{rnd.state}.",
            code="round_state",
        )
    _check_shortlist(session, rnd, shortlist)
    result: Any = session.execute(
        update(SelectionRound)
        .where(
            col(SelectionRound.id) == round_id,
            col(SelectionRound.version) == version,
            col(SelectionRound.state) == RoundState.deciding,
        )
        .values(
            state=RoundState.voting,
            current_pass=rnd.current_pass + 1,
            version=rnd.version + 1,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(STALE_ROUND, code="stale_version")
    number = rnd.current_pass + 1
    session.add(
        RoundPass(
            round_id=round_id,
            number=number,
            opened_by_id=actor.id,
            shortlist={str(domain): sorted(ids) for domain, ids in shortlist.items()},
        )
    )
    record_event(
        session=session,
        actor=actor.user,
        action="msc.pass.open",
        entity="msc_round",
        entity_id=round_id,
        details={"pass": number, "domain_ids": sorted(shortlist)},
    )
    session.commit()
    session.refresh(rnd)
    return rnd


def _check_shortlist(
    session: Session, rnd: SelectionRound, shortlist: dict[int, list[int]]
) -> None:
    current = voted_in_pass(session, rnd, rnd.current_pass)
    everything = candidates_by_domain(session, rnd)
    problems = []
    if not shortlist:
        problems.append(FieldProblem("shortlist", "Shortlist at least one domain."))
    for domain, ids in shortlist.items():
        pool = set(current.get(domain) or everything.get(domain, []))
        if len(set(ids)) < 2 or not set(ids) <= pool:
            problems.append(
                FieldProblem(
                    f"shortlist.{domain}",
                    "A shortlist holds two or more of the domain's candidates (with one, record "
                    "the decision instead).",
                )
            )
    if problems:
        raise InvalidInput(problems[0].message, problems=problems)
