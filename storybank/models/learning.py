"""Trained suggestion models: one row per version, with its metrics and its artifact."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlmodel import Field, SQLModel

from storybank.models.base import UTCDateTime, utcnow


class ModelStatus(StrEnum):
    """A version is a candidate while it is judged, then active, refused or retired."""

    candidate = "candidate"
    active = "active"
    refused = "refused"
    retired = "retired"


ACTIVE = text("status = 'active'")


class ModelVersion(SQLModel, table=True):
    """A trained suggestion model. The artifact lives in the database, so every app
    worker loads the same bytes; at most one version is active (a partial unique index)."""

    __tablename__ = "model_versions"
    __table_args__ = (
        Index(
            "uq_model_versions_one_active",
            "status",
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(sa_type=String(64), unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    # How it was started: "command" (storybank nlp train), "background" (retrain job), "demo".
    trained_via: str = Field(default="command", sa_type=String(16))
    status: str = Field(default=ModelStatus.candidate, sa_type=String(16), index=True)
    status_reason: str = Field(default="", sa_type=Text)
    training_size: int = 0
    codebook_version: str = Field(default="", sa_type=String(64))
    options: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    metrics: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    comparison: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    activated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Lists of versions leave this out (storybank.learning.versions defers it).
    artifact: bytes = Field(default=b"", sa_column=Column(LargeBinary, nullable=False))


class CodeFigures(BaseModel):
    """One code's cross-validated figures in a version, and how its suggestions fared."""

    key: str
    kind: str
    precision: float
    recall: float
    f1: float
    kappa: float
    support: int
    threshold: float | None
    suggestions_decided: int
    acceptance_rate: float | None


class ReliabilityRow(BaseModel):
    """Suggestions in one confidence band, and the share that reviewers accepted."""

    low: float
    high: float
    count: int
    mean_confidence: float | None
    acceptance_rate: float | None


class ModelVersionPublic(BaseModel):
    """A model version as the API lists it."""

    version: str
    status: str
    status_reason: str
    created_at: datetime
    created_by: str | None
    trained_via: str
    activated_at: datetime | None
    training_size: int
    codebook_version: str
    options: dict[str, Any]
    summary: dict[str, float]
    per_code: list[CodeFigures]


class ModelVersionDetail(ModelVersionPublic):
    """One version in full: the comparison that decided it, and its reliability table."""

    comparison: dict[str, Any]
    library_versions: dict[str, str]
    reliability: list[ReliabilityRow]
