"""Changing one's own password: prove the current one, then cut off the old credentials."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlmodel import Session

from storybank.access import Actor
from storybank.accounts.credentials import _password_problems, hash_password, password_matches
from storybank.accounts.logins import end_all_sessions, record_failed_password, refuse_if_throttled
from storybank.accounts.tokens import revoke_all_tokens
from storybank.audit import record_event
from storybank.config import Settings
from storybank.errors import FieldProblem, InvalidInput

WRONG_CURRENT_PASSWORD = "This is not your current password."


@dataclass
class PasswordChanged:
    """What a password change cut off: the tokens revoked and the other sessions ended."""

    tokens_revoked: int
    sessions_ended: int


def change_own_password(
    *,
    session: Session,
    settings: Settings,
    actor: Actor,
    current_password: str,
    new_password: str,
    keep_session_id: str | None,
    address: str,
) -> PasswordChanged:
    """Set a new password after checking the current one; revoke every API token and end
    every other login session. A wrong current password counts as a failed login."""
    user = actor.user
    refuse_if_throttled(session=session, settings=settings, email=user.email, address=address)
    wrong_current = _current_password_problems(user.password_hash, current_password)
    weak_new = [FieldProblem("new_password", p.message) for p in _password_problems(new_password)]
    if wrong_current and current_password:  # a wrong guess (not a blank field) is throttled
        record_failed_password(
            session=session,
            email=user.email,
            address=address,
            user=user,
            actor=user,
            action="user.password_change_failed",
        )
        session.commit()
    if problems := wrong_current + weak_new:
        raise InvalidInput(
            "The password was not changed. " + " ".join(p.message for p in problems),
            code="wrong_current_password" if wrong_current else "invalid_input",
            problems=problems,
        )
    return _set_new_password(session, actor, new_password, keep_session_id)


def _current_password_problems(stored: str | None, current_password: str) -> list[FieldProblem]:
    if not current_password:
        return [FieldProblem("current_password", "Enter your current password.")]
    if not password_matches(stored, current_password):
        return [FieldProblem("current_password", WRONG_CURRENT_PASSWORD)]
    return []


def _set_new_password(
    session: Session, actor: Actor, new_password: str, keep_session_id: str | None
) -> PasswordChanged:
    user = actor.user
    assert user.id is not None
    user.password_hash = hash_password(new_password)
    session.add(user)
    changed = PasswordChanged(
        tokens_revoked=revoke_all_tokens(session=session, user_id=user.id, actor=user),
        sessions_ended=end_all_sessions(
            session=session, user_id=user.id, except_session_id=keep_session_id
        ),
    )
    record_event(
        session=session,
        actor=user,
        action="user.password_changed",
        entity="user",
        entity_id=user.id,
        details=asdict(changed),
    )
    session.commit()
    return changed
