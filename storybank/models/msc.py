"""Most Significant Change: domains of change, reporting periods, selection rounds with
their panels, candidates, ballots, passes, decisions, feedback and verification.

A round is held at a unit (site, region or programme) for a period; there is at most one
round per unit and period, so "the parent unit's round of the period" is well defined.
Ballots are one row per member, domain and pass (the database enforces it); paper
ballots entered by the facilitator have no member and may stand for several identical
ballots (`count`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storybank.models.base import UTCDateTime, utcnow


class RoundState(StrEnum):
    """Where a selection round is; the facilitator moves it on, one step at a time."""

    draft = "draft"
    reading = "reading"
    voting = "voting"
    deciding = "deciding"
    closed = "closed"


class VotingMethod(StrEnum):
    """What a ballot holds: one story, a set of approved stories, 0-5 scores, or a ranking."""

    single = "single"
    approval = "approval"
    score = "score"
    ranking = "ranking"


class VerificationStatus(StrEnum):
    """The outcome of checking a selected story's facts."""

    verified = "verified"
    needs_correction = "needs_correction"
    disputed = "disputed"


def _fk(target: str, *, nullable: bool = False, cascade: bool = False, index: bool = True) -> Any:
    return Column(
        Integer,
        ForeignKey(target, ondelete="CASCADE" if cascade else None),
        nullable=nullable,
        index=index,
    )


class MscDomain(SQLModel, table=True):
    """A domain of change panels select within, with the MSC question asked for it.

    The open domain ("Any other change", `is_open`) always exists and is in every round.
    """

    __tablename__ = "msc_domains"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(120), unique=True)
    description: str = Field(default="", sa_type=Text)
    question: str = Field(default="", sa_type=Text)
    is_open: bool = False
    active: bool = True
    sort_order: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReportingPeriod(SQLModel, table=True):
    """A reporting period (e.g. a quarter); once closed it stays closed."""

    __tablename__ = "msc_periods"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(120), unique=True)
    opens_on: date
    closes_on: date
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SelectionRound(SQLModel, table=True):
    """A selection round at a unit for a period; `version` guards state changes."""

    __tablename__ = "msc_rounds"
    __table_args__ = (UniqueConstraint("unit_id", "period_id"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(200))
    unit_id: int = Field(sa_column=_fk("units.id"))
    period_id: int = Field(sa_column=_fk("msc_periods.id"))
    facilitator_id: int = Field(sa_column=_fk("users.id"))
    voting_method: str = Field(default=VotingMethod.single, sa_type=String(16))
    secret: bool = False
    state: str = Field(default=RoundState.draft, sa_type=String(16), index=True)
    current_pass: int = 1
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RoundDomain(SQLModel, table=True):
    """A domain in play in a round."""

    __tablename__ = "msc_round_domains"
    __table_args__ = (UniqueConstraint("round_id", "domain_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=_fk("msc_rounds.id", cascade=True))
    domain_id: int = Field(sa_column=_fk("msc_domains.id"))


class RoundMember(SQLModel, table=True):
    """A person on a round's panel. A guest is a user made for this round only (no
    password), who signs in once with a code whose hash is kept here."""

    __tablename__ = "msc_round_members"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=_fk("msc_rounds.id", cascade=True))
    user_id: int = Field(sa_column=_fk("users.id"))
    is_guest: bool = False
    guest_code_hash: str | None = Field(default=None, sa_type=String(64), unique=True)
    code_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    added_by_id: int | None = Field(default=None, sa_column=_fk("users.id", nullable=True))
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RoundCandidate(SQLModel, table=True):
    """A story a round's panel reads, in a domain once the facilitator confirms one.
    `source_round_id` is the child round that selected it (promoted candidates)."""

    __tablename__ = "msc_round_candidates"
    __table_args__ = (UniqueConstraint("round_id", "story_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=_fk("msc_rounds.id", cascade=True))
    story_id: int = Field(sa_column=_fk("stories.id"))
    domain_id: int | None = Field(default=None, sa_column=_fk("msc_domains.id", nullable=True))
    suggested_domain_id: int | None = Field(
        default=None, sa_column=_fk("msc_domains.id", nullable=True, index=False)
    )
    suggested_by_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, index=False)
    )
    confirmed_by_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, index=False)
    )
    source_round_id: int | None = Field(default=None, sa_column=_fk("msc_rounds.id", nullable=True))
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RoundPass(SQLModel, table=True):
    """One pass of voting; pass 1 has every candidate, later passes a shortlist per
    domain (`shortlist` maps a domain id, as text, to story ids)."""

    __tablename__ = "msc_round_passes"
    __table_args__ = (UniqueConstraint("round_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=_fk("msc_rounds.id", cascade=True))
    number: int
    shortlist: dict[str, list[int]] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    opened_by_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, index=False)
    )
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Ballot(SQLModel, table=True):
    """A ballot in one domain and pass: a member's own, or a paper ballot entered by the
    facilitator (`on_behalf`; no member, `count` identical ballots)."""

    __tablename__ = "msc_ballots"
    __table_args__ = (UniqueConstraint("round_id", "pass_number", "domain_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=_fk("msc_rounds.id", cascade=True))
    pass_number: int
    domain_id: int = Field(sa_column=_fk("msc_domains.id", index=False))
    member_id: int | None = Field(
        default=None, sa_column=_fk("msc_round_members.id", nullable=True, cascade=True)
    )
    kind: str = Field(sa_type=String(16))
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    count: int = 1
    on_behalf: bool = False
    entered_by_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, index=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RoundDecision(SQLModel, table=True):
    """The panel's choice in a domain (no story: "none selected") and its reasons."""

    __tablename__ = "msc_round_decisions"
    __table_args__ = (UniqueConstraint("round_id", "domain_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=_fk("msc_rounds.id", cascade=True))
    domain_id: int = Field(sa_column=_fk("msc_domains.id", index=False))
    story_id: int | None = Field(default=None, sa_column=_fk("stories.id", nullable=True))
    reasons: str = Field(default="", sa_type=Text)
    criteria: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    dissent: str = Field(default="", sa_type=Text)
    tie_resolution: str = Field(default="", sa_type=Text)
    decided_by_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, index=False)
    )
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RoundFeedback(SQLModel, table=True):
    """Feedback to a story's author on a closed round: sent at close, read when seen."""

    __tablename__ = "msc_round_feedback"
    __table_args__ = (UniqueConstraint("round_id", "story_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=_fk("msc_rounds.id", cascade=True))
    story_id: int = Field(sa_column=_fk("stories.id"))
    author_id: int = Field(sa_column=_fk("users.id"))
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Verification(SQLModel, table=True):
    """A check of a story selected above site level: the outcome, who checked, how."""

    __tablename__ = "msc_verifications"
    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(sa_column=_fk("stories.id"))
    round_id: int = Field(sa_column=_fk("msc_rounds.id", cascade=True))
    status: str = Field(sa_type=String(24))
    checked_by_id: int = Field(sa_column=_fk("users.id", index=False))
    method: str = Field(default="", sa_type=Text)
    note: str = Field(default="", sa_type=Text)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
