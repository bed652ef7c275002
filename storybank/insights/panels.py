"""What panels value: each code's share among the stories selected at each MSC level
(site, region, programme) beside its share among all the filter's coded stories, with a
95% Wilson interval, so that three selected stories are not read as a trend."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, exists
from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.insights.frequencies import final_counts, story_totals
from storybank.insights.intervals import wilson_interval
from storybank.insights.scope import CodeInfo, codebook, scope_conditions
from storybank.models import DEFAULT_UNIT_LEVELS, RoundDecision, SelectionRound, Story, Unit
from storybank.stories.finding import StoryFilters


@dataclass
class LevelShare:
    """One code among the stories selected at one level."""

    count: int
    selected: int
    low: float
    high: float

    @property
    def share(self) -> float:
        """count / selected (0 when nothing was selected)."""
        return self.count / self.selected if self.selected else 0.0


@dataclass
class PanelValues:
    """Per level: how many coded stories were selected there, and each code's share."""

    coded: int
    bank: dict[int, int]
    codes: list[CodeInfo] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    selected: dict[str, int] = field(default_factory=dict)
    shares: dict[str, dict[int, LevelShare]] = field(default_factory=dict)

    def bank_share(self, code: CodeInfo) -> float:
        """The code's share among all the filter's coded stories."""
        return self.bank.get(code.id, 0) / self.coded if self.coded else 0.0


def selected_at(level: str) -> ColumnElement[bool]:
    """A condition on Story: a panel at a unit of this level selected it."""
    rounds = select(SelectionRound.id).join(Unit, col(Unit.id) == SelectionRound.unit_id)
    return exists().where(
        col(RoundDecision.story_id) == col(Story.id),
        col(RoundDecision.round_id).in_(rounds.where(Unit.level == level)),
    )


def panel_values(*, session: Session, actor: Actor, filters: StoryFilters) -> PanelValues:
    """Each code's share among stories selected at each level beside its bank share."""
    scope = scope_conditions(session=session, actor=actor, filters=filters)
    _, coded = story_totals(session, scope)
    found = PanelValues(coded, final_counts(session, scope), codebook(session=session))
    found.levels = _levels_with_rounds(session)
    for level in found.levels:
        chosen = [*scope, selected_at(level)]
        _, selected = story_totals(session, chosen)
        counts = final_counts(session, chosen)
        found.selected[level] = selected
        found.shares[level] = {
            code.id: _level_share(counts.get(code.id, 0), selected) for code in found.codes
        }
    return found


def _levels_with_rounds(session: Session) -> list[str]:
    """The unit levels that have held a round, from the sites up."""
    query = select(Unit.level).join(SelectionRound, col(SelectionRound.unit_id) == Unit.id)
    levels = set(session.exec(query.distinct()).all())
    order = list(DEFAULT_UNIT_LEVELS)
    return sorted(levels, key=lambda level: (order.index(level) if level in order else 9, level))


def _level_share(count: int, selected: int) -> LevelShare:
    return LevelShare(count, selected, *wilson_interval(count, selected))
