"""User accounts: adding, grants (role at a unit), enabling and disabling, passwords."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storybank.accounts.credentials import _check_password, _password_problems, hash_password
from storybank.accounts.logins import end_all_sessions
from storybank.accounts.tokens import revoke_all_tokens
from storybank.audit import record_event
from storybank.errors import Conflict, FieldProblem, InvalidInput, NotFound, StorybankError
from storybank.models import ApiToken, Grant, LoginSession, Role, Unit, User, utcnow

GrantPair = tuple[str, int]
# MSC guest members' accounts: made for one round, they sign in with a one-time code only,
# hold no grant, and end with their round for good.
GUEST_EMAIL_DOMAIN = "guests.invalid"
GUEST_ACCOUNT = (
    "This is a guest member's account: it belongs to one selection round, signs in with "
    "a one-time code only and ends with its round for good. Add the person as a guest "
    "again, or give them an account of their own."
)


def is_guest_account(user: User) -> bool:
    """Whether the account is an MSC guest member's (made for one round)."""
    return user.email.endswith(f"@{GUEST_EMAIL_DOMAIN}")


def _refuse_guest(user: User) -> None:
    if is_guest_account(user):
        raise Conflict(GUEST_ACCOUNT, code="guest_account")


def _grant_problems(session: Session, grants: list[GrantPair]) -> list[FieldProblem]:
    """What is wrong with a list of (role, unit id) grants, field by field."""
    problems = []
    known = {r.value for r in Role}
    if unknown := sorted({role for role, _unit in grants} - known):
        problems.append(
            FieldProblem(
                "grants",
                f"Unknown role(s) {', '.join(unknown)}; choose from: {', '.join(sorted(known))}.",
            )
        )
    ids = {unit for _role, unit in grants}
    units = {u.id: u for u in session.exec(select(Unit).where(col(Unit.id).in_(ids))).all()}
    if missing := sorted(ids - set(units)):
        problems.append(FieldProblem("grants", f"Every unit must exist; unknown: {missing}."))
    for role, unit_id in grants:
        unit = units.get(unit_id)
        if role == Role.admin and unit is not None and unit.parent_id is not None:
            problems.append(
                FieldProblem(
                    "grants",
                    f"The admin role is held for the whole installation: grant it at the "
                    f"top unit, not at {unit.name}.",
                )
            )
    return problems


def _require_valid_grants(session: Session, grants: list[GrantPair]) -> None:
    if problems := _grant_problems(session, grants):
        raise InvalidInput("; ".join(p.message for p in problems), problems=problems)


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
    grants: list[GrantPair],
) -> User:
    """Add a user with their grants (role at a unit); emails are unique. Every rule is
    checked here, whoever calls (API, page, CLI), and every bad field is reported."""
    email = email.strip().lower()
    problems = []
    if "@" not in email or len(email) > 254:
        problems.append(FieldProblem("email", "This does not look like an email address."))
    elif email.endswith(f"@{GUEST_EMAIL_DOMAIN}"):
        problems.append(
            FieldProblem("email", f"Addresses at {GUEST_EMAIL_DOMAIN} are kept for guest members.")
        )
    if not display_name.strip() or len(display_name.strip()) > 120:
        problems.append(FieldProblem("display_name", "A name of 1 to 120 characters is needed."))
    if password is not None and len(password) > 256:
        problems.append(FieldProblem("password", "A password has at most 256 characters."))
    problems += _password_problems(password) + _grant_problems(session, grants)
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
    _replace_grants(session, user, grants)
    record_event(
        session=session,
        actor=actor,
        action="user.create",
        entity="user",
        entity_id=user.id,
        details={"grants": _jsonable(grants)},
    )
    session.commit()
    return user


def _jsonable(grants: list[GrantPair]) -> list[list[object]]:
    return [[role, unit] for role, unit in sorted(set(grants))]


def _replace_grants(session: Session, user: User, grants: list[GrantPair]) -> None:
    """Replace every grant of the user (part of the caller's transaction)."""
    _require_valid_grants(session, grants)
    if not any(role == Role.admin for role, _unit in grants):
        _keep_an_admin(session, user, "remove the admin role from")
    session.execute(delete(Grant).where(col(Grant.user_id) == user.id))
    assert user.id is not None
    session.add_all(
        [Grant(user_id=user.id, role=role, unit_id=unit) for role, unit in sorted(set(grants))]
    )
    session.flush()


