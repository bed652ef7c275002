"""User accounts: passwords, roles and sites, login with throttling, sessions, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_
from sqlmodel import Session, col, select

from storybank.access import Actor, load_actor
from storybank.audit import record_event
from storybank.config import Settings
from storybank.errors import Conflict, FieldProblem, InvalidInput, NotFound, TooManyRequests
from storybank.models import (
    ApiToken,
    LoginAttempt,
    LoginSession,
    Role,
    Site,
    User,
    UserRole,
    UserSite,
    utcnow,
)

_hasher = PasswordHasher()
MIN_PASSWORD = 10
TOKEN_PREFIX = "sbk_"
GENERIC_LOGIN_ERROR = "That email and password do not match an active account."


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """Whether the password matches the stored argon2 hash (False for no hash)."""
    if not stored:
        _hasher.hash(password)  # spend the same time, so timing does not reveal accounts
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _password_problems(password: str | None) -> list[FieldProblem]:
    if password is not None and len(password) < MIN_PASSWORD:
        return [FieldProblem("password", f"Use at least {MIN_PASSWORD} characters.")]
    if password is not None and len(password) > 256:
        return [FieldProblem("password", "Use at most 256 characters.")]
    return []


def _check_password(password: str) -> None:
    if problems := _password_problems(password):
        raise InvalidInput(f"A password needs {MIN_PASSWORD} to 256 characters.", problems=problems)


def _membership_problems(
    session: Session, roles: list[str], site_ids: list[int]
) -> list[FieldProblem]:
    problems = []
    if unknown := sorted(set(roles) - {r.value for r in Role}):
        problems.append(
            FieldProblem(
                "roles",
                f"Unknown role(s) {', '.join(unknown)}; choose from: "
                f"{', '.join(r.value for r in Role)}.",
            )
        )
    found = set(session.exec(select(Site.id).where(col(Site.id).in_(site_ids))).all())
    if missing := sorted(set(site_ids) - found):
        problems.append(FieldProblem("site_ids", f"Every site must exist; unknown: {missing}."))
    return problems


def find_user_by_email(*, session: Session, email: str) -> User | None:
    """The user with this email (case-insensitive), if any."""
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def create_user(
    *,
    session: Session,
    actor: User | None,
    email: str,
    display_name: str,
    password: str | None,
    roles: list[str],
    site_ids: list[int],
) -> User:
    """Add a user with roles and sites; emails are unique. Every bad field is reported."""
    email = email.strip().lower()
    problems = []
    if "@" not in email or len(email) > 254:
        problems.append(FieldProblem("email", "This does not look like an email address."))
    if not display_name.strip() or len(display_name.strip()) > 120:
        problems.append(FieldProblem("display_name", "A name of 1 to 120 characters is needed."))
    problems += _password_problems(password) + _membership_problems(session, roles, site_ids)
    if problems:
        raise InvalidInput(
            "The account could not be added: " + "; ".join(p.message for p in problems),
            problems=problems,
        )
    if find_user_by_email(session=session, email=email):
        raise Conflict(f"There is already an account for {email}.", code="duplicate_email")
    user = User(
        email=email,
        display_name=display_name.strip()[:120],
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    _set_memberships(session, user, roles, site_ids)
    record_event(
        session=session,
        actor=actor,
        action="user.create",
        entity="user",
        entity_id=user.id,
        details={"roles": sorted(roles), "site_ids": sorted(site_ids)},
    )
    session.commit()
    return user


def _set_memberships(session: Session, user: User, roles: list[str], site_ids: list[int]) -> None:
    if problems := _membership_problems(session, roles, site_ids):
        raise InvalidInput("; ".join(p.message for p in problems), problems=problems)
    if Role.admin not in roles:
        _keep_an_admin(session, user, "remove the admin role from")
    session.execute(delete(UserRole).where(col(UserRole.user_id) == user.id))
    session.execute(delete(UserSite).where(col(UserSite.user_id) == user.id))
    assert user.id is not None
    session.add_all([UserRole(user_id=user.id, role=r) for r in sorted(set(roles))])
    session.add_all([UserSite(user_id=user.id, site_id=s) for s in sorted(set(site_ids))])


def _keep_an_admin(session: Session, user: User, verb: str) -> None:
    """Refuse a change that would leave no active admin (nobody could manage accounts)."""
    admins = session.exec(
        select(UserRole.user_id)
        .join(User, col(User.id) == UserRole.user_id)
        .where(UserRole.role == Role.admin, col(User.is_active).is_(True))
    ).all()
    if set(admins) == {user.id}:
        raise Conflict(
            f"You cannot {verb} the last active admin. Make someone else an admin first.",
            code="last_admin",
        )


def set_memberships(
    *, session: Session, actor: User | None, user_id: int, roles: list[str], site_ids: list[int]
) -> User:
    """Replace a user's roles and sites."""
    user = get_user(session=session, user_id=user_id)
    _set_memberships(session, user, roles, site_ids)
    record_event(
        session=session,
        actor=actor,
        action="user.memberships",
        entity="user",
        entity_id=user.id,
        details={"roles": sorted(roles), "site_ids": sorted(site_ids)},
    )
    session.commit()
    return user


