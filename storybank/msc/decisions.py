"""Decisions and closing a round.

Each domain with candidates needs a decision before the round closes: the selected story
or "none selected", the panel's reasons in full sentences (at least ten words, ending as
a sentence does), the criteria that mattered with how much each weighed (1-5), and any
dissent or caveat. When the tally of the domain's last pass is tied at the top, the
decision says how the tie was resolved (never at random). A split panel records the
minority view as dissent (one story per domain).

Closing freezes the round (every change to candidates, ballots, passes or decisions needs
an earlier state), sends feedback to the author of every candidate story, ends the guest
members' access, and promotes each selected story to the round of the period at the
parent unit while that round is in draft (a round still to be made, or in draft, reads
them when it moves to reading). A story whose consent or unconfirmed de-identified
version keeps it in its site does not go up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.audit import record_event
from storybank.errors import FieldProblem, InvalidInput
from storybank.models import (
    MscDomain,
    RoundCandidate,
    RoundDecision,
    RoundFeedback,
    RoundState,
    SelectionRound,
    Story,
    require_id,
    utcnow,
)
from storybank.msc.candidates import candidates_by_domain, eligible_story_ids, fill_candidates
from storybank.msc.members import end_guest_access
from storybank.msc.passes import voted_in_pass
from storybank.msc.rounds import hold_round_in, parent_round, reach, require_insider, require_runner

MIN_REASON_WORDS = 10
SENTENCE_END = re.compile(r"[.!?][\"')\]]?\s*$")


@dataclass
class Criterion:
    """A criterion the panel used and how much it weighed (1-5)."""

    name: str
    weight: int


def full_sentences(text: str) -> bool:
    """Whether reasons read as sentences: ten words or more, ending like a sentence."""
    return len(text.split()) >= MIN_REASON_WORDS and bool(SENTENCE_END.search(text))


def _problems(reasons: str, criteria: list[Criterion]) -> list[FieldProblem]:
    problems = []
    if not full_sentences(reasons):
        problems.append(
            FieldProblem(
                "reasons",
                "Write the panel's reasons in full sentences (ten words or more): what the story "
                "shows and which criteria mattered, not just 'more sustainable'.",
            )
        )
    if not criteria or any(not 1 <= len(c.name.strip()) <= 120 for c in criteria):
        problems.append(
            FieldProblem(
                "criteria",
                "Name each criterion that mattered (1 to 120 "
                "characters) with its weight from 1 to 5.",
            )
        )
    return problems


def record_decision(
    *,
    session: Session,
    actor: Actor,
    round_id: int,
    domain_id: int,
    story_id: int | None,
    reasons: str,
    criteria: list[Criterion],
    dissent: str = "",
    tie_resolution: str = "",
) -> RoundDecision:
    """Record (or replace) the panel's decision in a domain while the round is deciding."""
    found = reach(session=session, actor=actor, round_id=round_id)
    require_runner(found)
    rnd = found.round
    hold_round_in(session, rnd, RoundState.deciding, doing="record decisions")
    stories = candidates_by_domain(session, rnd).get(domain_id)
    problems = _problems(reasons.strip(), criteria)
    if stories is None:
        problems.append(FieldProblem("domain_id", "This domain has no candidates to decide on."))
    elif story_id is not None and story_id not in stories:
        problems.append(
            FieldProblem("story_id", "Choose one of the domain's candidates, or none (null).")
        )
    elif _tied(session, rnd, domain_id) and not tie_resolution.strip():
        problems.append(
            FieldProblem(
                "tie_resolution",
                "The vote is tied at the top: say how "
                "the panel resolved it (a new pass, a joint choice, or "
                "the chair's decision and why).",
            )
        )
    if problems:
        session.rollback()
        raise InvalidInput(problems[0].message, problems=problems)
    decision = session.exec(
        select(RoundDecision).where(
            RoundDecision.round_id == round_id, RoundDecision.domain_id == domain_id
        )
    ).first() or RoundDecision(round_id=round_id, domain_id=domain_id)
    decision.story_id, decision.reasons = story_id, reasons.strip()
    decision.criteria = [{"name": c.name.strip(), "weight": c.weight} for c in criteria]
    decision.dissent, decision.tie_resolution = dissent.strip(), tie_resolution.strip()
    decision.decided_by_id, decision.decided_at = actor.id, utcnow()
    session.add(decision)
    session.flush()
    record_event(
        session=session,
        actor=actor.user,
        action="msc.decision.record",
        entity="msc_round",
        entity_id=round_id,
        details={"domain_id": domain_id, "story_id": story_id},
    )
    session.commit()
    return decision


