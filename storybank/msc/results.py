"""A round's results for the facilitator's pages: each domain's tallies side by side, as
`counting` computed them for `ballots.results` (one code path for the API and the pages),
with the candidates keyed as the templates show them. Who may read results, and when, is
`ballots.results`' rule."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from storybank.access import Actor
from storybank.msc import ballots
from storybank.msc.counting import MethodTally, Tally

Matrix = dict[str, dict[str, int]]


@dataclass
class MethodColumn:
    """One method's column: each story's figure and the winners (more than one: a tie)."""

    method: str
    winners: list[str]
    scores: dict[str, float | None]

    @property
    def tie(self) -> bool:
        return len(self.winners) > 1


@dataclass
class DomainTallies:
    """One domain's tallies in one pass, its candidates as story ids written as text."""

    domain_id: int
    candidates: list[str]
    titles: dict[str, str]
    ballots: int
    tallies: list[MethodColumn]
    matrix: Matrix | None = None


@dataclass
class SideBySide:
    """Every domain's tallies in one pass of a round."""

    round_id: int
    pass_number: int
    method: str
    domains: list[DomainTallies] = field(default_factory=list)


def side_by_side(
    *, session: Session, actor: Actor, round_id: int, pass_number: int | None = None
) -> SideBySide:
    """Each domain's tallies by every method that fits the round's ballots."""
    shown = ballots.results(
        session=session, actor=actor, round_id=round_id, pass_number=pass_number
    )
    found = SideBySide(round_id, shown.pass_number, shown.method)
    for result in shown.domains:
        titles = {str(s): title for s, title in result.titles.items()}
        found.domains.append(_domain(result.domain_id, result.tally, titles))
    return found


def _domain(domain_id: int, tally: Tally, titles: dict[str, str]) -> DomainTallies:
    counted = tally.ballots > 0
    return DomainTallies(
        domain_id=domain_id,
        candidates=[str(s) for s in (tally.methods[0].scores if tally.methods else tally.points)],
        titles=titles,
        ballots=tally.ballots,
        tallies=[_column(m) for m in tally.methods] if counted else [],
        matrix=_keyed(tally.matrix) if counted else None,
    )


def _column(method: MethodTally) -> MethodColumn:
    scores = {str(s): v for s, v in method.scores.items()}
    return MethodColumn(method.method, [str(s) for s in method.winners], scores)


def _keyed(matrix: dict[int, dict[int, int]] | None) -> Matrix | None:
    if matrix is None:
        return None
    return {str(x): {str(y): n for y, n in row.items()} for x, row in matrix.items()}
