"""Which codes appear together in the same stories: the count of stories carrying both
codes of each pair, with two normalised measures, Jaccard (both / either) and lift (how
much more often than if the two were independent in this filter)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from storybank.access import Actor
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
    """Stories carrying each pair of final codes, in one grouped self-join."""
    scope = scope_conditions(session=session, actor=actor, filters=filters)
    _, coded = story_totals(session, scope)
    found = CoOccurrence(coded, codebook(session=session), final_counts(session, scope))
    other = aliased(StoryFinalCode)
    query = (
        select(StoryFinalCode.code_id, other.code_id, func.count())
        .select_from(StoryFinalCode)
        .join(
            other,
            (other.story_id == StoryFinalCode.story_id) & (other.code_id > StoryFinalCode.code_id),
        )
        .join(Story, col(Story.id) == StoryFinalCode.story_id)
        .where(*scope)
        .group_by(StoryFinalCode.code_id, other.code_id)
    )
    found.both = {(a, b): int(n) for a, b, n in session.execute(query)}
    return found
