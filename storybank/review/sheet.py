"""What a reviewer sees of one story: the suggestions with their evidence and the
reviewer's own decisions and codes, never another coder's (blind double coding)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.models import (
    Code,
    Coding,
    ReviewAssignment,
    Story,
    Suggestion,
    SuggestionDecision,
    SuggestionRun,
    SuggestionState,
)
from storybank.review.deciding import my_assignment, reviewable_story
from storybank.review.final import story_codings


@dataclass
class SuggestionLine:
    """One suggestion as its reviewer sees it."""

    id: int
    code: Code
    confidence: float
    model_version: str
    evidence: list[dict[str, Any]]
    state: str
    my_decision: str | None


@dataclass
class ReviewSheet:
    """One story under review, from one reviewer's side."""

    story: Story
    assignment: ReviewAssignment | None
    suggestions: list[SuggestionLine]
    my_codes: list[Coding]
    codes: dict[int, Code]
    run_state: str | None
    double: bool
    coded_by_others: bool
    already_coded: bool
    positions: list[int] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        """True once this reviewer has finished."""
        return self.assignment is not None and self.assignment.finished_at is not None

    @property
    def may_work(self) -> bool:
        """Whether the reviewer can still decide, add and finish."""
        return not (self.finished or self.coded_by_others or self.already_coded)

    @property
    def finished_at(self) -> datetime | None:
        """When this reviewer finished, if they have."""
        return self.assignment.finished_at if self.assignment else None

    @property
    def my_code_ids(self) -> set[int]:
        """The codes this reviewer applied."""
        return {c.code_id for c in self.my_codes}


def review_sheet(*, session: Session, actor: Actor, story_id: int) -> ReviewSheet:
    """The story with the actor's view of its suggestions and their own codes."""
    story = reviewable_story(session=session, actor=actor, story_id=story_id)
    mine = my_assignment(session=session, actor=actor, story_id=story_id)
    coding = story_codings(session=session, story_ids=[story_id])[story_id]
    codes = {c.id or 0: c for c in session.exec(select(Code)).all()}
    run = session.get(SuggestionRun, story_id)
    return ReviewSheet(
        story=story,
        assignment=mine,
        suggestions=_lines(session, actor, story_id, codes),
        my_codes=list(
            session.exec(
                select(Coding).where(Coding.story_id == story_id, Coding.coder_id == actor.id)
            ).all()
        ),
        codes=codes,
        run_state=run.state if run else None,
        double=coding.double,
        coded_by_others=mine is None and bool(coding.assignments),
        already_coded=not coding.assignments and bool(coding.codes_by_coder),
    )


def _lines(
    session: Session, actor: Actor, story_id: int, codes: dict[int, Code]
) -> list[SuggestionLine]:
    mine = dict(
        session.exec(
            select(SuggestionDecision.suggestion_id, SuggestionDecision.decision).where(
                SuggestionDecision.story_id == story_id,
                SuggestionDecision.reviewer_id == actor.id,
            )
        ).all()
    )
    rows = session.exec(
        select(Suggestion)
        .where(Suggestion.story_id == story_id, Suggestion.state != SuggestionState.superseded)
        .order_by(col(Suggestion.confidence).desc(), col(Suggestion.id))
    ).all()
    return [
        SuggestionLine(
            id=s.id or 0,
            code=codes[s.code_id],
            confidence=s.confidence,
            model_version=s.model_version,
            evidence=list(s.evidence),
            state=s.state,
            my_decision=mine.get(s.id or 0),
        )
        for s in rows
    ]
