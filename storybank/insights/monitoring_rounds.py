"""Monitoring the rounds and the review: how far stories travel through the MSC levels,
closed rounds whose storytellers still await feedback, and the review backlog with its
age. Grouped SQL queries over the stories of a scope (see `monitoring.py`)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlmodel import Session, col

from storybank.insights.scope import has_final_codes
from storybank.models import (
    DEFAULT_UNIT_LEVELS,
    ReportingPeriod,
    RoundCandidate,
    RoundDecision,
    RoundFeedback,
    RoundState,
    SelectionRound,
    Story,
    Unit,
)
from storybank.models.base import UTCDateTime


@dataclass
class LevelReach:
    """Stories that were candidates (and that were selected) in rounds at one level."""

    level: str
    candidates: int
    selected: int
    stories: int

    @property
    def share(self) -> float:
        """Candidates at this level over the filter's submitted stories."""
        return self.candidates / self.stories if self.stories else 0.0


@dataclass
class OutstandingFeedback:
    """A closed round with candidate stories whose authors have had no feedback."""

    round_id: int
    round_name: str
    unit_name: str
    level: str
    period_name: str
    closed_at: datetime | None
    outstanding: int


@dataclass
class SiteBacklog:
    """Stories awaiting review in one site (or, with no site, the whole filter)."""

    site_id: int | None
    name: str
    awaiting: int
    oldest: datetime | None
    median_age_days: float | None


@dataclass
class Backlog:
    """The review backlog: stories with no final codes, overall and by site."""

    overall: SiteBacklog
    sites: list[SiteBacklog] = field(default_factory=list)


def level_reach(
    session: Session, scope: list[ColumnElement[bool]], stories: int
) -> list[LevelReach]:
    """Per level (site, region, programme, then any other): stories that were candidates
    and stories selected there, over the filter's stories; two grouped queries."""
    candidates = _per_level(session, scope, RoundCandidate)
    selected = _per_level(session, scope, RoundDecision)
    order = list(DEFAULT_UNIT_LEVELS)
    levels = order + sorted((set(candidates) | set(selected)) - set(order))
    return [
        LevelReach(level, candidates.get(level, 0), selected.get(level, 0), stories)
        for level in levels
    ]


def _per_level(
    session: Session, scope: list[ColumnElement[bool]], rows: type[RoundCandidate | RoundDecision]
) -> dict[str, int]:
    """Distinct stories of the scope per level of the rounds where they have a row."""
    query = (
        select(col(Unit.level), func.count(func.distinct(Story.id)))
        .select_from(Story)
        .join(rows, col(rows.story_id) == Story.id)
        .join(SelectionRound, col(SelectionRound.id) == rows.round_id)
        .join(Unit, col(Unit.id) == SelectionRound.unit_id)
        .where(*scope)
        .group_by(col(Unit.level))
    )
    return {level: int(n) for level, n in session.execute(query)}


def outstanding_feedback(
    session: Session, scope: list[ColumnElement[bool]]
) -> list[OutstandingFeedback]:
    """Closed rounds with candidate stories (in the scope) whose author has no feedback
    row for that round, with how many; one grouped query, most outstanding first."""
    sent = exists().where(
        col(RoundFeedback.round_id) == RoundCandidate.round_id,
        col(RoundFeedback.story_id) == RoundCandidate.story_id,
    )
    keys = (
        col(SelectionRound.id),
        col(SelectionRound.name),
        col(Unit.name),
        col(Unit.level),
        col(ReportingPeriod.name),
        col(SelectionRound.closed_at),
    )
    query = (
        select(*keys, func.count(func.distinct(RoundCandidate.story_id)))
        .select_from(RoundCandidate)
        .join(Story, col(Story.id) == RoundCandidate.story_id)
        .join(SelectionRound, col(SelectionRound.id) == RoundCandidate.round_id)
        .join(Unit, col(Unit.id) == SelectionRound.unit_id)
        .join(ReportingPeriod, col(ReportingPeriod.id) == SelectionRound.period_id)
        .where(col(SelectionRound.state) == RoundState.closed, ~sent, *scope)
        .group_by(*keys)
    )
    found = [
        OutstandingFeedback(i, name, unit, level, period, aware(closed), int(n))
        for i, name, unit, level, period, closed, n in session.execute(query)
    ]
    return sorted(found, key=lambda r: (-r.outstanding, r.round_name))


def review_backlog(session: Session, scope: list[ColumnElement[bool]], now: datetime) -> Backlog:
    """Stories with no final codes: how many, the oldest submission and the median age in
    days, overall and by site (grouped queries; the median from the middle rows only)."""
    awaiting = [*scope, ~has_final_codes()]
    by_site = (
        select(col(Unit.id), col(Unit.name), func.count(), func.min(Story.submitted_at))
        .join(Story, col(Story.site_id) == Unit.id)
        .where(*awaiting)
        .group_by(col(Unit.id), col(Unit.name))
    )
    middles = _middle_submissions(session, awaiting, col(Story.site_id))
    sites = [
        SiteBacklog(i, name, int(n), aware(oldest), _median_age(middles.get(i, []), now))
        for i, name, n, oldest in session.execute(by_site)
    ]
    sites.sort(key=lambda s: (-s.awaiting, s.name))
    total = sum(s.awaiting for s in sites)
    oldest = min((s.oldest for s in sites if s.oldest is not None), default=None)
    overall_middle = _middle_submissions(session, awaiting, None).get(None, [])
    overall = SiteBacklog(None, "All stories in the filter", total, oldest, None)
    overall.median_age_days = _median_age(overall_middle, now)
    return Backlog(overall, sites)


def _middle_submissions(
    session: Session, conditions: list[ColumnElement[bool]], partition: Any
) -> dict[Any, list[datetime]]:
    """The one or two middle submission times of each group (by `partition`, or of all
    when None), ranked in SQL with window functions so only those rows are read."""
    submitted = col(Story.submitted_at)
    rank = func.row_number().over(partition_by=partition, order_by=(submitted, col(Story.id)))
    size = func.count().over(partition_by=partition)
    grouped = [partition.label("grp")] if partition is not None else []
    ranked = (
        select(*grouped, submitted.label("at"), rank.label("rn"), size.label("n"))
        .where(*conditions, submitted.is_not(None))
        .subquery()
    )
    middle = or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)
    keys = [ranked.c.grp] if partition is not None else []
    found: dict[Any, list[datetime]] = {}
    for row in session.execute(select(*keys, ranked.c.at).where(middle)):
        found.setdefault(row[0] if keys else None, []).append(aware(row[-1]))
    return found


def _median_age(middle: list[Any], now: datetime) -> float | None:
    """The median age in days, from the middle submission time(s) of a group."""
    if not middle:
        return None
    ages = [(now - at).total_seconds() / 86400 for at in middle]
    return round(statistics.fmean(ages), 1)


def aware(value: Any) -> Any:
    """A timestamp from an aggregate or a subquery as an aware UTC time."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return UTCDateTime().process_result_value(value, None)
