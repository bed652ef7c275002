"""User accounts: adding, roles and sites, enabling and disabling, passwords."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storybank.accounts.credentials import _check_password, _password_problems, hash_password
from storybank.audit import record_event
from storybank.errors import Conflict, FieldProblem, InvalidInput, NotFound
from storybank.models import (
    ApiToken,
    LoginSession,
    Role,
    Site,
    User,
    UserRole,
    UserSite,
    utcnow,
)


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