def get_user(*, session: Session, user_id: int) -> User:
    """One user, or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user with id {user_id}.")
    return user


def set_active(*, session: Session, actor: User | None, user_id: int, active: bool) -> User:
    """Disable (ending every session and token) or re-enable an account."""
    user = get_user(session=session, user_id=user_id)
    if not active and actor is not None and actor.id == user.id:
        raise Conflict("You cannot disable your own account.", code="self_disable")
    if not active:
        _keep_an_admin(session, user, "disable")
    user.is_active = active
    if not active:
        session.execute(delete(LoginSession).where(col(LoginSession.user_id) == user.id))
        session.execute(
            ApiToken.__table__.update()  # type: ignore[attr-defined]
            .where(col(ApiToken.user_id) == user.id, col(ApiToken.revoked_at).is_(None))
            .values(revoked_at=utcnow())
        )
    session.add(user)
    record_event(
        session=session,
        actor=actor,
        action="user.enable" if active else "user.disable",
        entity="user",
        entity_id=user.id,
    )
    session.commit()
    return user


def reset_password(*, session: Session, actor: User | None, user_id: int, password: str) -> User:
    """Set a new password and end the user's sessions."""
    _check_password(password)
    user = get_user(session=session, user_id=user_id)
    user.password_hash = hash_password(password)
    session.execute(delete(LoginSession).where(col(LoginSession.user_id) == user.id))
    session.add(user)
    record_event(
        session=session, actor=actor, action="user.reset_password", entity="user", entity_id=user.id
    )
    session.commit()
    return user


def authenticate(
    *, session: Session, settings: Settings, email: str, password: str, address: str
) -> User:
    """Check a login; throttle repeated failures per account and per address (429)."""
    email = email.strip().lower()[:254]
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
    user = find_user_by_email(session=session, email=email)
    if user is None or not user.is_active or not password_matches(user.password_hash, password):
        session.add(LoginAttempt(email=email, address=address[:64]))
        record_event(
            session=session,
            actor=None,
            action="auth.login_failed",
            entity="user",
            entity_id=user.id if user else "-",
            details={"address": address[:64]},
        )
        session.commit()
        raise InvalidInput(GENERIC_LOGIN_ERROR, code="login_failed", status=401)
    return user


@dataclass
class NewSession:
    """A login session just created: the raw cookie value is only known here."""

    token: str
    record: LoginSession


def start_session(*, session: Session, user: User, previous_token: str | None = None) -> NewSession:
    """Start a fresh login session (a new id at every login), ending any previous one."""
    if previous_token:
        session.execute(delete(LoginSession).where(col(LoginSession.id) == _digest(previous_token)))
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    record = LoginSession(id=_digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32))
    user.last_login_at = utcnow()
    session.add_all([record, user])
    record_event(session=session, actor=user, action="auth.login", entity="user", entity_id=user.id)
    session.commit()
    return NewSession(token=token, record=record)


def resolve_session(
    *, session: Session, settings: Settings, token: str
) -> tuple[Actor, LoginSession] | None:
    """The actor behind a session cookie, or None if unknown, idle too long or too old."""
    record = session.get(LoginSession, _digest(token))
    if record is None:
        return None
    now = utcnow()
    idle = now - record.last_seen_at > timedelta(minutes=settings.session_idle_minutes)
    old = now - record.created_at > timedelta(hours=settings.session_max_hours)
    user = session.get(User, record.user_id)
    if idle or old or user is None or not user.is_active:
        session.delete(record)
        session.commit()
        return None
    if now - record.last_seen_at > timedelta(minutes=1):
        record.last_seen_at = now
        session.add(record)
        session.commit()
    return load_actor(session=session, user=user), record


def end_session(*, session: Session, token: str) -> None:
    """Log out: forget the session."""
    record = session.get(LoginSession, _digest(token))
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


def create_api_token(
    *, session: Session, actor: Actor, name: str, days: int = 90
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
        token_hash=_digest(raw),
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


def resolve_api_token(*, session: Session, raw: str) -> Actor | None:
    """The actor behind a bearer token, or None if unknown, expired, revoked or disabled."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(raw))).first()
    now = utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now
        session.add(token)
        session.commit()
    return load_actor(session=session, user=user)


def token_is_live(token: ApiToken, now: datetime | None = None) -> bool:
    """Whether a token can still be used."""
    return token.revoked_at is None and token.expires_at > (now or utcnow())


@dataclass
class UserSummary:
    """A user with their roles and site ids, for admin lists."""

    user: User
    roles: list[str]
    site_ids: list[int]


def list_users(*, session: Session) -> list[UserSummary]:
    """Every user with roles and sites, in two queries."""
    users = session.exec(select(User).order_by(col(User.id))).all()
    roles: dict[int, list[str]] = {}
    for user_id, role in session.exec(select(UserRole.user_id, UserRole.role)).all():
        roles.setdefault(user_id, []).append(role)
    sites: dict[int, list[int]] = {}
    for user_id, site_id in session.exec(select(UserSite.user_id, UserSite.site_id)).all():
        sites.setdefault(user_id, []).append(site_id)
    return [
        UserSummary(
            user=u,
            roles=sorted(roles.get(u.id or 0, [])),
            site_ids=sorted(sites.get(u.id or 0, [])),
        )
        for u in users
    ]
