"""The append-only audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from storybank.models.base import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    """Who did what to which thing, and when. Rows are never updated or deleted.

    `details` holds no story text: before/after values of personal text live in
    `AuditChange`, which erasure can remove while the event itself stays as a tombstone.
    """

    __tablename__ = "audit_events"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True, index=True)
    )
    action: str = Field(sa_type=String(64), index=True)
    entity: str = Field(sa_type=String(32), index=True)
    entity_id: str = Field(sa_type=String(64), index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class AuditChange(SQLModel, table=True):
    """Before/after values of an audited edit that may contain personal data."""

    __tablename__ = "audit_changes"
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("audit_events.id"), index=True, unique=True, nullable=False
        )
    )
    story_id: int | None = Field(default=None, index=True)
    before: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    after: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
