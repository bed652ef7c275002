"""Builders for review tests: reviewers, submitted stories with stored suggestions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session, select

from storybank import learning
from storybank.models import Story, Suggestion, Unit, User
from storybank.review.suggesting import request_suggestions, suggest_codes
from tests.builders import make_story, make_user
from tests.suggesters import PhraseSuggester


@contextmanager
def installed(suggester: Any) -> Iterator[Any]:
    """The suggester answers storybank.learning.active_suggester inside the block."""
    learning.use_suggester(suggester)
    try:
        yield suggester
    finally:
        learning.use_suggester(None)


def make_reviewer(session: Session, site: Unit, name: str = "Rita Reviewer") -> User:
    """A reviewer of one site."""
    return make_user(session, roles=["reviewer"], sites=[site], name=name)


def suggest_now(session: Session, story: Story, suggester: Any) -> list[Suggestion]:
    """Run the suggest_codes job for the story with this suggester; its stored suggestions."""
    request_suggestions(session=session, story_ids=[story.id or 0])
    session.commit()
    bind = session.get_bind()
    with installed(suggester):
        suggest_codes(
            session_factory=lambda: Session(bind, expire_on_commit=False), story_id=story.id or 0
        )
    session.expire_all()
    return list(session.exec(select(Suggestion).where(Suggestion.story_id == story.id)).all())


def suggested_story(
    session: Session, site: Unit, author: User, suggester: Any = None, **overrides: Any
) -> tuple[Story, list[Suggestion]]:
    """A submitted story with the test suggester's suggestions stored."""
    story = make_story(session, site=site, author=author, **overrides)
    return story, suggest_now(session, story, suggester or PhraseSuggester())
