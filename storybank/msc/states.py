"""Moving a round on: draft -> reading -> voting -> deciding -> closed, one step at a time,
by its facilitator, with the version they last saw. Every refused move is a Conflict
(409) saying why. Another pass of voting goes from deciding back to voting, but only
through `passes.open_pass` with a shortlist.

What each move needs (checked after the round row is locked):
- to reading: a panel member at least, and every child round closed; the eligible
  stories (or the child rounds' selections) become candidates;
- to voting: every candidate's domain confirmed, and a domain with a story to vote on;
  pass 1 opens;
- to deciding: in each domain voted on in this pass, at least one ballot;
- to closed: each domain with candidates has its decision (see `decisions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.audit import record_event
from storybank.errors import Conflict
from storybank.models import (
    Ballot,
    MscDomain,
    RoundCandidate,
    RoundMember,
    RoundPass,
    RoundState,
    SelectionRound,
    require_id,
    utcnow,
)
from storybank.msc.candidates import candidates_by_domain, fill_candidates
from storybank.msc.decisions import finish_round, missing_decisions
from storybank.msc.passes import voted_in_pass
from storybank.msc.rounds import STALE_ROUND, child_rounds, reach, require_runner

ORDER = [
    RoundState.draft,
    RoundState.reading,
    RoundState.voting,
    RoundState.deciding,
    RoundState.closed,
]


@dataclass
class Moved:
    """A round after a move, with what the move did (e.g. candidates added, promotions)."""

    round: SelectionRound
    notes: list[str] = field(default_factory=list)


def refusal(current: str, target: str) -> str | None:
    """Why a round in `current` cannot move to `target` at all (None: it may try)."""
    if current == RoundState.closed:
        return "This round is closed, and a closed round stays closed."
    if target == current:
        return f"The round is already {current}."
    here, there = ORDER.index(RoundState(current)), ORDER.index(RoundState(target))
    if current == RoundState.deciding and target == RoundState.voting:
        return "Voting does not reopen as it was: to vote again, open another pass on a shortlist."
    if there < here:
        return (
            f"A round only moves forward: this one is {current}, so it cannot go back to {target}."
        )
    if there > here + 1:
        return f"A round moves to {target} only from {ORDER[there - 1]}; this one is {current}."
    return None


def transition(
    *, session: Session, actor: Actor, round_id: int, to: RoundState, version: int
) -> Moved:
    """Move the round one step on, or Conflict saying why not."""
    found = reach(session=session, actor=actor, round_id=round_id)
    require_runner(found)
    rnd = found.round
    if (reason := refusal(rnd.state, to)) is not None:
        raise Conflict(reason, code="refused_transition")
    result: Any = session.execute(
        update(SelectionRound)
        .where(
            col(SelectionRound.id) == round_id,
            col(SelectionRound.version) == version,
            col(SelectionRound.state) == rnd.state,
        )
        .values(state=to, version=rnd.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(STALE_ROUND, code="stale_version")
    came_from = rnd.state
    session.refresh(rnd)
    try:
        notes = MOVES[to](session, actor, rnd)
    except Conflict:
        session.rollback()
        raise
    record_event(
        session=session,
        actor=actor.user,
        action="msc.round.move",
        entity="msc_round",
        entity_id=round_id,
        details={"from": came_from, "to": to},
    )
    session.commit()
    session.refresh(rnd)
    return Moved(rnd, notes)


def _to_reading(session: Session, actor: Actor, rnd: SelectionRound) -> list[str]:
    members = session.exec(
        select(func.count()).select_from(RoundMember).where(RoundMember.round_id == rnd.id)
    ).one()
    if not members:
        raise Conflict(
            "The round cannot move to reading: its panel has no members yet.",
            code="refused_transition",
        )
    for child in child_rounds(session, rnd):
        if child.state != RoundState.closed:
            raise Conflict(
                f"The round cannot move to reading: the round {child.name!r} below it has "
                f"not closed yet (it is {child.state}), so its selections are not known.",
                code="refused_transition",
            )
    added = fill_candidates(session=session, found=rnd)
    return [f"{added} candidate(s) added."]


def _to_voting(session: Session, actor: Actor, rnd: SelectionRound) -> list[str]:
    unconfirmed = session.exec(
        select(RoundCandidate.story_id).where(
            RoundCandidate.round_id == rnd.id, col(RoundCandidate.domain_id).is_(None)
        )
    ).all()
    if unconfirmed:
        listed = ", ".join(str(i) for i in sorted(unconfirmed))
        raise Conflict(
            f"Voting cannot open: {len(unconfirmed)} candidate(s) have no confirmed domain "
            f"yet (stories {listed}). Confirm a domain for each.",
            code="refused_transition",
        )
    if not candidates_by_domain(session, rnd):
        raise Conflict(
            "Voting cannot open: no domain has a candidate to vote on.", code="refused_transition"
        )
    session.add(RoundPass(round_id=require_id(rnd), number=1, opened_by_id=actor.id))
    return ["Pass 1 opened."]


def _to_deciding(session: Session, actor: Actor, rnd: SelectionRound) -> list[str]:
    voted = set(
        session.exec(
            select(Ballot.domain_id).where(
                Ballot.round_id == rnd.id, Ballot.pass_number == rnd.current_pass
            )
        ).all()
    )
    for domain_id in sorted(voted_in_pass(session, rnd, rnd.current_pass)):
        if domain_id not in voted:
            domain = session.get(MscDomain, domain_id)
            raise Conflict(
                f"Voting cannot close: nobody has voted in the domain "
                f'"{domain.name if domain else domain_id}" yet.',
                code="refused_transition",
            )
    return []


def _to_closed(session: Session, actor: Actor, rnd: SelectionRound) -> list[str]:
    if missing := missing_decisions(session, rnd):
        raise Conflict(
            f'The round cannot close: the domain "{missing[0].name}" has no decision (a '
            "selected story, or none selected, with the panel's reasons).",
            code="refused_transition",
        )
    return finish_round(session=session, actor=actor, found=rnd)


MOVES = {
    RoundState.reading: _to_reading,
    RoundState.voting: _to_voting,
    RoundState.deciding: _to_deciding,
    RoundState.closed: _to_closed,
}
