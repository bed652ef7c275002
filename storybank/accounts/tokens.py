"""Personal API tokens: shown once, stored hashed, expiring, revocable."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from storybank.access import Actor, load_actor
from storybank.accounts.credentials import TOKEN_PREFIX, token_digest
from storybank.audit import record_event
from storybank.config import Settings
from storybank.errors import FieldProblem, InvalidInput, NotFound
from storybank.models import (
    ApiToken,
    User,
    utcnow,
)


def create_api_token(
    *, session: Session, settings: Settings, actor: Actor, name: str, days: int = 90
) -> tuple[str, ApiToken]:
    """A new personal API token; the raw token is returned once and only its hash kept."""
    name = name.strip()
    if not name or len(name) > 80:
        raise InvalidInput(
            "Give the token a name of 1 to 80 characters.",
            problems=[FieldProblem("name", "1 to 80 characters.")],
        )
    if not 1 <= days <= 366:
        raise InvalidInput(
            "A token lasts 1 to 366 days.", problems=[FieldProblem("days", "Between 1 and 366.")]
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.id,
        name=name,
        prefix=raw[:12],
        token_hash=token_digest(raw, settings),
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    record_event(
        session=session,
        actor=actor.user,
        action="token.create",
        entity="api_token",
        entity_id=token.id,
        details={"name": name, "days": days},
    )
    session.commit()
    return raw, token


def list_api_tokens(*, session: Session, actor: Actor) -> list[ApiToken]:
    """The actor's own tokens, newest first."""
    return list(
        session.exec(
            select(ApiToken).where(ApiToken.user_id == actor.id).order_by(col(ApiToken.id).desc())
        ).all()
    )


def revoke_api_token(*, session: Session, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens (admins may revoke anyone's)."""
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.id and not actor.is_admin):
        raise NotFound(f"There is no token with id {token_id}.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        record_event(
            session=session,
            actor=actor.user,
            action="token.revoke",
            entity="api_token",
            entity_id=token.id,
        )
        session.commit()
    return token


def revoke_all_tokens(*, session: Session, user_id: int, actor: User | None = None) -> int:
    """Revoke every live token of a user, auditing each; the caller commits.

    Used when the user's password is reset or changed: a token made under the old
    password must not outlive it. Returns how many tokens were revoked.
    """
    live = session.exec(
        select(ApiToken).where(ApiToken.user_id == user_id, col(ApiToken.revoked_at).is_(None))
    ).all()
    now = utcnow()
    for token in live:
        token.revoked_at = now
        session.add(token)
        record_event(
            session=session,
            actor=actor,
            action="token.revoke",
            entity="api_token",
            entity_id=token.id,
            details={"user_id": user_id, "all_of_user": True},
        )
    return len(live)


def resolve_api_token(*, session: Session, settings: Settings, raw: str) -> Actor | None:
    """The actor behind a bearer token, or None if unknown, expired, revoked or disabled."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    digest = token_digest(raw, settings)
    found = session.exec(
        select(ApiToken, User)
        .join(User, col(User.id) == ApiToken.user_id)
        .where(ApiToken.token_hash == digest)
    ).first()
    now = utcnow()
    if found is None:
        return None
    token, user = found
    if token.revoked_at is not None or token.expires_at <= now or not user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now
        session.add(token)
        session.commit()
    return load_actor(session=session, user=user)


def token_is_live(token: ApiToken, now: datetime | None = None) -> bool:
    """Whether a token can still be used."""
    return token.revoked_at is None and token.expires_at > (now or utcnow())
