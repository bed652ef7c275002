"""Ballots: one per member, domain and pass (a unique constraint), changeable until
voting closes; paper ballots from the meeting entered by the facilitator.

Ballot content follows the round's method: single `{"choice": story}`, approval
`{"approved": [stories]}`, score `{"scores": {story: 0-5}}` for every story voted on,
ranking `{"ranking": [stories]}` with every story, best first.

Secret ballots stay secret: no function here returns a member together with a ballot's
content, except `my_ballots` (the member's own). The facilitator sees who has voted,
never how; audit entries name the domain and pass, never a choice. In a secret round a
paper ballot carries no member. Results (tallies only) are read once voting has closed;
in an open round they also list each ballot with its voter.

Two requests saving the same member's ballot at once: the round row is locked first
(so writes queue), and if an insert still meets the unique constraint, the save is
retried as an update: one row, last write wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.audit import record_event
from storybank.db import is_unique_violation
from storybank.errors import Conflict, FieldProblem, Forbidden, InvalidInput
from storybank.models import (
    Ballot,
    RoundMember,
    RoundState,
    SelectionRound,
    User,
    require_id,
    utcnow,
)
from storybank.msc.candidates import reading_pack
from storybank.msc.counting import Tally, count_votes
from storybank.msc.members import get_member
from storybank.msc.passes import voted_in_pass
from storybank.msc.rounds import RoundReach, hold_round_in, reach, require_insider, require_runner

SAVE_ATTEMPTS = 3
MAX_PAPER_COUNT = 500


@dataclass
class BallotChoice:
    """What a ballot says; only the field of the round's method is given."""

    choice: int | None = None
    approved: list[int] | None = None
    scores: dict[int, int] | None = None
    ranking: list[int] | None = None


def ballot_content(kind: str, given: BallotChoice, allowed: list[int]) -> dict[str, Any]:
    """The stored content of a ballot, or InvalidInput naming what is wrong."""
    pool = set(allowed)
    fields = {"single": "choice", "approval": "approved", "score": "scores", "ranking": "ranking"}
    wanted = fields[kind]
    others = [name for name in fields.values() if name != wanted and getattr(given, name)]
    value = getattr(given, wanted)
    if value is None or others:
        raise _bad(wanted, f"This round votes by {kind}: send `{wanted}` only.")
    if kind == "single" and value in pool:
        return {"choice": value}
    if kind == "approval" and value and len(set(value)) == len(value) and set(value) <= pool:
        return {"approved": sorted(value)}
    if kind == "score" and set(value) == pool and all(0 <= v <= 5 for v in value.values()):
        return {"scores": {str(story): score for story, score in sorted(value.items())}}
    if kind == "ranking" and sorted(value) == sorted(pool) and len(set(value)) == len(value):
        return {"ranking": list(value)}
    rule = {
        "single": "one of the stories voted on in this domain",
        "approval": "one or more different stories voted on in this domain",
        "score": "a score from 0 to 5 for every story voted on in this domain",
        "ranking": "every story voted on in this domain, each once, best first",
    }[kind]
    raise _bad(wanted, f"Give {rule} ({', '.join(map(str, sorted(pool))) or 'none'}).")


def _bad(name: str, message: str) -> InvalidInput:
    return InvalidInput(message, problems=[FieldProblem(name, message)])


def _allowed(session: Session, rnd: SelectionRound, domain_id: int) -> list[int]:
    allowed = voted_in_pass(session, rnd, rnd.current_pass).get(domain_id, [])
    if not allowed:
        raise _bad("domain_id", f"Domain {domain_id} is not voted on in this pass.")
    return allowed


