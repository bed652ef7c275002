"""How many stories carry each outcome and theme, out of how many ("19/33, 58%").

The denominator is the stories in the filter that have final codes; the stories still
awaiting review are counted beside it, never silently in or out. With `Pending.include`,
the awaiting stories that have pending suggestions at or above the chosen confidence join
the denominator and their suggested codes are counted apart (`suggested`), so a reader
always sees which part of a figure is a reviewer's and which is the model's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlmodel import Session, col

from storybank.access import Actor
from storybank.insights.code_sets import code_counts, code_sets_fit
from storybank.insights.scope import (
    CodeInfo,
    Pending,
    codebook,
    has_final_codes,
    scope_conditions,
)
from storybank.models import Story, StoryFinalCode, Suggestion, SuggestionState
from storybank.stories.finding import StoryFilters


@dataclass
class CodeCount:
    """One code's count among the filter's coded stories (and, apart, suggested ones)."""

    code: CodeInfo
    count: int
    denominator: int
    suggested: int = 0

    @property
    def share(self) -> float:
        """(count + suggested) / denominator, 0 when there are no stories."""
        return (self.count + self.suggested) / self.denominator if self.denominator else 0.0


@dataclass
class Frequencies:
    """Each code's count in one filter, with the denominator and what awaits review."""

    stories: int
    coded: int
    pending: Pending
    with_suggestions: int = 0
    codes: list[CodeCount] = field(default_factory=list)

    @property
    def awaiting(self) -> int:
        """Stories in the filter with no final codes yet."""
        return self.stories - self.coded

    @property
    def denominator(self) -> int:
        """Coded stories, plus the awaiting ones whose suggestions are counted."""
        return self.coded + self.with_suggestions


def code_frequencies(
    *, session: Session, actor: Actor, filters: StoryFilters, pending: Pending | None = None
) -> Frequencies:
    """The number of stories in the filter carrying each code, with the denominator."""
    pending = pending or Pending()
    scope = scope_conditions(session=session, actor=actor, filters=filters)
    codes = codebook(session=session)
    stories, coded, counts = _counted(session, scope, codes)
    found = Frequencies(stories, coded, pending)
    suggested: dict[int, int] = {}
    if pending.include:
        found.with_suggestions, suggested = _suggested(session, scope, pending.min_confidence)
    for code in codes:
        count, extra = counts.get(code.id, 0), suggested.get(code.id, 0)
        found.codes.append(CodeCount(code, count, found.denominator, extra))
    return found


def _counted(
    session: Session, scope: list[ColumnElement[bool]], codes: list[CodeInfo]
) -> tuple[int, int, dict[int, int]]:
    """Stories, coded stories and per-code counts: one pass over the code sets if they fit."""
    if code_sets_fit(session):
        found = code_counts(session, scope, [code.id for code in codes])[None]
        return found.stories, found.coded, found.per_code
    stories, coded = story_totals(session, scope)
    return stories, coded, final_counts(session, scope)


def story_totals(session: Session, scope: list[ColumnElement[bool]]) -> tuple[int, int]:
    """(stories in the scope, those with final codes): one query."""
    if code_sets_fit(session):
        totals = code_counts(session, scope, [])[None]
        return totals.stories, totals.coded
    coded = func.sum(case((has_final_codes(), 1), else_=0))
    row = session.execute(select(func.count(), coded).select_from(Story).where(*scope)).one()
    return int(row[0]), int(row[1] or 0)


def final_counts(session: Session, scope: list[ColumnElement[bool]]) -> dict[int, int]:
    """Stories in the scope per final code id: one grouped query."""
    if code_sets_fit(session):
        ids = [code.id for code in codebook(session=session)]
        return code_counts(session, scope, ids)[None].per_code
    query = (
        select(col(StoryFinalCode.code_id), func.count())
        .join(Story, col(Story.id) == StoryFinalCode.story_id)
        .where(*scope)
        .group_by(col(StoryFinalCode.code_id))
    )
    return {code_id: int(n) for code_id, n in session.execute(query)}


def _suggested(
    session: Session, scope: list[ColumnElement[bool]], min_confidence: float
) -> tuple[int, dict[int, int]]:
    """Awaiting stories with a pending suggestion at or above the confidence (how many),
    and per code how many of them it is suggested for."""
    qualifying = and_(
        col(Suggestion.state) == SuggestionState.pending,
        col(Suggestion.confidence) >= min_confidence,
        ~has_final_codes(),
        *scope,
    )
    joined = select(col(Suggestion.code_id), func.count(func.distinct(Suggestion.story_id))).join(
        Story, col(Story.id) == Suggestion.story_id
    )
    per_code = joined.where(qualifying).group_by(col(Suggestion.code_id))
    stories = (
        select(func.count(func.distinct(Suggestion.story_id)))
        .join(Story, col(Story.id) == Suggestion.story_id)
        .where(qualifying)
    )
    counts = {code_id: int(n) for code_id, n in session.execute(per_code)}
    return int(session.execute(stories).scalar() or 0), counts
