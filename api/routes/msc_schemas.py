"""Request and response bodies of the MSC API (domains, periods, rounds and their parts)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from storybank.models import Id, RoundState, VerificationStatus, VotingMethod

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
Version = Annotated[int, Field(ge=1, le=2**31)]
Order = Annotated[int, Field(ge=-10_000, le=10_000)]


class Strict(BaseModel):
    """A request body that refuses unknown fields."""

    model_config = ConfigDict(extra="forbid")


class Shown(BaseModel):
    """A response read from the service's objects."""

    model_config = ConfigDict(from_attributes=True)


class DomainIn(Strict):
    """A new domain of change and the MSC question asked for it."""

    name: Name
    description: LongText = ""
    question: LongText = ""
    sort_order: Order = 0


class DomainChange(Strict):
    """Changes to a domain; only the fields sent change."""

    name: Name | None = None
    description: LongText | None = None
    question: LongText | None = None
    sort_order: Order | None = None
    active: bool | None = None


class DomainPublic(Shown):
    """A domain of change."""

    id: int
    name: str
    description: str
    question: str
    is_open: bool
    active: bool
    sort_order: int


class PeriodIn(Strict):
    """A new reporting period."""

    name: Name
    opens_on: date
    closes_on: date


class PeriodPublic(Shown):
    """A reporting period; `closed_at` is set once it has closed."""

    id: int
    name: str
    opens_on: date
    closes_on: date
    closed_at: datetime | None


class RoundIn(Strict):
    """A new selection round (the open domain is always added to `domain_ids`)."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    unit_id: Id
    period_id: Id
    facilitator_id: Id
    domain_ids: list[Id] = Field(default_factory=list, max_length=50)
    voting_method: VotingMethod = VotingMethod.single
    secret: bool = False


class RoundChange(Strict):
    """Changes to a round before voting; `version` is the one last read."""

    version: Version
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = None
    facilitator_id: Id | None = None
    domain_ids: list[Id] | None = Field(default=None, max_length=50)
    voting_method: VotingMethod | None = None
    secret: bool | None = None


class RoundPublic(Shown):
    """A selection round's outline."""

    id: int
    name: str
    unit_id: int
    unit_name: str
    level: str
    period_id: int
    facilitator_id: int
    voting_method: str
    secret: bool
    state: str
    current_pass: int
    version: int
    domains: list[DomainPublic]
    created_at: datetime
    closed_at: datetime | None
    you_run_it: bool
    you_are_member: bool
    passes: list[dict[str, Any]] = []


class TransitionIn(Strict):
    """Move the round to the next state; `version` is the one last read."""

    to: RoundState
    version: Version


class MovedPublic(BaseModel):
    """The round after a move, with what the move did."""

    round: RoundPublic
    notes: list[str]


class MemberIn(Strict):
    """A person with an account (`user_id`) or a guest (`guest_name`) for the panel."""

    user_id: Id | None = None
    guest_name: Name | None = None


class MemberPublic(Shown):
    """A panel member."""

    id: int
    user_id: int
    display_name: str
    is_guest: bool
    code_used: bool
    added_at: datetime


class NewMemberPublic(MemberPublic):
    """A member just added; a guest's one-time `guest_code` is shown this once."""

    guest_code: str | None = None


class GuestCodeIn(Strict):
    """A guest member's one-time code."""

    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class GuestSessionPublic(BaseModel):
    """A guest signed in: the session cookie is set; send `csrf_token` as X-CSRF-Token."""

    round_id: int
    display_name: str
    csrf_token: str


class CandidateIn(Strict):
    """Suggest a domain for a story (it becomes a candidate if eligible)."""

    story_id: Id
    domain_id: Id | None = None


class CandidateDomainIn(Strict):
    """The facilitator confirms a candidate's domain."""

    domain_id: Id


class CandidatePublic(Shown):
    """A candidate of a round."""

    id: int
    story_id: int
    domain_id: int | None
    suggested_domain_id: int | None
    source_round_id: int | None


class TrailStepPublic(Shown):
    """A round that selected a story, and why."""

    round_id: int
    round_name: str
    unit_name: str
    level: str
    period_name: str
    domain_name: str
    decided_at: datetime
    reasons: str
    criteria: list[dict[str, Any]]
    dissent: str


class PackEntryPublic(Shown):
    """A candidate in the reading pack. `text_version`: original, deidentified, or
    withheld (no confirmed de-identified version this reader may see)."""

    candidate_id: int
    story_id: int
    domain_id: int | None
    suggested_domain_id: int | None
    source_round_id: int | None
    available: bool
    text_version: str
    site_name: str
    story_type: str | None
    perspective: str | None
    change_date: date | None
    texts: dict[str, str]
    community_solutions: list[str]
    trail: list[TrailStepPublic]


