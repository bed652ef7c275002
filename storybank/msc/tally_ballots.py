"""The ballots a tally reads, and the checks that make them fit to count.

Every ballot line carries a `count` (how many voters cast it, 1 to 10,000) and one kind of
vote: a `choice`, an `approved` list, `scores` (0 to 5) or a `ranking` of every candidate.
A bad line is an InvalidInput naming it ("ballots[2]: ...").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from storybank.errors import FieldProblem, InvalidInput

MAX_CANDIDATES = 100
MAX_BALLOT_LINES = 10_000
MAX_COUNT = 10_000
MIN_SCORE = 0
MAX_SCORE = 5
MAX_PROBLEMS = 20
MAX_NAMES_IN_MESSAGE = 5


@dataclass(frozen=True)
class ChoiceBallot:
    """`count` voters who each chose one candidate."""

    choice: str
    count: int = 1


@dataclass(frozen=True)
class ApprovalBallot:
    """`count` voters who each approved these candidates."""

    approved: tuple[str, ...]
    count: int = 1


@dataclass(frozen=True)
class ScoreBallot:
    """`count` voters who each gave these candidates a score from 0 to 5."""

    scores: Mapping[str, int]
    count: int = 1


@dataclass(frozen=True)
class RankingBallot:
    """`count` voters who each ranked every candidate, first place first."""

    ranking: tuple[str, ...]
    count: int = 1


Ballot = ChoiceBallot | ApprovalBallot | ScoreBallot | RankingBallot
KIND_FIELDS: dict[type, str] = {
    ChoiceBallot: "choice",
    ApprovalBallot: "approved",
    ScoreBallot: "scores",
    RankingBallot: "ranking",
}


def invalid_input(problems: list[FieldProblem]) -> InvalidInput:
    """One error for these problems (the first 20 listed), naming each bad field."""
    shown = problems[:MAX_PROBLEMS]
    fields = ", ".join(dict.fromkeys(p.field for p in shown))
    more = (
        f" ({len(problems)} problems, the first {MAX_PROBLEMS} listed)" if shown != problems else ""
    )
    return InvalidInput(f"These cannot be tallied: {fields}.{more}", problems=shown)


def _listed(names: Iterable[str]) -> str:
    quoted = [f'"{name}"' for name in names]
    extra = len(quoted) - MAX_NAMES_IN_MESSAGE
    return ", ".join(quoted[:MAX_NAMES_IN_MESSAGE]) + (f" and {extra} more" if extra > 0 else "")


def checked_candidates(candidates: Sequence[str]) -> tuple[str, ...]:
    """The candidates, if there are 1 to 100 of them, each named once."""
    if not candidates:
        raise invalid_input([FieldProblem("candidates", "Give at least one candidate.")])
    if len(candidates) > MAX_CANDIDATES:
        message = f"At most {MAX_CANDIDATES} candidates can be tallied at once."
        raise invalid_input([FieldProblem("candidates", message)])
    problems: list[FieldProblem] = []
    first_seen: dict[str, int] = {}
    for index, name in enumerate(candidates):
        if not name.strip():
            problems.append(FieldProblem(f"candidates[{index}]", "A candidate needs a name."))
        elif name in first_seen:
            message = f'"{name}" is already candidates[{first_seen[name]}].'
            problems.append(FieldProblem(f"candidates[{index}]", message))
        else:
            first_seen[name] = index
    if problems:
        raise invalid_input(problems)
    return tuple(candidates)


def checked_ballots(
    method: str,
    candidates: Sequence[str],
    ballots: Sequence[Ballot],
    reads: tuple[type, ...],
) -> tuple[str, ...]:
    """The candidates, once they and every ballot are fit for this method."""
    names = checked_candidates(candidates)
    if not ballots:
        raise invalid_input([FieldProblem("ballots", "Give at least one ballot.")])
    if len(ballots) > MAX_BALLOT_LINES:
        message = (
            f"At most {MAX_BALLOT_LINES:,} ballot lines: give identical ballots once, "
            "with how many voters cast them in `count`."
        )
        raise invalid_input([FieldProblem("ballots", message)])
    known = frozenset(names)
    problems = [
        FieldProblem(f"ballots[{index}]", fault)
        for index, ballot in enumerate(ballots)
        if (fault := _ballot_problem(method, reads, ballot, names, known))
    ]
    if problems:
        raise invalid_input(problems)
    return names


def _ballot_problem(
    method: str,
    reads: tuple[type, ...],
    ballot: Ballot,
    names: tuple[str, ...],
    known: frozenset[str],
) -> str | None:
    if not isinstance(ballot, reads):
        kinds = " or ".join(f"`{KIND_FIELDS[kind]}`" for kind in reads)
        given = KIND_FIELDS.get(type(ballot), type(ballot).__name__)
        return f"A {method} tally reads {kinds} ballots; this one gives `{given}`."
    count = ballot.count
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        return f"`count` must be a whole number from 1 to {MAX_COUNT:,}."
    if isinstance(ballot, ChoiceBallot):
        return _strangers([ballot.choice], known)
    if isinstance(ballot, ApprovalBallot):
        return _strangers(ballot.approved, known) or _repeats(ballot.approved)
    if isinstance(ballot, ScoreBallot):
        return _score_problem(ballot.scores, known)
    return _ranking_problem(ballot.ranking, names, known)


def _strangers(given: Iterable[str], known: frozenset[str]) -> str | None:
    strangers = [name for name in dict.fromkeys(given) if name not in known]
    return f"Not a candidate: {_listed(strangers)}." if strangers else None


def _repeats(given: Sequence[str]) -> str | None:
    repeated = [name for name, times in Counter(given).items() if times > 1]
    return f"Listed more than once: {_listed(repeated)}." if repeated else None


def _score_problem(scores: Mapping[str, int], known: frozenset[str]) -> str | None:
    if not scores:
        return "A score ballot needs at least one score."
    outside = [
        name
        for name, score in scores.items()
        if isinstance(score, bool)
        or not isinstance(score, int)
        or not MIN_SCORE <= score <= MAX_SCORE
    ]
    if outside:
        message = f"Scores are whole numbers from {MIN_SCORE} to {MAX_SCORE}, not those for"
        return f"{message} {_listed(outside)}."
    return _strangers(scores, known)


def _ranking_problem(
    ranking: Sequence[str], names: tuple[str, ...], known: frozenset[str]
) -> str | None:
    ranked = set(ranking)
    missing = [name for name in names if name not in ranked]
    faults = [
        _strangers(ranking, known),
        _repeats(ranking),
        f"Missing: {_listed(missing)}." if missing else None,
    ]
    found = " ".join(fault for fault in faults if fault)
    return f"A ranking must rank every candidate exactly once. {found}" if found else None
