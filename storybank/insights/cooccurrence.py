"""Which codes appear together in the same stories: the count of stories carrying both
codes of each pair, with two normalised measures, Jaccard (both / either) and lift (how
much more often than if the two were independent in this filter)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from storybank.access import Actor
from storybank.insights.code_sets import code_set_values, code_sets_fit
from storybank.insights.frequencies import final_counts, story_totals
from storybank.insights.scope import CodeInfo, codebook, scope_conditions
from storybank.models import Story, StoryFinalCode
from storybank.stories.finding import StoryFilters


@dataclass
class Pair:
    """Two codes and the stories that carry both."""

    first: CodeInfo
    second: CodeInfo
    both: int
    jaccard: float
    lift: float | None


@dataclass
class CoOccurrence:
    """Pair counts among the filter's coded stories; `singles` per code id."""

    coded: int
    codes: list[CodeInfo] = field(default_factory=list)
    singles: dict[int, int] = field(default_factory=dict)
    both: dict[tuple[int, int], int] = field(default_factory=dict)

    def pair(self, first: CodeInfo, second: CodeInfo) -> Pair:
        """The figures for two codes (in either order)."""
        key = (min(first.id, second.id), max(first.id, second.id))
        both = self.both.get(key, 0) if first.id != second.id else self.singles.get(first.id, 0)
        a, b = self.singles.get(first.id, 0), self.singles.get(second.id, 0)
        either = a + b - both
        lift = both * self.coded / (a * b) if a and b else None
        return Pair(first, second, both, both / either if either else 0.0, lift)

    def pairs(self) -> list[Pair]:
        """Every pair of different codes that occurs at least once, most frequent first."""
        by_id = {c.id: c for c in self.codes}
        found = [self.pair(by_id[a], by_id[b]) for a, b in self.both if a in by_id and b in by_id]
        return sorted(found, key=lambda p: (-p.both, p.first.key, p.second.key))


def co_occurrence(*, session: Session, actor: Actor, filters: StoryFilters) -> CoOccurrence:
    """Stories carrying each pair of final codes (and each code alone)."""
    scope = scope_conditions(session=session, actor=actor, filters=filters)
    codes = codebook(session=session)
    if code_sets_fit(session):
        return _from_code_sets(session, scope, codes)
    _, coded = story_totals(session, scope)
    found = CoOccurrence(coded, codes, final_counts(session, scope))
    found.both = _pairs_by_self_join(session, scope)
    return found


def _from_code_sets(
    session: Session, scope: list[ColumnElement[bool]], codes: list[CodeInfo]
) -> CoOccurrence:
    """One pass over the stories' code sets (stories.code_set), counted per distinct set,
    then every pair's count as one matrix product over the sets."""
    # Counting equal sets here is cheaper than a GROUP BY, which sorts every story.
    sets, counts = np.unique(code_set_values(session, scope), return_counts=True)
    weights = counts.astype(np.float64)
    ids = sorted(c.id for c in codes)
    bits = np.array(ids, dtype=np.uint64)
    present = ((sets[:, None] >> bits[None, :]) & np.uint64(1)).astype(np.float64)
    # A float product runs in BLAS; the counts stay exact (far below 2**53).
    together = np.rint((present * weights[:, None]).T @ present).astype(np.int64)
    found = CoOccurrence(int(weights.sum()), codes)
    found.singles = {ids[i]: int(together[i, i]) for i in range(len(ids)) if together[i, i]}
    upper = np.argwhere(np.triu(together, k=1) > 0)
    found.both = {(ids[a], ids[b]): int(together[a, b]) for a, b in upper}
    return found


def _pairs_by_self_join(
    session: Session, scope: list[ColumnElement[bool]]
) -> dict[tuple[int, int], int]:
    """Pair counts by joining the final codes to themselves (codebooks past 62 codes)."""
    other = aliased(StoryFinalCode)
    query = (
        select(col(StoryFinalCode.code_id), col(other.code_id), func.count())
        .select_from(StoryFinalCode)
        .join(
            other,
            (col(other.story_id) == col(StoryFinalCode.story_id))
            & (col(other.code_id) > col(StoryFinalCode.code_id)),
        )
        .join(Story, col(Story.id) == StoryFinalCode.story_id)
        .where(*scope)
        .group_by(col(StoryFinalCode.code_id), col(other.code_id))
    )
    return {(a, b): int(n) for a, b, n in session.execute(query)}