class ChoiceIn(Strict):
    """A ballot: only the field of the round's voting method."""

    choice: Id | None = None
    approved: list[Id] | None = Field(default=None, max_length=200)
    scores: dict[Id, Annotated[int, Field(ge=0, le=5)]] | None = Field(default=None, max_length=200)
    ranking: list[Id] | None = Field(default=None, max_length=200)


class PaperBallotIn(ChoiceIn):
    """Paper ballots from the meeting: `count` identical ones in a domain, or one for a
    named member (`member_id`, open rounds only)."""

    domain_id: Id
    count: Annotated[int, Field(ge=1, le=500)] = 1
    member_id: Id | None = None


class BallotPublic(Shown):
    """A ballot as its own voter (or the facilitator who entered it) sees it."""

    id: int
    pass_number: int
    domain_id: int
    kind: str
    content: dict[str, Any]
    count: int
    on_behalf: bool
    updated_at: datetime


class VoterPublic(Shown):
    """Whether a member has voted (never how)."""

    member_id: int
    display_name: str
    voted: bool


class DomainVotersPublic(Shown):
    """Who has voted in a domain of the current pass."""

    domain_id: int
    voters: list[VoterPublic]
    paper_ballots: int


class ShortlistIn(Strict):
    """Open another pass: per domain id, the two or more stories voted on again."""

    version: Version
    shortlist: dict[Id, list[Id]] = Field(max_length=50)


class MethodTallyPublic(Shown):
    """One method's winners (more than one: a tie, never broken) and each story's score
    (null: nobody scored it)."""

    method: str
    winners: list[int]
    tie: bool
    scores: dict[int, float | None]


class TallyPublic(Shown):
    """The headline method's points per story id (votes, approvals, mean score or Borda
    points), best first; `top` lists every story sharing the best result (a tie when more
    than one). `methods` gives every method counted side by side (ranking: Borda, Copeland,
    Schulze; score: mean and median); rankings add `matrix` (`matrix[X][Y]` voters rank X
    above Y) and Schulze's `strongest_paths`."""

    method: str
    points: dict[int, float | None]
    ballots: int
    top: list[int]
    tie: bool
    methods: list[MethodTallyPublic]
    matrix: dict[int, dict[int, int]] | None = None
    strongest_paths: dict[int, dict[int, int]] | None = None


class OpenBallotPublic(Shown):
    """A ballot of an open round with its voter (null: an unnamed paper ballot)."""

    voter: str | None
    on_behalf: bool
    count: int
    content: dict[str, Any]


class DomainResultPublic(Shown):
    """A domain's tally; `ballots` only in open rounds."""

    domain_id: int
    tally: TallyPublic
    titles: dict[int, str]
    ballots: list[OpenBallotPublic]


class ResultsPublic(Shown):
    """The tallies of one pass."""

    round_id: int
    pass_number: int
    method: str
    secret: bool
    counted_at: datetime
    domains: list[DomainResultPublic]


class CriterionIn(Strict):
    """A criterion that mattered and how much it weighed (1-5)."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    weight: Annotated[int, Field(ge=1, le=5)] = 3


class DecisionIn(Strict):
    """The panel's decision in a domain: a story (null: none selected) and why."""

    story_id: Id | None
    reasons: LongText
    criteria: list[CriterionIn] = Field(max_length=20)
    dissent: LongText = ""
    tie_resolution: LongText = ""


class DecisionPublic(Shown):
    """A decision in a domain."""

    id: int
    domain_id: int
    story_id: int | None
    reasons: str
    criteria: list[dict[str, Any]]
    dissent: str
    tie_resolution: str
    decided_by_id: int | None
    decided_at: datetime


class VerificationIn(Strict):
    """A check of a selected story."""

    story_id: Id
    status: VerificationStatus
    method: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    note: LongText = ""


class VerificationPublic(Shown):
    """A recorded check."""

    id: int
    story_id: int
    round_id: int
    status: str
    checked_by_id: int
    method: str
    note: str
    at: datetime


class RoundReachedPublic(Shown):
    """A closed round the story reached, as its author is told."""

    feedback_id: int
    round_id: int
    round_name: str
    unit_name: str
    level: str
    period_name: str
    closed_at: datetime | None
    domain_name: str
    selected: bool
    reasons: str
    criteria: list[dict[str, Any]]
    dissent: str
    sent_at: datetime
    read_at: datetime | None


class StoryTrailPublic(Shown):
    """One of your stories and the rounds it reached."""

    story_id: int
    title: str
    rounds: list[RoundReachedPublic]
    verifications: list[str]


class FeedbackPublic(Shown):
    """Feedback on a story from one round: when sent and read."""

    id: int
    round_id: int
    story_id: int
    sent_at: datetime
    read_at: datetime | None
