"""What learning reads from the reviewers' work: final codes, new decisions, and how
suggestions fared.

Stand-ins until the review part (suggestions, decisions, adjudications) is merged: final
codes are the confirmed codings of a story, a decision is a confirmed coding, and no
suggestion has been decided yet, so acceptance rates are unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storybank.models import Code, Coding


@dataclass(frozen=True)
class DecidedSuggestion:
    """One suggestion a reviewer settled: its code, the model's confidence, the verdict."""

    code_key: str
    confidence: float
    accepted: bool


def final_code_pairs(session: Session) -> list[tuple[int, str]]:
    """(story id, code key) of every final code, each pair once."""
    rows = session.exec(
        select(Coding.story_id, Code.key).join(Code, col(Code.id) == Coding.code_id).distinct()
    ).all()
    return [(story_id, key) for story_id, key in rows]


def decisions_since(session: Session, since: datetime | None) -> int:
    """How many review decisions were made after `since` (all of them when None)."""
    query = select(func.count()).select_from(Coding)
    if since is not None:
        query = query.where(Coding.created_at > since)
    return int(session.exec(query).one())


def acceptance_counts(
    session: Session, versions: list[str]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(model version, code key) -> (accepted, decided) for the suggestions of those versions."""
    del session, versions
    return {}


def decided_suggestions(session: Session, model_version: str) -> list[DecidedSuggestion]:
    """The suggestions of one model version that reviewers accepted or rejected."""
    del session, model_version
    return []
