"""What learning reads from the reviewers' work: final codes, how many decisions were made,
and how the suggestions of a model version fared (accepted or rejected, at what confidence)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storybank.models import Code, DecisionKind, Suggestion, SuggestionDecision
from storybank.review import decision_counts
from storybank.review import decisions_since as review_decisions_since
from storybank.review.final import final_code_ids


@dataclass(frozen=True)
class DecidedSuggestion:
    """One reviewer's verdict on one suggestion: its code, the model's confidence."""

    code_key: str
    confidence: float
    accepted: bool


def final_codes(session: Session, story_ids: Sequence[int]) -> dict[int, frozenset[str]]:
    """The keys of each story's final codes (stories still being coded have none)."""
    codes = {code.id or 0: code.key for code in session.exec(select(Code)).all()}
    found = final_code_ids(session=session, story_ids=story_ids)
    return {story_id: frozenset(codes[i] for i in ids) for story_id, ids in found.items() if ids}


def decisions_since(session: Session, since: datetime | None) -> int:
    """How many review decisions were made after `since` (all of them when None)."""
    return review_decisions_since(session=session, since=since)


def acceptance_counts(
    session: Session, versions: Sequence[str]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(model version, code key) -> (accepted, decided) for the suggestions of those versions."""
    wanted = set(versions)
    return {
        (row.model_version, row.code_key): (row.accepted, row.accepted + row.rejected)
        for row in decision_counts(session=session)
        if row.model_version in wanted
    }


def decided_suggestions(session: Session, model_version: str) -> list[DecidedSuggestion]:
    """Every reviewer's accept or reject of a suggestion made by one model version."""
    rows = session.exec(
        select(Code.key, Suggestion.confidence, SuggestionDecision.decision)
        .select_from(SuggestionDecision)
        .join(Suggestion, col(Suggestion.id) == SuggestionDecision.suggestion_id)
        .join(Code, col(Code.id) == Suggestion.code_id)
        .where(Suggestion.model_version == model_version)
    ).all()
    return [
        DecidedSuggestion(key, confidence, decision == DecisionKind.accepted)
        for key, confidence, decision in rows
    ]
