"""Tallies of MSC panel ballots: pure functions, exact arithmetic, ties shown and never broken.

Every ballot carries a `count` (how many voters cast it, 1 to 10,000) and one of four kinds
of vote. How each method reads them:

- plurality: a `choice`, or a `ranking`'s first place.
- approval: `approved` (each candidate listed gets the ballot's count; an empty list approves
  nobody), or a `choice` (approves that one candidate).
- score_mean, score_median: `scores` (whole numbers 0 to 5). A candidate a score ballot leaves
  out is not counted for that candidate (it is not a 0); a candidate nobody scored has no
  score (None) and cannot win. An even number of scores has as median the mean of the two
  middle ones.
- borda: rankings; n-1 points for first place down to 0 for last.
- pairwise, copeland, schulze: rankings, read as the head-to-head matrix
  (`matrix[X][Y]` = voters ranking X above Y). Pairwise's winners are whoever nobody beats
  head-to-head (none in a cycle) and its scores the head-to-head wins; Copeland gives 1 per
  win and 1/2 per tie; Schulze (winning votes) gives the winners every X whose strongest
  path to each Y is at least Y's to X, and as scores how many others X's paths beat.

A ranking ranks every candidate exactly once. A kind a method cannot use, or a bad ballot, is
an InvalidInput naming it ("ballots[2]"). The winners are every candidate with the best
result, in candidate order; more than one is a tie for the panel to resolve (another pass, a
joint selection, or a chair's decision with a written reason).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, get_args

from storybank.errors import FieldProblem
from storybank.msc.tally_ballots import (
    MAX_BALLOT_LINES,
    MAX_CANDIDATES,
    MAX_COUNT,
    MAX_SCORE,
    MIN_SCORE,
    ApprovalBallot,
    Ballot,
    ChoiceBallot,
    RankingBallot,
    ScoreBallot,
    checked_ballots,
    invalid_input,
)

TallyMethod = Literal[
    "plurality",
    "approval",
    "score_mean",
    "score_median",
    "borda",
    "pairwise",
    "copeland",
    "schulze",
]
METHODS: tuple[TallyMethod, ...] = get_args(TallyMethod)
Matrix = dict[str, dict[str, int]]


@dataclass(frozen=True)
class TallyResult:
    """Every winner in candidate order, each candidate's score, and the head-to-head figures."""

    method: TallyMethod
    winners: tuple[str, ...]
    scores: dict[str, Fraction | None]
    matrix: Matrix | None = None
    strongest_paths: Matrix | None = None

    @property
    def tie(self) -> bool:
        """More than one winner: the panel resolves it; the tally never does."""
        return len(self.winners) > 1


# Counting.


def _exact(values: Mapping[str, int | Fraction]) -> dict[str, Fraction | None]:
    return {name: Fraction(value) for name, value in values.items()}


def _highest(scores: Mapping[str, Fraction | None]) -> tuple[str, ...]:
    """Every candidate with the best score, in candidate order (none scored: nobody)."""
    given = [score for score in scores.values() if score is not None]
    best = max(given, default=None)
    return tuple(name for name, score in scores.items() if best is not None and score == best)


def _by_highest(method: TallyMethod, scores: dict[str, Fraction | None]) -> TallyResult:
    return TallyResult(method, _highest(scores), scores)


def tally_plurality(candidates: Sequence[str], ballots: Sequence[Ballot]) -> TallyResult:
    """Most first choices: a `choice`, or a ranking's first place."""
    names = checked_ballots("plurality", candidates, ballots, (ChoiceBallot, RankingBallot))
    votes = dict.fromkeys(names, 0)
    for ballot in ballots:
        if isinstance(ballot, ChoiceBallot):
            votes[ballot.choice] += ballot.count
        elif isinstance(ballot, RankingBallot):
            votes[ballot.ranking[0]] += ballot.count
    return _by_highest("plurality", _exact(votes))


