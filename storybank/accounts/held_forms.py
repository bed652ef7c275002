"""Forms posted after a sign-in session ended: kept under a one-time token until the same
person signs in again, so nothing they typed is lost. The text is personal data: it is
never logged, and it is deleted when used and when it expires."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.accounts.credentials import token_digest
from storybank.config import Settings
from storybank.errors import NotFound
from storybank.models import HeldForm, LoginSession, Story, utcnow

HOLD_FOR = timedelta(hours=2)
MOST_HELD_PER_PERSON = 10
NOT_KEPT = (
    "There is nothing kept for you at this address: what you typed has already been put "
    "back into its form, or it was kept for more than two hours and has been deleted."
)
NEVER_KEPT = {"csrf_token"}


def hold_form(
    *,
    session: Session,
    settings: Settings,
    ended: LoginSession,
    target: str,
    form: Mapping[str, str],
    story_id: int | None = None,
) -> str | None:
    """Keep a form posted from an ended session; the one-time token to get it back, or None
    if there is nothing to come back to (the story has gone)."""
    purge_expired_held_forms(session=session)
    if story_id is not None and session.get(Story, story_id) is None:
        return None
    token = secrets.token_urlsafe(32)
    kept = {name: value for name, value in form.items() if name not in NEVER_KEPT}
    session.add(
        HeldForm(
            token_hash=token_digest(token, settings),
            user_id=ended.user_id,
            story_id=story_id,
            target=target,
            form=kept,
            expires_at=utcnow() + HOLD_FOR,
        )
    )
    session.flush()
    _keep_only_the_latest(session, ended.user_id)
    session.commit()
    return token


def held_form(*, session: Session, settings: Settings, actor: Actor, token: str) -> HeldForm:
    """The form kept under this token for this person; NotFound if used, expired or theirs not."""
    purge_expired_held_forms(session=session)
    session.commit()
    digest = token_digest(token, settings)
    held = session.exec(select(HeldForm).where(HeldForm.token_hash == digest)).first()
    if held is None or held.user_id != actor.id:
        raise NotFound(NOT_KEPT, code="nothing_kept")
    return held


def forget_held_form(*, session: Session, held: HeldForm) -> None:
    """Delete a kept form once it has been put back into its page (one use only)."""
    session.delete(held)
    session.commit()


def forget_held_forms_of_story(*, session: Session, story_id: int) -> None:
    """Delete every form kept for one story (for erasure); the caller commits."""
    session.execute(delete(HeldForm).where(col(HeldForm.story_id) == story_id))


def purge_expired_held_forms(*, session: Session) -> None:
    """Delete every kept form past its expiry; the caller commits."""
    session.execute(delete(HeldForm).where(col(HeldForm.expires_at) <= utcnow()))


def _keep_only_the_latest(session: Session, user_id: int) -> None:
    """A person never has more than a few kept forms (an old cookie cannot fill the disk)."""
    newest = (
        select(HeldForm.id)
        .where(HeldForm.user_id == user_id)
        .order_by(col(HeldForm.id).desc())
        .limit(MOST_HELD_PER_PERSON)
    )
    session.execute(
        delete(HeldForm).where(
            col(HeldForm.user_id) == user_id, col(HeldForm.id).not_in(newest.scalar_subquery())
        )
    )
