"""A round's results for the facilitator: each domain's ballots turned into tally inputs
and counted by storybank.msc.tallies, side by side.

The round's method decides which tallies make sense: single ballots by plurality, approval
by approval, scores by mean and median, rankings by plurality, Borda, Copeland and Schulze
(with the head-to-head matrix). Ties are reported, never broken. Who may read results, and
when, is ballots.results' rule: it is called first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from storybank.access import Actor
from storybank.models import Ballot as StoredBallot
from storybank.models import SelectionRound
from storybank.msc import ballots
from storybank.msc.passes import voted_in_pass
from storybank.msc.tallies import (
    ApprovalBallot,
    Ballot,
    ChoiceBallot,
    Matrix,
    RankingBallot,
    ScoreBallot,
    TallyResult,
    pairwise_matrix,
    tally,
)

METHODS_FOR = {
    "single": ("plurality",),
    "approval": ("approval",),
    "score": ("score_mean", "score_median"),
    "ranking": ("plurality", "borda", "copeland", "schulze"),
}


@dataclass
class DomainTallies:
    """One domain's tallies in one pass, its candidates as story ids written as text."""

    domain_id: int
    candidates: list[str]
    titles: dict[str, str]
    ballots: int
    tallies: list[TallyResult]
    matrix: Matrix | None = None


@dataclass
class SideBySide:
    """Every domain's tallies in one pass of a round."""

    round_id: int
    pass_number: int
    method: str
    domains: list[DomainTallies] = field(default_factory=list)


def tally_ballot(kind: str, content: dict[str, Any], count: int) -> Ballot:
    """A stored ballot's content as a tally ballot."""
    if kind == "single":
        return ChoiceBallot(str(content["choice"]), count)
    if kind == "approval":
        return ApprovalBallot(tuple(str(s) for s in content["approved"]), count)
    if kind == "score":
        return ScoreBallot({str(s): int(v) for s, v in content["scores"].items()}, count)
    return RankingBallot(tuple(str(s) for s in content["ranking"]), count)


def side_by_side(
    *, session: Session, actor: Actor, round_id: int, pass_number: int | None = None
) -> SideBySide:
    """Each domain's tallies by every method that fits the round's ballots."""
    shown = ballots.results(
        session=session, actor=actor, round_id=round_id, pass_number=pass_number
    )
    rnd = session.get(SelectionRound, round_id)
    assert rnd is not None
    found = SideBySide(round_id, shown.pass_number, rnd.voting_method)
    for result in shown.domains:
        titles = {str(s): title for s, title in result.titles.items()}
        found.domains.append(_domain(session, rnd, result.domain_id, shown.pass_number, titles))
    return found


def _domain(
    session: Session, rnd: SelectionRound, domain_id: int, number: int, titles: dict[str, str]
) -> DomainTallies:
    names = [str(s) for s in voted_in_pass(session, rnd, number).get(domain_id, [])]
    rows = session.exec(
        select(StoredBallot.content, StoredBallot.count).where(
            StoredBallot.round_id == rnd.id,
            StoredBallot.pass_number == number,
            StoredBallot.domain_id == domain_id,
        )
    ).all()
    given = [tally_ballot(rnd.voting_method, dict(content), n) for content, n in rows]
    methods = METHODS_FOR[rnd.voting_method] if names and given else ()
    ranked = rnd.voting_method == "ranking" and bool(methods)
    return DomainTallies(
        domain_id=domain_id,
        candidates=names,
        titles=titles,
        ballots=sum(n for _content, n in rows),
        tallies=[tally(method, names, given) for method in methods],
        matrix=pairwise_matrix(names, given) if ranked else None,
    )