def tally_approval(candidates: Sequence[str], ballots: Sequence[Ballot]) -> TallyResult:
    """Most approvals: every candidate on an `approved` list, or a single `choice`."""
    names = checked_ballots("approval", candidates, ballots, (ApprovalBallot, ChoiceBallot))
    approvals = dict.fromkeys(names, 0)
    for ballot in ballots:
        if isinstance(ballot, ChoiceBallot):
            approvals[ballot.choice] += ballot.count
        elif isinstance(ballot, ApprovalBallot):
            for name in ballot.approved:
                approvals[name] += ballot.count
    return _by_highest("approval", _exact(approvals))


def _scores_given(names: tuple[str, ...], ballots: Sequence[Ballot]) -> dict[str, Counter[int]]:
    """For each candidate, how many voters gave each score (left out: not counted)."""
    given: dict[str, Counter[int]] = {name: Counter() for name in names}
    for ballot in ballots:
        if isinstance(ballot, ScoreBallot):
            for name, score in ballot.scores.items():
                given[name][score] += ballot.count
    return given


def mean_score(given: Counter[int]) -> Fraction | None:
    """The mean of these scores (score -> how many voters gave it); None if there are none."""
    voters = sum(given.values())
    return Fraction(sum(score * n for score, n in given.items()), voters) if voters else None


