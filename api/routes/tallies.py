"""Tally any set of ballots posted, so a facilitator can check a paper count."""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from api.deps import CurrentActor
from storybank.msc import tallies
from storybank.msc.tallies import (
    MAX_BALLOT_LINES,
    MAX_CANDIDATES,
    MAX_COUNT,
    MAX_SCORE,
    MIN_SCORE,
    Ballot,
    TallyMethod,
    TallyResult,
)

router = APIRouter(prefix="/tallies", tags=["tallies"])

Name = Annotated[str, Field(min_length=1, max_length=200)]
Names = Annotated[list[Name], Field(max_length=MAX_CANDIDATES)]
Score = Annotated[int, Field(ge=MIN_SCORE, le=MAX_SCORE)]
KINDS = ("choice", "approved", "scores", "ranking")


class BallotIn(BaseModel):
    """`count` voters' identical ballots: exactly one of choice, approved, scores or ranking."""

    model_config = ConfigDict(extra="forbid")

    count: int = Field(default=1, ge=1, le=MAX_COUNT)
    choice: Name | None = None
    approved: Names | None = None
    scores: Annotated[dict[Name, Score], Field(max_length=MAX_CANDIDATES)] | None = None
    ranking: Names | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        given = [kind for kind in KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            gives = f" (this ballot gives {' and '.join(given)})." if given else "."
            message = f"Give exactly one of choice, approved, scores or ranking{gives}"
            raise PydanticCustomError("one_kind_of_ballot", message)
        return self

    def to_ballot(self) -> Ballot:
        """The ballot as the tallies read it."""
        if self.choice is not None:
            return tallies.ChoiceBallot(self.choice, self.count)
        if self.approved is not None:
            return tallies.ApprovalBallot(tuple(self.approved), self.count)
        if self.scores is not None:
            return tallies.ScoreBallot(self.scores, self.count)
        return tallies.RankingBallot(tuple(self.ranking or ()), self.count)


class TallyIn(BaseModel):
    """A method, the candidates, and the ballots to count."""

    model_config = ConfigDict(extra="forbid")

    method: TallyMethod
    candidates: Names
    ballots: Annotated[list[BallotIn], Field(max_length=MAX_BALLOT_LINES)]


class TallyPublic(BaseModel):
    """Every winner (more than one is a tie), each candidate's score, the head-to-head figures."""

    method: TallyMethod
    winners: list[str]
    tie: bool
    scores: dict[str, int | float | None]
    matrix: dict[str, dict[str, int]] | None = None
    strongest_paths: dict[str, dict[str, int]] | None = None


def _number(value: Fraction | None) -> int | float | None:
    """A whole number as an int, any other as a float."""
    if value is None:
        return None
    return value.numerator if value.denominator == 1 else float(value)


def _public(result: TallyResult) -> TallyPublic:
    return TallyPublic(
        method=result.method,
        winners=list(result.winners),
        tie=result.tie,
        scores={name: _number(score) for name, score in result.scores.items()},
        matrix=result.matrix,
        strongest_paths=result.strongest_paths,
    )


TALLY_HELP = (
    "Counts the ballots posted (nothing is stored). Each ballot line gives `count` voters and "
    "exactly one of `choice`, `approved`, `scores` (0-5) or `ranking` (every candidate once). "
    "plurality reads choices and rankings' first places; approval reads approved lists and "
    "choices; score_mean and score_median read scores (a candidate a ballot leaves out is not "
    "counted for it; one nobody scored has the score null); borda, pairwise, copeland and "
    "schulze read rankings. `winners` lists every winner in candidate order and `tie` says "
    "there is more than one: a tie is never broken. pairwise, copeland and schulze add "
    "`matrix` (`matrix[X][Y]` voters rank X above Y); schulze adds `strongest_paths`. "
    "A bad ballot is a 422 naming it (`ballots[2]`)."
)


@router.post(
    "",
    summary="Tally ballots by a method (to check a paper count)",
    description=TALLY_HELP,
    response_model_exclude_none=True,
)
def post_tally(data: TallyIn, actor: CurrentActor) -> TallyPublic:
    ballots = [ballot.to_ballot() for ballot in data.ballots]
    return _public(tallies.tally(data.method, data.candidates, ballots))
