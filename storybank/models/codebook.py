"""The codebook (CLS outcomes and themes) and confirmed codings of stories."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from storybank.models.base import UTCDateTime, utcnow


class CodeKind(StrEnum):
    """Outcomes are the six numbered CLS outcomes; themes are finer, extensible codes."""

    outcome = "outcome"
    theme = "theme"


class CodingSource(StrEnum):
    """Whether a person applied the code, or confirmed a model's suggestion."""

    manual = "manual"
    suggested = "suggested"


class Code(SQLModel, table=True):
    """One code of the codebook."""

    __tablename__ = "codes"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(16), index=True)
    key: str = Field(sa_type=String(64), unique=True)
    number: int | None = None
    label: str = Field(sa_type=String(120))
    description: str = Field(default="", sa_type=Text)
    parent_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("codes.id"), nullable=True)
    )
    cue_phrases: list[str] = Field(default_factory=list, sa_type=JSON)
    examples: list[str] = Field(default_factory=list, sa_type=JSON)
    active: bool = True
    sort_order: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Coding(SQLModel, table=True):
    """A confirmed (story, code) pair by a named coder."""

    __tablename__ = "codings"
    __table_args__ = (UniqueConstraint("story_id", "code_id", "coder_id"),)
    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("stories.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    code_id: int = Field(
        sa_column=Column(Integer, ForeignKey("codes.id"), index=True, nullable=False)
    )
    coder_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id"), nullable=False))
    source: str = Field(default=CodingSource.manual, sa_type=String(16))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Provenance when the coder accepted a suggestion: which one, from which model, how sure.
    suggestion_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("suggestions.id", ondelete="SET NULL"), nullable=True),
    )
    model_version: str | None = Field(default=None, sa_type=String(64))
    confidence: float | None = Field(default=None, sa_column=Column(Float, nullable=True))


class CodePublic(BaseModel):
    """A code as the API returns it."""

    id: int
    kind: str
    key: str
    number: int | None
    label: str
    description: str
    parent_key: str | None
    cue_phrases: list[str]
    examples: list[str]
    active: bool
