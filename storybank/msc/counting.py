"""Counting a domain's ballots for the round's voting method, by storybank.msc.tallies.

This is the one place a round's results are computed; the API's results and the
facilitator's pages (`results.side_by_side`) both show what it counts. Each voting method
is counted by every tally that reads its ballots, side by side: single choice by plurality;
approval by approval; score by mean and median score; ranking by first choices (plurality),
Borda, Copeland and Schulze (with the head-to-head matrix and the strongest paths). Each
method has a headline tally (`points` and `top`): Borda for rankings, else the first listed.
Ties are listed, never broken: when more than one story shares the best result, every one
of them is a winner.

A stored ballot that no longer fits the stories voted on (a story withdrawn after the
ballot was cast) is counted without the missing story; a ranking that then misses a story
voted on is left out rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from storybank.msc import tallies
from storybank.msc.tally_ballots import (
    ApprovalBallot,
    Ballot,
    ChoiceBallot,
    RankingBallot,
    ScoreBallot,
)

# The tallies each voting method is counted with, in the order they are shown.
TALLIES_FOR: dict[str, tuple[tallies.TallyMethod, ...]] = {
    "single": ("plurality",),
    "approval": ("approval",),
    "score": ("score_mean", "score_median"),
    "ranking": ("plurality", "borda", "copeland", "schulze"),
}
TALLY_FOR = {"single": "plurality", "approval": "approval", "score": "score_mean"} | {
    "ranking": "borda"
}
Matrix = dict[int, dict[int, int]]


@dataclass
class MethodTally:
    """One method's winners (more than one: a tie) and each story's score (None: unscored)."""

    method: str
    winners: list[int]
    scores: dict[int, float | None]

    @property
    def tie(self) -> bool:
        """More than one winner: the panel resolves it; the count never does."""
        return len(self.winners) > 1


@dataclass
class Tally:
    """The headline method's points per story (best first) and winners (`top`), every
    method's result side by side, and for rankings the head-to-head figures."""

    method: str
    points: dict[int, float | None]
    ballots: int
    top: list[int]
    methods: list[MethodTally] = field(default_factory=list)
    matrix: Matrix | None = None
    strongest_paths: Matrix | None = None

    @property
    def tie(self) -> bool:
        """The headline method has more than one winner."""
        return len(self.top) > 1


def count_votes(
    kind: str, candidates: list[int], ballots: list[tuple[dict[str, Any], int]]
) -> Tally:
    """Count (content, how many identical ballots) pairs for these candidates."""
    lines = [line for content, n in ballots if (line := _tally_ballot(content, n, candidates))]
    voters = sum(line.count for line in lines)
    if not candidates or not lines:
        return _uncounted(kind, candidates)
    names = [str(story) for story in candidates]
    results = [tallies.tally(method, names, lines) for method in TALLIES_FOR[kind]]
    methods = [_method_tally(result) for result in results]
    head = next(m for m in methods if m.method == TALLY_FOR[kind])
    last = results[-1]
    return Tally(
        method=head.method,
        points=_best_first(head.scores),
        ballots=voters,
        top=sorted(head.winners),
        methods=methods,
        matrix=_by_id(last.matrix),
        strongest_paths=_by_id(last.strongest_paths),
    )


def _uncounted(kind: str, candidates: list[int]) -> Tally:
    """No ballots yet: nobody wins, every story has 0 (or no score)."""
    empty = None if kind == "score" else 0.0
    methods = [
        MethodTally(method, [], dict.fromkeys(candidates, empty)) for method in TALLIES_FOR[kind]
    ]
    return Tally(TALLY_FOR[kind], dict.fromkeys(candidates, empty), 0, [], methods)


def _tally_ballot(content: dict[str, Any], count: int, candidates: Sequence[int]) -> Ballot | None:
    """The stored ballot as a tally ballot over these candidates (None: nothing to count)."""
    known = {str(story) for story in candidates}
    if "choice" in content:
        choice = str(content["choice"])
        return ChoiceBallot(choice, count) if choice in known else None
    if "approved" in content:
        approved = tuple(str(s) for s in content["approved"] if str(s) in known)
        return ApprovalBallot(approved, count) if approved else None
    if "scores" in content:
        scores = {str(s): int(v) for s, v in content["scores"].items() if str(s) in known}
        return ScoreBallot(scores, count) if scores else None
    ranking = tuple(str(s) for s in content.get("ranking", []) if str(s) in known)
    return RankingBallot(ranking, count) if set(ranking) == known else None


def _number(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _method_tally(result: tallies.TallyResult) -> MethodTally:
    scores = {int(name): _number(score) for name, score in result.scores.items()}
    return MethodTally(result.method, [int(name) for name in result.winners], scores)


def _best_first(scores: dict[int, float | None]) -> dict[int, float | None]:
    """Highest score first, then by story id; unscored stories last."""

    def order(item: tuple[int, float | None]) -> tuple[bool, float, int]:
        return (item[1] is None, -(item[1] or 0.0), item[0])

    return dict(sorted(scores.items(), key=order))


def _by_id(matrix: tallies.Matrix | None) -> Matrix | None:
    if matrix is None:
        return None
    return {int(x): {int(y): n for y, n in row.items()} for x, row in matrix.items()}
