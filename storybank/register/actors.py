"""Whose rights apply to a command-line import or export."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storybank.access import Actor, load_actor
from storybank.accounts import find_user_by_email
from storybank.errors import NotFound
from storybank.models import Grant, Role, User


def acting_user(*, session: Session, email: str | None) -> Actor:
    """The active account with this email or, without one, the first admin account."""
    if email:
        user = find_user_by_email(session=session, email=email)
    else:
        user = session.exec(
            select(User)
            .join(Grant, col(Grant.user_id) == User.id)
            .where(Grant.role == Role.admin, col(User.is_active).is_(True))
            .order_by(col(User.id))
        ).first()
    if user is None or not user.is_active:
        raise NotFound(
            f"There is no active account with the email {email}."
            if email
            else "There is no admin account yet; run 'storybank setup' first, or give --as EMAIL."
        )
    return load_actor(session=session, user=user)