def _tied(session: Session, rnd: SelectionRound, domain_id: int) -> bool:
    from storybank.msc.ballots import tally_domain

    for number in range(rnd.current_pass, 0, -1):
        if domain_id in voted_in_pass(session, rnd, number):
            return len(tally_domain(session, rnd, domain_id, number).top) > 1
    return False


def list_decisions(*, session: Session, actor: Actor, round_id: int) -> list[RoundDecision]:
    """The round's decisions (its facilitator and members with accounts)."""
    require_insider(reach(session=session, actor=actor, round_id=round_id))
    query = select(RoundDecision).where(RoundDecision.round_id == round_id)
    return list(session.exec(query.order_by(col(RoundDecision.domain_id))).all())


def missing_decisions(session: Session, rnd: SelectionRound) -> list[MscDomain]:
    """Domains with candidates but no decision yet."""
    decided = set(
        session.exec(select(RoundDecision.domain_id).where(RoundDecision.round_id == rnd.id)).all()
    )
    wanted = sorted(set(candidates_by_domain(session, rnd)) - decided)
    return [d for d in (session.get(MscDomain, i) for i in wanted) if d is not None]


def finish_round(*, session: Session, actor: Actor, found: SelectionRound) -> list[str]:
    """Close the round: freeze, feedback to authors, end guests, promote; caller commits."""
    found.closed_at = utcnow()
    session.add(found)
    sent = _send_feedback(session, found)
    guests = end_guest_access(session=session, actor=actor, round_id=require_id(found))
    notes = [f"Feedback sent for {sent} story(ies).", f"Access ended for {guests} guest(s)."]
    return notes + _promote(session, found)


def _send_feedback(session: Session, found: SelectionRound) -> int:
    rows = session.exec(
        select(RoundCandidate.story_id, Story.author_id)
        .join(Story, col(Story.id) == RoundCandidate.story_id)
        .where(RoundCandidate.round_id == found.id, col(Story.erased_at).is_(None))
    ).all()
    for story_id, author_id in rows:
        session.add(
            RoundFeedback(round_id=require_id(found), story_id=story_id, author_id=author_id)
        )
    return len(rows)


def _promote(session: Session, found: SelectionRound) -> list[str]:
    selected = [
        i
        for i in session.exec(
            select(RoundDecision.story_id).where(RoundDecision.round_id == found.id)
        ).all()
        if i is not None
    ]
    parent = parent_round(session, found)
    if not selected or parent is None:
        return (
            []
            if not selected
            else [
                "No round above for this period yet: it will read the selected stories when it "
                "moves to reading."
            ]
        )
    if parent.state != RoundState.draft:
        return [
            f"The round above ({parent.name}) is already {parent.state}: the selected "
            "stories were not added to it."
        ]
    going_up = set(eligible_story_ids(session, parent))
    fill_candidates(session=session, found=parent)
    notes = [f"Story {i} promoted to {parent.name}." for i in selected if i in going_up]
    return notes + [
        f"Story {i} stays in its site: its consent or de-identified version does not let it go up."
        for i in selected
        if i not in going_up
    ]


def promoted_to(session: Session, found: SelectionRound) -> dict[int, str]:
    """The rounds above that read this round's selected stories: story id -> round name."""
    query = (
        select(RoundCandidate.story_id, SelectionRound.name)
        .join(SelectionRound, col(SelectionRound.id) == RoundCandidate.round_id)
        .where(RoundCandidate.source_round_id == found.id)
    )
    return dict(session.exec(query).all())


def selected_in(session: Session, found: SelectionRound) -> list[RoundDecision]:
    """The round's decisions that selected a story, by domain."""
    query = select(RoundDecision).where(
        RoundDecision.round_id == found.id, col(RoundDecision.story_id).is_not(None)
    )
    return list(session.exec(query.order_by(col(RoundDecision.domain_id))).all())
