"""Builders for agreement tests: blind double coding and suggestions written straight to
the database (no review pages, no model)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from storybank.models import Adjudication, Code, Coding, ReviewAssignment, Story, Suggestion, User
from storybank.models.base import utcnow


def code_id(session: Session, key: str) -> int:
    """The id of a code of the loaded codebook."""
    code = session.exec(select(Code).where(Code.key == key)).one()
    assert code.id is not None
    return code.id


def _codings(session: Session, story: Story, coder: User, keys: Iterable[str]) -> None:
    for key in keys:
        session.add(Coding(story_id=story.id, code_id=code_id(session, key), coder_id=coder.id))


def double_code(
    session: Session,
    story: Story,
    coders: tuple[User, User],
    first: Iterable[str],
    second: Iterable[str],
    *,
    finished: bool = True,
) -> None:
    """Two reviewers coded the story blind: the first applied `first`, the second `second`."""
    for position, (coder, keys) in enumerate(zip(coders, (first, second), strict=True), 1):
        session.add(
            ReviewAssignment(
                story_id=story.id,
                reviewer_id=coder.id,
                position=position,
                assigned_by_id=coder.id,
                finished_at=utcnow() if finished else None,
            )
        )
        _codings(session, story, coder, keys)
    session.commit()


def code_alone(session: Session, story: Story, coder: User, keys: Iterable[str]) -> None:
    """One reviewer coded the story and finished."""
    session.add(
        ReviewAssignment(
            story_id=story.id,
            reviewer_id=coder.id,
            position=1,
            assigned_by_id=coder.id,
            finished_at=utcnow(),
        )
    )
    _codings(session, story, coder, keys)
    session.commit()


def adjudicate(session: Session, story: Story, key: str, by: User, *, included: bool) -> None:
    """An adjudication of one disputed code."""
    session.add(
        Adjudication(
            story_id=story.id,
            code_id=code_id(session, key),
            decided_by_id=by.id,
            included=included,
            reason="Decided in the test.",
        )
    )
    session.commit()


def suggest(session: Session, story: Story, version: str, keys: Iterable[str]) -> None:
    """Suggestions of these codes for the story from a model version."""
    for key in keys:
        session.add(
            Suggestion(
                story_id=story.id,
                code_id=code_id(session, key),
                model_version=version,
                confidence=0.8,
            )
        )
    session.commit()