def _active_admins(session: Session) -> set[int]:
    query = (
        select(Grant.user_id)
        .join(User, col(User.id) == Grant.user_id)
        .where(Grant.role == Role.admin, col(User.is_active).is_(True))
    )
    return set(session.exec(query).all())


def _keep_an_admin(session: Session, user: User, verb: str) -> None:
    """Refuse a change that would leave no active admin (nobody could manage accounts)."""
    if _active_admins(session) == {user.id}:
        raise Conflict(
            f"You cannot {verb} the last active admin. Make someone else an admin first.",
            code="last_admin",
        )


def grants_of(*, session: Session, user_id: int) -> list[GrantPair]:
    """A user's grants as (role, unit id) pairs."""
    rows = session.exec(select(Grant.role, Grant.unit_id).where(Grant.user_id == user_id))
    return sorted((role, unit) for role, unit in rows.all())


def update_user(
    *,
    session: Session,
    actor: User | None,
    user_id: int,
    grants: list[GrantPair] | None = None,
    active: bool | None = None,
) -> User:
    """Replace a user's grants and/or enable or disable them, in one transaction: every
    rule is checked before anything is written, so a refused change writes nothing."""
    user = get_user(session=session, user_id=user_id)
    if grants or active:
        _refuse_guest(user)
    try:
        if grants is not None:
            _replace_grants(session, user, grants)
            record_event(
                session=session,
                actor=actor,
                action="user.grants",
                entity="user",
                entity_id=user.id,
                details={"grants": _jsonable(grants)},
            )
        if active is not None and active != user.is_active:
            _apply_active(session, actor, user, active)
    except StorybankError:
        session.rollback()
        raise
    session.commit()
    return user


def grant_role(
    *, session: Session, actor: User | None, user_id: int, role: str, unit_id: int
) -> User:
    """Add one grant (role at a unit); holding it already is a Conflict."""
    user = get_user(session=session, user_id=user_id)
    held = grants_of(session=session, user_id=user_id)
    if (role, unit_id) in held:
        raise Conflict("The person already holds that role at that unit.", code="duplicate_grant")
    return update_user(
        session=session, actor=actor, user_id=user.id or 0, grants=[*held, (role, unit_id)]
    )


def revoke_role(
    *, session: Session, actor: User | None, user_id: int, role: str, unit_id: int
) -> User:
    """Remove one grant; NotFound if the person does not hold it."""
    held = grants_of(session=session, user_id=user_id)
    if (role, unit_id) not in held:
        raise NotFound("The person does not hold that role at that unit.")
    remaining = [pair for pair in held if pair != (role, unit_id)]
    return update_user(session=session, actor=actor, user_id=user_id, grants=remaining)


def get_user(*, session: Session, user_id: int) -> User:
    """One user, or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user with id {user_id}.")
    return user


def set_active(*, session: Session, actor: User | None, user_id: int, active: bool) -> User:
    """Disable (ending every session and token) or re-enable an account."""
    return update_user(session=session, actor=actor, user_id=user_id, active=active)


def _apply_active(session: Session, actor: User | None, user: User, active: bool) -> None:
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


def reset_password(*, session: Session, actor: User | None, user_id: int, password: str) -> User:
    """Set a new password, end the user's sessions and revoke their API tokens (a token made
    under the old password must not outlive it)."""
    _check_password(password)
    user = get_user(session=session, user_id=user_id)
    _refuse_guest(user)
    user.password_hash = hash_password(password)
    end_all_sessions(session=session, user_id=user_id)
    revoke_all_tokens(session=session, user_id=user_id, actor=actor)
    session.add(user)
    record_event(
        session=session, actor=actor, action="user.reset_password", entity="user", entity_id=user.id
    )
    session.commit()
    return user


@dataclass
class UserSummary:
    """A user with their grants as (role, unit id) pairs, for admin lists."""

    user: User
    grants: list[GrantPair]

    @property
    def roles(self) -> list[str]:
        return sorted({role for role, _unit in self.grants})


def list_users(*, session: Session) -> list[UserSummary]:
    """Every user with their grants, in two queries."""
    users = session.exec(select(User).order_by(col(User.id))).all()
    grants: dict[int, list[GrantPair]] = {}
    for user_id, role, unit in session.exec(select(Grant.user_id, Grant.role, Grant.unit_id)):
        grants.setdefault(user_id, []).append((role, unit))
    return [UserSummary(user=u, grants=sorted(grants.get(u.id or 0, []))) for u in users]
