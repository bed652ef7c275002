"""Story forms posted after a sign-in session ended, kept until the person signs in again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from storybank.models.base import UTCDateTime, utcnow


class HeldForm(SQLModel, table=True):
    """What someone typed into a form when their session had ended: personal data, kept
    briefly under a one-time token (stored hashed) and deleted on use or on expiry."""

    __tablename__ = "held_forms"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=String(64), unique=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    story_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("stories.id", ondelete="CASCADE"), index=True, nullable=True
        ),
    )
    target: str = Field(sa_type=String(200))
    form: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
