"""Suggestions, reviewers' decisions, blind double-coding assignments and adjudications."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from storybank.models.base import UTCDateTime, utcnow


class SuggestionState(StrEnum):
    """A suggestion is pending until the story's final codes settle it, or a newer model's
    suggestions replace it."""

    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"
    superseded = "superseded"


class DecisionKind(StrEnum):
    """What one reviewer said about one suggestion."""

    accepted = "accepted"
    rejected = "rejected"


class SuggestionRunState(StrEnum):
    """Where a story's request for suggestions is: queued, done, or no model to ask."""

    pending = "pending"
    ready = "ready"
    no_model = "no_model"
    failed = "failed"


def _story_fk() -> Column[Any]:
    return Column(Integer, ForeignKey("stories.id", ondelete="CASCADE"), index=True, nullable=False)


def _user_fk(*, nullable: bool = False) -> Column[Any]:
    return Column(Integer, ForeignKey("users.id"), nullable=nullable)


class Suggestion(SQLModel, table=True):
    """A code the model proposed for a story, with its confidence and evidence."""

    __tablename__ = "suggestions"
    __table_args__ = (Index("ix_suggestions_story_state", "story_id", "state"),)
    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(sa_column=_story_fk())
    code_id: int = Field(sa_column=Column(Integer, ForeignKey("codes.id"), nullable=False))
    model_version: str = Field(sa_type=String(64))
    confidence: float = Field(sa_column=Column(Float, nullable=False))
    # [{"field": "what_changed", "start": 0, "end": 42, "text": "..."}]
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    state: str = Field(default=SuggestionState.pending, sa_type=String(16))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    settled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SuggestionDecision(SQLModel, table=True):
    """One reviewer's accept or reject of one suggestion (double coding: one each)."""

    __tablename__ = "suggestion_decisions"
    __table_args__ = (UniqueConstraint("suggestion_id", "reviewer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    suggestion_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("suggestions.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    story_id: int = Field(sa_column=_story_fk())
    reviewer_id: int = Field(sa_column=_user_fk())
    decision: str = Field(sa_type=String(16))
    # False when "confirm and next" settled a suggestion the reviewer left undecided.
    explicit: bool = Field(default=True, sa_column=Column(Boolean, nullable=False))
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class SuggestionRun(SQLModel, table=True):
    """A story's request for suggestions: pending while queued (re-queued at start-up)."""

    __tablename__ = "suggestion_runs"
    story_id: int = Field(
        sa_column=Column(Integer, ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True)
    )
    state: str = Field(default=SuggestionRunState.pending, sa_type=String(16), index=True)
    model_version: str | None = Field(default=None, sa_type=String(64))
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ReviewAssignment(SQLModel, table=True):
    """A reviewer coding a story: position 1 alone, or 1 and 2 for blind double coding."""

    __tablename__ = "review_assignments"
    __table_args__ = (
        UniqueConstraint("story_id", "reviewer_id"),
        UniqueConstraint("story_id", "position"),
        CheckConstraint("position IN (1, 2)", name="position"),
    )
    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(sa_column=_story_fk())
    reviewer_id: int = Field(sa_column=_user_fk())
    position: int = Field(sa_column=Column(Integer, nullable=False))
    assigned_by_id: int = Field(sa_column=_user_fk())
    assigned_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Adjudication(SQLModel, table=True):
    """The decision on a code two blind coders disagreed on: in or out, who, why, when."""

    __tablename__ = "adjudications"
    __table_args__ = (UniqueConstraint("story_id", "code_id"),)
    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(sa_column=_story_fk())
    code_id: int = Field(sa_column=Column(Integer, ForeignKey("codes.id"), nullable=False))
    decided_by_id: int = Field(sa_column=_user_fk())
    included: bool = Field(sa_column=Column(Boolean, nullable=False))
    reason: str = Field(sa_type=Text)
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StoryFinalCode(SQLModel, table=True):
    """One of a story's final codes (storybank/review/final.py decides which), kept in step
    with its codings, assignments and adjudications so that counts are plain SQL."""

    __tablename__ = "story_final_codes"
    __table_args__ = (Index("ix_story_final_codes_code_story", "code_id", "story_id"),)
    story_id: int = Field(
        sa_column=Column(Integer, ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True)
    )
    code_id: int = Field(sa_column=Column(Integer, ForeignKey("codes.id"), primary_key=True))