def cast_ballot(
    *, session: Session, actor: Actor, round_id: int, domain_id: int, given: BallotChoice
) -> Ballot:
    """Save the member's own ballot in a domain for the current pass (replacing theirs)."""
    for attempt in range(SAVE_ATTEMPTS):
        found = reach(session=session, actor=actor, round_id=round_id)
        if found.member is None:
            raise Forbidden("Only the round's panel members vote.")
        try:
            return _save_own(session, actor, found, found.member, domain_id, given, False)
        except IntegrityError as error:  # the same ballot was inserted at the same moment
            session.rollback()
            if not is_unique_violation(error) or attempt == SAVE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _save_own(
    session: Session,
    actor: Actor,
    found: RoundReach,
    member: RoundMember,
    domain_id: int,
    given: BallotChoice,
    on_behalf: bool,
) -> Ballot:
    rnd = found.round
    hold_round_in(session, rnd, RoundState.voting, doing="vote")
    content = ballot_content(rnd.voting_method, given, _allowed(session, rnd, domain_id))
    ballot = session.exec(
        select(Ballot).where(
            Ballot.round_id == rnd.id,
            Ballot.pass_number == rnd.current_pass,
            Ballot.domain_id == domain_id,
            Ballot.member_id == member.id,
        )
    ).first() or Ballot(
        round_id=require_id(rnd),
        pass_number=rnd.current_pass,
        domain_id=domain_id,
        member_id=member.id,
        kind=rnd.voting_method,
        entered_by_id=actor.id,
    )
    ballot.content, ballot.updated_at, ballot.on_behalf = content, utcnow(), on_behalf
    ballot.entered_by_id = actor.id
    session.add(ballot)
    session.flush()
    record_event(
        session=session,
        actor=actor.user,
        action="msc.ballot.save",
        entity="msc_round",
        entity_id=rnd.id,
        details={"domain_id": domain_id, "pass": rnd.current_pass},
    )
    session.commit()
    return ballot


def enter_paper_ballot(
    *,
    session: Session,
    actor: Actor,
    round_id: int,
    domain_id: int,
    given: BallotChoice,
    count: int = 1,
    member_id: int | None = None,
) -> Ballot:
    """The facilitator enters paper ballots from the meeting: `count` identical ones, or
    (open rounds only) one on a named member's behalf, which replaces that member's."""
    found = reach(session=session, actor=actor, round_id=round_id)
    require_runner(found)
    rnd = found.round
    if not 1 <= count <= MAX_PAPER_COUNT:
        raise _bad("count", f"Enter 1 to {MAX_PAPER_COUNT} identical ballots at a time.")
    if member_id is not None and (rnd.secret or count != 1):
        raise _bad(
            "member_id",
            "A paper ballot names a member only in an open round, one at "
            "a time; in a secret round paper ballots carry no name.",
        )
    if member_id is not None:
        member = get_member(session, round_id, member_id)
        return _save_own(session, actor, found, member, domain_id, given, True)
    hold_round_in(session, rnd, RoundState.voting, doing="enter ballots")
    content = ballot_content(rnd.voting_method, given, _allowed(session, rnd, domain_id))
    ballot = Ballot(
        round_id=round_id,
        pass_number=rnd.current_pass,
        domain_id=domain_id,
        kind=rnd.voting_method,
        content=content,
        count=count,
        on_behalf=True,
        entered_by_id=actor.id,
    )
    session.add(ballot)
    record_event(
        session=session,
        actor=actor.user,
        action="msc.ballot.paper",
        entity="msc_round",
        entity_id=round_id,
        details={"domain_id": domain_id, "pass": rnd.current_pass, "count": count},
    )
    session.commit()
    return ballot


def my_ballots(*, session: Session, actor: Actor, round_id: int) -> list[Ballot]:
    """The member's own ballots in this round, every pass."""
    found = reach(session=session, actor=actor, round_id=round_id)
    if found.member is None:
        raise Forbidden("Only the round's panel members have ballots.")
    query = select(Ballot).where(Ballot.round_id == round_id, Ballot.member_id == found.member.id)
    return list(session.exec(query.order_by(col(Ballot.pass_number), col(Ballot.domain_id))).all())


@dataclass
class Voter:
    """Whether a member has voted in a domain (never how)."""

    member_id: int
    display_name: str
    voted: bool


@dataclass
class DomainVoters:
    """Who has voted in one domain of the current pass, and the paper ballots entered."""

    domain_id: int
    voters: list[Voter]
    paper_ballots: int


