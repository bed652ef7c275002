"""Signing in with throttling, and server-side login sessions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_
from sqlmodel import Session, col, select

from storybank.access import Actor, load_actor
from storybank.accounts.credentials import GENERIC_LOGIN_ERROR, password_matches, token_digest
from storybank.audit import record_event
from storybank.config import Settings
from storybank.errors import InvalidInput, TooManyRequests
from storybank.models import (
    LoginAttempt,
    LoginSession,
    User,
    utcnow,
)

# An ended session is remembered this long, so a form posted from a page opened before it
# ended can still be kept for its author (see held_forms); then it is deleted.
ENDED_SESSION_KEPT = timedelta(hours=2)


def authenticate(
    *, session: Session, settings: Settings, email: str, password: str, address: str
) -> User:
    """Check a login; throttle repeated failures per account and per address (429)."""
    # Imported here because accounts.users ends sessions through this module.
    from storybank.accounts.users import find_user_by_email

    email = email.strip().lower()[:254]
    refuse_if_throttled(session=session, settings=settings, email=email, address=address)
    user = find_user_by_email(session=session, email=email)
    if user is None or not user.is_active or not password_matches(user.password_hash, password):
        record_failed_password(
            session=session,
            email=email,
            address=address,
            user=user,
            actor=None,
            action="auth.login_failed",
        )
        session.commit()
        raise InvalidInput(GENERIC_LOGIN_ERROR, code="login_failed", status=401)
    return user


def refuse_if_throttled(*, session: Session, settings: Settings, email: str, address: str) -> None:
    """Raise TooManyRequests (429) if this account or address failed too often lately."""
    window_start = utcnow() - timedelta(seconds=settings.login_lockout_seconds)
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.at) < window_start))
    failures = session.exec(
        select(func.count()).where(
            col(LoginAttempt.at) >= window_start,
            or_(col(LoginAttempt.email) == email, col(LoginAttempt.address) == address),
        )
    ).one()
    if failures >= settings.login_max_failures:
        session.commit()
        raise TooManyRequests(
            "Too many failed logins. Wait a few minutes, then try again.",
            retry_after=settings.login_lockout_seconds,
        )


def record_failed_password(
    *,
    session: Session,
    email: str,
    address: str,
    user: User | None,
    actor: User | None,
    action: str,
) -> None:
    """Count a wrong password towards throttling and audit it; the caller commits."""
    session.add(LoginAttempt(email=email, address=address[:64]))
    record_event(
        session=session,
        actor=actor,
        action=action,
        entity="user",
        entity_id=user.id if user else "-",
        details={"address": address[:64]},
    )


@dataclass
class NewSession:
    """A login session just created: the raw cookie value is only known here."""

    token: str
    record: LoginSession


def start_session(
    *, session: Session, settings: Settings, user: User, previous_token: str | None = None
) -> NewSession:
    """Start a fresh login session (a new id at every login), ending any previous one."""
    if previous_token:
        previous = token_digest(previous_token, settings)
        session.execute(delete(LoginSession).where(col(LoginSession.id) == previous))
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    record = LoginSession(
        id=token_digest(token, settings), user_id=user.id, csrf_token=secrets.token_urlsafe(32)
    )
    user.last_login_at = utcnow()
    session.add_all([record, user])
    record_event(session=session, actor=user, action="auth.login", entity="user", entity_id=user.id)
    session.commit()
    return NewSession(token=token, record=record)


def resolve_session(
    *, session: Session, settings: Settings, token: str
) -> tuple[Actor, LoginSession] | None:
    """The actor behind a session cookie, or None if unknown, idle too long or too old.

    An ended session is kept for ENDED_SESSION_KEPT (it signs nobody in), then deleted.
    """
    record = session.get(LoginSession, token_digest(token, settings))
    if record is None:
        return None
    now, ended_at = utcnow(), _ended_at(record, settings)
    user = session.get(User, record.user_id)
    if user is None or not user.is_active or now > ended_at + ENDED_SESSION_KEPT:
        session.delete(record)
        session.commit()
        return None
    if now > ended_at:
        return None
    if now - record.last_seen_at > timedelta(minutes=1):
        record.last_seen_at = now
        session.add(record)
        session.commit()
    return load_actor(session=session, user=user), record


def end_all_sessions(
    *, session: Session, user_id: int, except_session_id: str | None = None
) -> int:
    """End every login session of a user, except perhaps one; the caller commits.

    `except_session_id` is a LoginSession.id (the hash of the cookie), so the person
    changing their own password stays signed in where they did it.
    """
    condition = col(LoginSession.user_id) == user_id
    if except_session_id is not None:
        condition = and_(condition, col(LoginSession.id) != except_session_id)
    ended = session.exec(select(func.count()).select_from(LoginSession).where(condition)).one()
    session.execute(delete(LoginSession).where(condition))
    return ended


def ended_session(*, session: Session, settings: Settings, token: str) -> LoginSession | None:
    """The login session behind a cookie, if it has ended (idle or too old) but is still
    remembered and its user is active; None for live, unknown or forgotten sessions."""
    record = session.get(LoginSession, token_digest(token, settings))
    if record is None:
        return None
    ended_at = _ended_at(record, settings)
    if not ended_at < utcnow() <= ended_at + ENDED_SESSION_KEPT:
        return None
    user = session.get(User, record.user_id)
    return record if user is not None and user.is_active else None


def _ended_at(record: LoginSession, settings: Settings) -> datetime:
    """When a session ends: after the idle time since last seen, or at its maximum age."""
    idle_end = record.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    return min(idle_end, record.created_at + timedelta(hours=settings.session_max_hours))


def end_session(*, session: Session, settings: Settings, token: str) -> None:
    """Log out: forget the session."""
    record = session.get(LoginSession, token_digest(token, settings))
    if record is not None:
        record_event(
            session=session,
            actor=session.get(User, record.user_id),
            action="auth.logout",
            entity="user",
            entity_id=record.user_id,
        )
        session.delete(record)
        session.commit()
