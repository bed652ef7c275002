"""Value recorded in stories: the change in weekly support cost where a story records the
cost before and after ("12 of 48 stories record a cost; together -£1,310 a week").

Only stories that record both costs count; the figure is never extrapolated to the stories
without one, and how many record a cost out of how many are in the filter is always given.
By outcome, a story with two outcomes is in both groups (the groups do not add up).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select
from sqlmodel import Session, col

from storybank.access import Actor
from storybank.errors import FieldProblem, InvalidInput
from storybank.insights.crosstabs import period_bucket
from storybank.insights.scope import scope_conditions
from storybank.models import Code, Story, StoryFinalCode, Unit
from storybank.stories.finding import StoryFilters

GROUPINGS = ("none", "site", "period", "outcome")


@dataclass
class CostChange:
    """The recorded weekly cost changes of one group of stories (after minus before)."""

    key: str
    label: str
    stories: int
    changes: list[Decimal] = field(default_factory=list)

    @property
    def costed(self) -> int:
        """Stories that record a cost before and after."""
        return len(self.changes)

    @property
    def total(self) -> Decimal:
        """The sum of the changes, in pounds a week (negative: support costs less)."""
        return sum(self.changes, Decimal(0))

    def spread(self) -> dict[str, Decimal | None]:
        """Smallest, lower quartile, median, upper quartile and largest change."""
        if not self.changes:
            return dict.fromkeys(("min", "q1", "median", "q3", "max"))
        ordered = sorted(self.changes)
        q1, median, q3 = (
            statistics.quantiles(ordered, n=4, method="inclusive")
            if len(ordered) > 1
            else (ordered[0],) * 3
        )
        return {"min": ordered[0], "q1": q1, "median": median, "q3": q3, "max": ordered[-1]}


@dataclass
class RecordedValue:
    """The whole filter's cost changes and, if asked, per group."""

    grouping: str
    overall: CostChange
    groups: list[CostChange] = field(default_factory=list)


def recorded_value(
    *,
    session: Session,
    actor: Actor,
    filters: StoryFilters,
    by: str = "none",
    period: str = "quarter",
) -> RecordedValue:
    """The recorded weekly cost changes in the filter, overall and by site, period or outcome."""
    if by not in GROUPINGS:
        message = f"Group the value by one of {', '.join(GROUPINGS)}."
        raise InvalidInput(message, problems=[FieldProblem("by", message)])
    scope = scope_conditions(session=session, actor=actor, filters=filters)
    overall = _groups(session, scope, None, None).get("") or CostChange("", "", 0)
    found = RecordedValue(by, overall)
    if by != "none":
        key, join = _grouping(session, by, period)
        labels = _labels(session, by)
        groups = _groups(session, scope, key, join)
        found.groups = [
            CostChange(k, labels.get(k, k or "Not given"), g.stories, g.changes)
            for k, g in sorted(groups.items(), key=lambda item: (item[0] == "", item[0]))
        ]
    found.overall.label = "All stories in the filter"
    return found


def _groups(
    session: Session, scope: list[ColumnElement[bool]], key: ColumnElement[Any] | None, join: Any
) -> dict[str, CostChange]:
    """Stories per group, and each costed story's change, in two queries (no key: one group)."""
    keyed: list[Any] = [key] if key is not None else [literal("")]
    counted = select(*keyed, func.count(func.distinct(Story.id))).select_from(Story)
    costs = select(*keyed, col(Story.weekly_cost_before), col(Story.weekly_cost_after)).select_from(
        Story
    )
    if join is not None:
        counted, costs = counted.join(*join), costs.join(*join)
    counted = counted.where(*scope)
    if key is not None:
        counted = counted.group_by(key)
    found: dict[str, CostChange] = {}
    for k, n in session.execute(counted):
        found[_text(k)] = CostChange(_text(k), "", int(n))
    recorded = costs.where(
        *scope,
        col(Story.weekly_cost_before).is_not(None),
        col(Story.weekly_cost_after).is_not(None),
    )
    for k, before, after in session.execute(recorded):
        found.setdefault(_text(k), CostChange(_text(k), "", 0)).changes.append(
            Decimal(after) - Decimal(before)
        )
    return found


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _grouping(session: Session, by: str, period: str) -> tuple[Any, Any]:
    if by == "site":
        return col(Story.site_id), None
    if by == "period":
        return period_bucket(session, period), None
    outcomes = (
        select(col(StoryFinalCode.story_id), col(Code.number))
        .join(Code, col(Code.id) == StoryFinalCode.code_id)
        .where(col(Code.number).is_not(None))
        .subquery()
    )
    return outcomes.c.number, (outcomes, outcomes.c.story_id == Story.id)


def _labels(session: Session, by: str) -> dict[str, str]:
    if by == "site":
        return {str(u.id): u.name for u in session.exec(select(Unit)).scalars()}  # type: ignore[call-overload]
    if by == "outcome":
        labelled = select(col(Code.number), col(Code.label)).where(col(Code.number).is_not(None))
        rows = session.execute(labelled)
        return {str(n): f"{n}. {label}" for n, label in rows}
    return {"": "No date"}