def who_has_voted(*, session: Session, actor: Actor, round_id: int) -> list[DomainVoters]:
    """Per domain voted on in the current pass: which members have voted (facilitator)."""
    found = reach(session=session, actor=actor, round_id=round_id)
    require_runner(found)
    rnd = found.round
    members = session.exec(
        select(RoundMember.id, User.display_name)
        .join(User, col(User.id) == RoundMember.user_id)
        .where(RoundMember.round_id == round_id)
        .order_by(col(User.display_name))
    ).all()
    rows = session.exec(
        select(Ballot.domain_id, Ballot.member_id, Ballot.count).where(
            Ballot.round_id == round_id, Ballot.pass_number == rnd.current_pass
        )
    ).all()
    voted = {(domain, member) for domain, member, _n in rows if member is not None}
    return [
        DomainVoters(
            domain_id=domain,
            voters=[Voter(m, name, (domain, m) in voted) for m, name in members if m is not None],
            paper_ballots=sum(n for d, member, n in rows if d == domain and member is None),
        )
        for domain in sorted(voted_in_pass(session, rnd, rnd.current_pass))
    ]


@dataclass
class OpenBallot:
    """A ballot of an open round, with its voter (None: an unnamed paper ballot)."""

    voter: str | None
    on_behalf: bool
    count: int
    content: dict[str, Any]


@dataclass
class DomainResult:
    """A domain's tally in one pass, with the titles the reader may see."""

    domain_id: int
    tally: Tally
    titles: dict[int, str]
    ballots: list[OpenBallot] = field(default_factory=list)


@dataclass
class RoundResults:
    """Every domain's tally in one pass."""

    round_id: int
    pass_number: int
    method: str
    secret: bool
    counted_at: datetime
    domains: list[DomainResult]


def results(
    *, session: Session, actor: Actor, round_id: int, pass_number: int | None = None
) -> RoundResults:
    """The tallies of a pass, once its voting has closed (secret rounds: tallies only)."""
    found = reach(session=session, actor=actor, round_id=round_id)
    require_insider(found)
    rnd = found.round
    number = pass_number or rnd.current_pass
    if not 1 <= number <= rnd.current_pass:
        raise _bad("pass_number", f"This round has passes 1 to {rnd.current_pass}.")
    if number == rnd.current_pass and rnd.state in (
        RoundState.draft,
        RoundState.reading,
        RoundState.voting,
    ):
        raise Conflict(
            f"Results are shown once voting has closed; this round is {rnd.state}.",
            code="round_state",
        )
    return RoundResults(
        round_id=round_id,
        pass_number=number,
        method=rnd.voting_method,
        secret=rnd.secret,
        counted_at=utcnow(),
        domains=_domain_results(session, actor, found, number),
    )


def tally_domain(session: Session, rnd: SelectionRound, domain_id: int, number: int) -> Tally:
    """The tally of one domain in one pass."""
    stories = voted_in_pass(session, rnd, number).get(domain_id, [])
    rows = session.exec(
        select(Ballot.content, Ballot.count).where(
            Ballot.round_id == rnd.id, Ballot.pass_number == number, Ballot.domain_id == domain_id
        )
    ).all()
    return count_votes(rnd.voting_method, stories, [(dict(content), n) for content, n in rows])


def _domain_results(
    session: Session, actor: Actor, found: RoundReach, number: int
) -> list[DomainResult]:
    rnd = found.round
    pack = reading_pack(session=session, actor=actor, round_id=require_id(rnd))
    titles = {entry.story_id: entry.texts.get("title", "") for entry in pack}
    shown = []
    for domain_id in sorted(voted_in_pass(session, rnd, number)):
        tally = tally_domain(session, rnd, domain_id, number)
        ballots = [] if rnd.secret else _open_ballots(session, rnd, domain_id, number)
        shown.append(
            DomainResult(domain_id, tally, {s: titles.get(s, "") for s in tally.points}, ballots)
        )
    return shown


def _open_ballots(
    session: Session, rnd: SelectionRound, domain_id: int, number: int
) -> list[OpenBallot]:
    rows = session.exec(
        select(Ballot, User.display_name)
        .outerjoin(RoundMember, col(RoundMember.id) == Ballot.member_id)
        .outerjoin(User, col(User.id) == RoundMember.user_id)
        .where(
            Ballot.round_id == rnd.id, Ballot.pass_number == number, Ballot.domain_id == domain_id
        )
        .order_by(col(Ballot.id))
    ).all()
    return [OpenBallot(name, b.on_behalf, b.count, b.content) for b, name in rows]
