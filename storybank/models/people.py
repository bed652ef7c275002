"""Organisational units, users and their grants (role at a unit), login sessions, tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from storybank.models.base import UTCDateTime, utcnow


class Role(StrEnum):
    """What a person may do; a user may hold several."""

    staff = "staff"
    reviewer = "reviewer"
    panel_member = "panel_member"
    facilitator = "facilitator"
    evaluator = "evaluator"
    admin = "admin"


SITE_LEVEL = "site"
DEFAULT_UNIT_LEVELS = ("site", "region", "programme")


class Unit(SQLModel, table=True):
    """An organisational unit: a site (one council's CLS programme), a region or the
    programme, in a tree. Stories belong to sites; grants and MSC rounds hang on any unit.

    Names are unique across the tree, compared by `name_key` (Unicode-normalised and
    case-folded, so "Émile" and "émile" are the same name on SQLite and PostgreSQL).
    """

    __tablename__ = "units"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(120))
    name_key: str = Field(sa_type=String(120), unique=True)
    level: str = Field(default=SITE_LEVEL, sa_type=String(24), index=True)
    parent_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("units.id"), nullable=True, index=True),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class User(SQLModel, table=True):
    """A person who uses storybank: writes, reviews, selects or counts stories."""

    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=String(254), unique=True, index=True)
    display_name: str = Field(sa_type=String(120))
    password_hash: str | None = Field(default=None, sa_type=String(255))
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Grant(SQLModel, table=True):
    """A role held by a person at a unit; it covers every site below that unit."""

    __tablename__ = "grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    role: str = Field(sa_type=String(24))
    unit_id: int = Field(
        sa_column=Column(Integer, ForeignKey("units.id"), index=True, nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LoginSession(SQLModel, table=True):
    """A server-side login session; the cookie carries a random token whose hash is the id."""

    __tablename__ = "login_sessions"
    id: str = Field(primary_key=True, sa_type=String(64))
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    csrf_token: str = Field(sa_type=String(64))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiToken(SQLModel, table=True):
    """A personal API token for scripts: shown once, stored hashed, expiring, revocable."""

    __tablename__ = "api_tokens"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    name: str = Field(sa_type=String(80))
    prefix: str = Field(sa_type=String(16))
    token_hash: str = Field(sa_type=String(64), unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginAttempt(SQLModel, table=True):
    """A failed login, kept briefly for throttling (shared by every app worker)."""

    __tablename__ = "login_attempts"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=String(254), index=True)
    address: str = Field(sa_type=String(64), index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
