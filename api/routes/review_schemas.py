"""Request and response bodies of the review API (queue, suggestions, decisions, double
coding, adjudication)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from storybank.models import Coding, DecisionKind, Id
from storybank.review.adjudicating import REASON_LIMIT, AdjudicationSheet
from storybank.review.queue import QueueItem
from storybank.review.sheet import ReviewSheet, SuggestionLine

CodeKey = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$"),
]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=REASON_LIMIT)
]


class Strict(BaseModel):
    """A request body that refuses unknown fields."""

    model_config = ConfigDict(extra="forbid")


class DecisionIn(Strict):
    """Accept or reject one suggestion."""

    decision: DecisionKind


class CodeIn(Strict):
    """A code to apply, by its codebook key."""

    code_key: CodeKey


class AssignIn(Strict):
    """The two reviewers who code a story blind."""

    reviewer_ids: Annotated[list[Id], Field(min_length=2, max_length=2)]


class AdjudicationIn(Strict):
    """The decision on one disputed code, with the reason."""

    code_key: CodeKey
    included: bool
    reason: Reason


class EvidenceOut(BaseModel):
    """A sentence supporting a suggestion: character offsets into a story field."""

    field: str
    start: int
    end: int
    text: str


class SuggestionOut(BaseModel):
    """A suggestion and the caller's own decision on it."""

    id: int
    code_key: str
    code_label: str
    confidence: float
    model_version: str
    evidence: list[EvidenceOut]
    state: str
    my_decision: str | None


class AppliedCodeOut(BaseModel):
    """A code the caller applied, and the suggestion it came from, if any."""

    code_key: str
    code_label: str
    source: str
    suggestion_id: int | None
    model_version: str | None
    confidence: float | None
    created_at: datetime


class ReviewOut(BaseModel):
    """One story under review, from the caller's side only."""

    story_id: int
    title: str
    suggestions_state: str | None
    double_coded: bool
    finished_at: datetime | None
    may_work: bool
    coded_by_others: bool
    suggestions: list[SuggestionOut]
    my_codes: list[AppliedCodeOut]


class QueueItemOut(BaseModel):
    """A story waiting for the caller's decisions."""

    model_config = ConfigDict(from_attributes=True)

    story_id: int
    title: str
    site_name: str
    submitted_at: datetime | None
    suggestions: int
    suggestions_state: str | None
    double: bool


class DecisionOut(BaseModel):
    """A recorded decision."""

    suggestion_id: int
    decision: str
    decided_at: datetime


class AssignmentOut(BaseModel):
    """A reviewer assigned to code a story."""

    model_config = ConfigDict(from_attributes=True)

    reviewer_id: int
    position: int
    assigned_at: datetime
    finished_at: datetime | None


class DisputedOut(BaseModel):
    """A code the two coders disagreed on, and its adjudication if made."""

    code_key: str
    code_label: str
    applied_by: list[str]
    included: bool | None
    reason: str | None
    decided_at: datetime | None


class AdjudicationSheetOut(BaseModel):
    """A double-coded story's agreed and disputed codes."""

    story_id: int
    coders: list[str]
    agreed: list[str]
    disputed: list[DisputedOut]
    complete: bool


def review_out(sheet: ReviewSheet) -> ReviewOut:
    """The API shape of a review sheet."""
    return ReviewOut(
        story_id=sheet.story.id or 0,
        title=sheet.story.title or "",
        suggestions_state=sheet.run_state,
        double_coded=sheet.double,
        finished_at=sheet.finished_at,
        may_work=sheet.may_work,
        coded_by_others=sheet.coded_by_others,
        suggestions=[_suggestion_out(s) for s in sheet.suggestions],
        my_codes=[_applied_out(sheet, c) for c in sheet.my_codes],
    )


def _suggestion_out(line: SuggestionLine) -> SuggestionOut:
    return SuggestionOut(
        id=line.id,
        code_key=line.code.key,
        code_label=line.code.label,
        confidence=line.confidence,
        model_version=line.model_version,
        evidence=[EvidenceOut(**e) for e in line.evidence],
        state=line.state,
        my_decision=line.my_decision,
    )


def _applied_out(sheet: ReviewSheet, coding: Coding) -> AppliedCodeOut:
    code = sheet.codes[coding.code_id]
    return AppliedCodeOut(
        code_key=code.key,
        code_label=code.label,
        source=coding.source,
        suggestion_id=coding.suggestion_id,
        model_version=coding.model_version,
        confidence=coding.confidence,
        created_at=coding.created_at,
    )


def queue_out(items: list[QueueItem]) -> list[QueueItemOut]:
    """The API shape of a queue."""
    return [QueueItemOut.model_validate(item) for item in items]


def adjudication_out(sheet: AdjudicationSheet) -> AdjudicationSheetOut:
    """The API shape of an adjudication sheet."""
    return AdjudicationSheetOut(
        story_id=sheet.story.id or 0,
        coders=[u.display_name for u in sheet.coders],
        agreed=[c.key for c in sheet.agreed],
        disputed=[
            DisputedOut(
                code_key=d.code.key,
                code_label=d.code.label,
                applied_by=d.applied_by,
                included=d.adjudication.included if d.adjudication else None,
                reason=d.adjudication.reason if d.adjudication else None,
                decided_at=d.adjudication.decided_at if d.adjudication else None,
            )
            for d in sheet.disputed
        ],
        complete=sheet.complete,
    )
