"""How many review decisions there are: what the learning loop asks before retraining, and
each code's acceptance of suggestions per model version (counted in SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from storybank.models import Code, Coding, DecisionKind, Suggestion, SuggestionDecision


@dataclass(frozen=True)
class DecisionCount:
    """Accepted and rejected suggestions of one code from one model version."""

    model_version: str
    code_key: str
    accepted: int
    rejected: int

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted / decided, or None when nothing was decided."""
        decided = self.accepted + self.rejected
        return self.accepted / decided if decided else None


def decisions_since(*, session: Session, since: datetime | None = None) -> int:
    """Decisions made after `since` (all, if None): suggestions accepted or rejected by a
    reviewer, plus codes applied without a suggestion (added by hand or imported)."""
    decided = select(func.count()).select_from(SuggestionDecision)
    added = select(func.count()).select_from(Coding).where(col(Coding.suggestion_id).is_(None))
    if since is not None:
        decided = decided.where(col(SuggestionDecision.decided_at) > since)
        added = added.where(col(Coding.created_at) > since)
    return int(session.exec(decided).one()) + int(session.exec(added).one())


def decision_counts(*, session: Session, model_version: str | None = None) -> list[DecisionCount]:
    """Per model version and code: how many suggestions reviewers accepted and rejected."""
    accepted = func.sum(
        case((col(SuggestionDecision.decision) == DecisionKind.accepted, 1), else_=0)
    )
    rejected = func.sum(
        case((col(SuggestionDecision.decision) == DecisionKind.rejected, 1), else_=0)
    )
    query = (
        select(Suggestion.model_version, Code.key, accepted, rejected)
        .select_from(SuggestionDecision)
        .join(Suggestion, col(Suggestion.id) == SuggestionDecision.suggestion_id)
        .join(Code, col(Code.id) == Suggestion.code_id)
        .group_by(col(Suggestion.model_version), col(Code.key))
        .order_by(col(Suggestion.model_version), col(Code.key))
    )
    if model_version is not None:
        query = query.where(Suggestion.model_version == model_version)
    return [
        DecisionCount(version, key, int(yes or 0), int(no or 0))
        for version, key, yes, no in session.exec(query).all()
    ]
