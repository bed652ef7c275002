"""Sites, users, their roles and site memberships, login sessions and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String
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


class Site(SQLModel, table=True):
    """A council or programme area running Community Led Support."""

    __tablename__ = "sites"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(120), unique=True)
    region: str = Field(default="", sa_type=String(120))
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


class UserRole(SQLModel, table=True):
    """One role held by one user."""

    __tablename__ = "user_roles"
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    )
    role: str = Field(sa_type=String(24), primary_key=True)


class UserSite(SQLModel, table=True):
    """A site a user works in (or, for evaluators, is granted)."""

    __tablename__ = "user_sites"
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    )
    site_id: int = Field(
        sa_column=Column(Integer, ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    )


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