def median_score(given: Counter[int]) -> Fraction | None:
    """The median of these scores; of an even number, the mean of the two middle ones."""
    voters = sum(given.values())
    if not voters:
        return None
    lower, upper = _nth_score(given, (voters - 1) // 2), _nth_score(given, voters // 2)
    return Fraction(lower + upper, 2)


def _nth_score(given: Counter[int], index: int) -> int:
    """The score at `index` (from 0) of every voter's score listed lowest first."""
    seen = 0
    for score in sorted(given):
        seen += given[score]
        if index < seen:
            return score
    raise IndexError(index)


def tally_score_mean(candidates: Sequence[str], ballots: Sequence[Ballot]) -> TallyResult:
    """Highest mean score, over the ballots that score each candidate."""
    names = checked_ballots("score_mean", candidates, ballots, (ScoreBallot,))
    given = _scores_given(names, ballots)
    return _by_highest("score_mean", {name: mean_score(given[name]) for name in names})


def tally_score_median(candidates: Sequence[str], ballots: Sequence[Ballot]) -> TallyResult:
    """Highest median score, over the ballots that score each candidate."""
    names = checked_ballots("score_median", candidates, ballots, (ScoreBallot,))
    given = _scores_given(names, ballots)
    return _by_highest("score_median", {name: median_score(given[name]) for name in names})


def _rankings(ballots: Sequence[Ballot]) -> Counter[tuple[str, ...]]:
    """Each distinct ranking and how many voters gave it."""
    grouped: Counter[tuple[str, ...]] = Counter()
    for ballot in ballots:
        if isinstance(ballot, RankingBallot):
            grouped[tuple(ballot.ranking)] += ballot.count
    return grouped


def tally_borda(candidates: Sequence[str], ballots: Sequence[Ballot]) -> TallyResult:
    """Most Borda points: n-1 for each first place down to 0 for each last place."""
    names = checked_ballots("borda", candidates, ballots, (RankingBallot,))
    points = dict.fromkeys(names, 0)
    last = len(names) - 1
    for ranking, voters in _rankings(ballots).items():
        for place, name in enumerate(ranking):
            points[name] += (last - place) * voters
    return _by_highest("borda", _exact(points))


def _matrix(names: tuple[str, ...], ballots: Sequence[Ballot]) -> Matrix:
    matrix = {above: {below: 0 for below in names if below != above} for above in names}
    for ranking, voters in _rankings(ballots).items():
        for place, above in enumerate(ranking):
            row = matrix[above]
            for below in ranking[place + 1 :]:
                row[below] += voters
    return matrix


def pairwise_matrix(candidates: Sequence[str], ballots: Sequence[Ballot]) -> Matrix:
    """The head-to-head matrix: `matrix[X][Y]` voters rank X above Y (no X-to-X cell)."""
    return _matrix(checked_ballots("pairwise", candidates, ballots, (RankingBallot,)), ballots)


def tally_pairwise(candidates: Sequence[str], ballots: Sequence[Ballot]) -> TallyResult:
    """The matrix; the winners are whoever nobody beats head-to-head (none, in a cycle).

    Each candidate's score is how many head-to-head contests it wins.
    """
    names = checked_ballots("pairwise", candidates, ballots, (RankingBallot,))
    d = _matrix(names, ballots)
    wins = {x: sum(d[x][y] > d[y][x] for y in d[x]) for x in names}
    unbeaten = tuple(x for x in names if all(d[x][y] >= d[y][x] for y in d[x]))
    return TallyResult("pairwise", unbeaten, _exact(wins), matrix=d)


def _copeland_points(won: int, lost: int) -> Fraction:
    return Fraction(1) if won > lost else Fraction(1, 2) if won == lost else Fraction(0)


def tally_copeland(candidates: Sequence[str], ballots: Sequence[Ballot]) -> TallyResult:
    """Most Copeland points: 1 for each head-to-head win, 1/2 for each tie."""
    names = checked_ballots("copeland", candidates, ballots, (RankingBallot,))
    d = _matrix(names, ballots)
    points = _exact(
        {x: sum((_copeland_points(d[x][y], d[y][x]) for y in d[x]), Fraction(0)) for x in names}
    )
    return TallyResult("copeland", _highest(points), points, matrix=d)


def strongest_paths(matrix: Matrix) -> Matrix:
    """`p[X][Y]`: the strength of the strongest path from X to Y, by winning votes.

    A link X->Y is as strong as `matrix[X][Y]` where X beats Y, absent otherwise; a path is as
    strong as its weakest link; 0 where there is no path.
    """
    paths = {
        x: {y: d_xy if d_xy > matrix[y][x] else 0 for y, d_xy in row.items()}
        for x, row in matrix.items()
    }
    for via, onward in paths.items():
        for start, row in paths.items():
            to_via = row.get(via, 0)
            if not to_via:
                continue
            for end, via_end in onward.items():
                if end != start and min(to_via, via_end) > row[end]:
                    row[end] = min(to_via, via_end)
    return paths


def tally_schulze(candidates: Sequence[str], ballots: Sequence[Ballot]) -> TallyResult:
    """Schulze (winning votes): the winners are every X whose strongest path to each Y is at
    least Y's to X.

    Each candidate's score is how many others its strongest paths beat.
    """
    names = checked_ballots("schulze", candidates, ballots, (RankingBallot,))
    d = _matrix(names, ballots)
    p = strongest_paths(d)
    beaten = {x: sum(p[x][y] > p[y][x] for y in p[x]) for x in names}
    winners = tuple(x for x in names if all(p[x][y] >= p[y][x] for y in p[x]))
    return TallyResult("schulze", winners, _exact(beaten), matrix=d, strongest_paths=p)


Tally = Callable[[Sequence[str], Sequence[Ballot]], TallyResult]
TALLIES: dict[str, Tally] = {
    "plurality": tally_plurality,
    "approval": tally_approval,
    "score_mean": tally_score_mean,
    "score_median": tally_score_median,
    "borda": tally_borda,
    "pairwise": tally_pairwise,
    "copeland": tally_copeland,
    "schulze": tally_schulze,
}


def tally(method: str, candidates: Sequence[str], ballots: Sequence[Ballot]) -> TallyResult:
    """Tally the ballots by the named method (one of METHODS)."""
    run = TALLIES.get(method)
    if run is None:
        message = f"Choose one of: {', '.join(METHODS)}."
        raise invalid_input([FieldProblem("method", message)])
    return run(candidates, ballots)


__all__ = [
    "MAX_BALLOT_LINES",
    "MAX_CANDIDATES",
    "MAX_COUNT",
    "MAX_SCORE",
    "METHODS",
    "MIN_SCORE",
    "TALLIES",
    "ApprovalBallot",
    "Ballot",
    "ChoiceBallot",
    "Matrix",
    "RankingBallot",
    "ScoreBallot",
    "TallyMethod",
    "TallyResult",
    "pairwise_matrix",
    "strongest_paths",
    "tally",
    "tally_approval",
    "tally_borda",
    "tally_copeland",
    "tally_pairwise",
    "tally_plurality",
    "tally_schulze",
    "tally_score_mean",
    "tally_score_median",
]
