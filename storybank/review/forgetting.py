"""Erasing a story takes its review records with it: suggestions quote its text as
evidence, and an adjudication's reason may too."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, col

from storybank.models import (
    Adjudication,
    ReviewAssignment,
    Suggestion,
    SuggestionDecision,
    SuggestionRun,
)


def forget_review_of_story(*, session: Session, story_id: int) -> None:
    """Delete the story's suggestions, decisions, assignments and adjudications."""
    for table in (SuggestionDecision, Suggestion, SuggestionRun, Adjudication, ReviewAssignment):
        session.execute(delete(table).where(col(table.story_id) == story_id))
