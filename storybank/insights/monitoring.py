"""Meta-monitoring for programme leads: how the collecting itself is going, for a filter.

Stories per site and region, per author and per month or quarter they were submitted;
sites gone quiet; how far stories travel through the MSC rounds; closed rounds whose
storytellers still await feedback; the review backlog and its age; the share of learning
stories. Every figure is a grouped SQL query inside `scope_conditions`, so a lead's
figures never count a story they may not read. The rounds and the backlog are in
`monitoring_rounds.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlmodel import Session, col

from storybank.access import Actor, descendants
from storybank.errors import FieldProblem, InvalidInput
from storybank.insights.crosstabs import period_bucket
from storybank.insights.monitoring_rounds import (
    Backlog,
    LevelReach,
    OutstandingFeedback,
    aware,
    level_reach,
    outstanding_feedback,
    review_backlog,
)
from storybank.insights.scope import scope_conditions
from storybank.models import SITE_LEVEL, Role, Story, StoryType, Unit, User, utcnow
from storybank.stories.finding import StoryFilters

# Who reads the monitoring figures: programme leads (admins), facilitators and evaluators.
MONITORING_ROLES = (Role.admin, Role.facilitator, Role.evaluator)
MONITORING_PERIODS = ("month", "quarter")
DEFAULT_QUIET_DAYS = 60


@dataclass
class UnitCount:
    """Stories of one site or region."""

    unit_id: int | None
    name: str
    stories: int


@dataclass
class AuthorCount:
    """Stories one person wrote, and when they last submitted one."""

    author_id: int
    name: str
    stories: int
    last_submitted: datetime | None


@dataclass
class PeriodCount:
    """Stories submitted in one month ("2026-03") or quarter ("2026-Q1")."""

    key: str
    stories: int


@dataclass
class QuietSite:
    """A site with no story submitted in the last N days (`last_submitted` None: never)."""

    site_id: int
    name: str
    last_submitted: datetime | None

    def days_quiet(self, now: datetime) -> int | None:
        """Whole days since the last submission (None when there has been none)."""
        return None if self.last_submitted is None else (now - self.last_submitted).days


@dataclass
class Monitoring:
    """Every monitoring figure of one filter."""

    now: datetime
    period: str
    quiet_days: int
    stories: int = 0
    learning: int = 0
    sites: list[UnitCount] = field(default_factory=list)
    regions: list[UnitCount] = field(default_factory=list)
    authors: list[AuthorCount] = field(default_factory=list)
    periods: list[PeriodCount] = field(default_factory=list)
    quiet: list[QuietSite] = field(default_factory=list)
    levels: list[LevelReach] = field(default_factory=list)
    feedback: list[OutstandingFeedback] = field(default_factory=list)
    backlog: Backlog | None = None

    @property
    def learning_share(self) -> float:
        """Learning stories over all the filter's stories (0 when there are none)."""
        return self.learning / self.stories if self.stories else 0.0


def monitoring(
    *,
    session: Session,
    actor: Actor,
    filters: StoryFilters,
    period: str = "month",
    quiet_days: int = DEFAULT_QUIET_DAYS,
    now: datetime | None = None,
) -> Monitoring:
    """The monitoring figures of the filter's submitted stories that the actor may read."""
    _check(period, quiet_days)
    scope = scope_conditions(session=session, actor=actor, filters=filters)
    found = Monitoring(now or utcnow(), period, quiet_days)
    found.stories, found.learning = _totals(session, scope)
    found.sites, found.regions = _per_unit(session, scope)
    found.authors = _per_author(session, scope)
    found.periods = _per_period(session, scope, period)
    found.quiet = _quiet_sites(session, actor, filters, scope, found.now, quiet_days)
    found.levels = level_reach(session, scope, found.stories)
    found.feedback = outstanding_feedback(session, scope)
    found.backlog = review_backlog(session, scope, found.now)
    return found


def _check(period: str, quiet_days: int) -> None:
    if period not in MONITORING_PERIODS:
        message = f"Choose a period of {' or '.join(MONITORING_PERIODS)}."
        raise InvalidInput(message, problems=[FieldProblem("period", message)])
    if not 1 <= quiet_days <= 3650:
        message = "Give the days after which a site counts as quiet, from 1 to 3650."
        raise InvalidInput(message, problems=[FieldProblem("quiet_days", message)])


def _totals(session: Session, scope: list[ColumnElement[bool]]) -> tuple[int, int]:
    """(stories in the scope, learning stories among them): one query."""
    learning = func.sum(case((col(Story.story_type) == StoryType.learning, 1), else_=0))
    row = session.execute(select(func.count(), learning).select_from(Story).where(*scope)).one()
    return int(row[0]), int(row[1] or 0)


def _per_unit(
    session: Session, scope: list[ColumnElement[bool]]
) -> tuple[list[UnitCount], list[UnitCount]]:
    """Stories per site and per region (a site's parent), most first: two grouped queries."""
    site = select(col(Unit.id), col(Unit.name), func.count()).join(
        Story, col(Story.site_id) == Unit.id
    )
    sites = session.execute(site.where(*scope).group_by(col(Unit.id), col(Unit.name))).all()
    region = (
        select(col(Unit.parent_id), func.count())
        .select_from(Story)
        .join(Unit, col(Unit.id) == Story.site_id)
        .where(*scope)
        .group_by(col(Unit.parent_id))
    )
    regions = session.execute(region).all()
    names = _unit_names(session, [r[0] for r in regions if r[0] is not None])
    return (
        _most_first([UnitCount(i, name, int(n)) for i, name, n in sites]),
        _most_first([UnitCount(i, names.get(i or 0, "No region"), int(n)) for i, n in regions]),
    )


def _most_first(counts: list[Any]) -> list[Any]:
    return sorted(counts, key=lambda c: (-c.stories, c.name))


def _unit_names(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(col(Unit.id), col(Unit.name)).where(col(Unit.id).in_(ids)))
    return {unit_id: name for unit_id, name in rows}


def _per_author(session: Session, scope: list[ColumnElement[bool]]) -> list[AuthorCount]:
    """Stories per author with their last submission, most first: one grouped query."""
    query = (
        select(col(User.id), col(User.display_name), func.count(), func.max(Story.submitted_at))
        .join(Story, col(Story.author_id) == User.id)
        .where(*scope)
        .group_by(col(User.id), col(User.display_name))
    )
    rows = session.execute(query).all()
    return _most_first([AuthorCount(i, name, int(n), aware(last)) for i, name, n, last in rows])


def _per_period(
    session: Session, scope: list[ColumnElement[bool]], period: str
) -> list[PeriodCount]:
    """Stories per month or quarter of submission, oldest first: one grouped query."""
    bucket = period_bucket(session, period, col(Story.submitted_at))
    query = select(bucket, func.count()).select_from(Story).where(*scope).group_by(bucket)
    rows = session.execute(query).all()
    return sorted((PeriodCount(k or "", int(n)) for k, n in rows), key=lambda p: p.key)


def _quiet_sites(
    session: Session,
    actor: Actor,
    filters: StoryFilters,
    scope: list[ColumnElement[bool]],
    now: datetime,
    days: int,
) -> list[QuietSite]:
    """The filter's sites with no story submitted since `days` ago, longest quiet first."""
    last = (
        select(col(Story.site_id), func.max(Story.submitted_at).label("last"))
        .where(*scope)
        .group_by(col(Story.site_id))
        .subquery()
    )
    query = (
        select(col(Unit.id), col(Unit.name), last.c.last)
        .outerjoin(last, last.c.site_id == Unit.id)
        .where(col(Unit.level) == SITE_LEVEL, *_sites_in_view(session, actor, filters))
    )
    since = now - timedelta(days=days)
    found = [QuietSite(i, name, aware(when)) for i, name, when in session.execute(query)]
    quiet = [s for s in found if s.last_submitted is None or s.last_submitted < since]
    return sorted(quiet, key=lambda s: (s.last_submitted is not None, s.last_submitted, s.name))


def _sites_in_view(
    session: Session, actor: Actor, filters: StoryFilters
) -> list[ColumnElement[bool]]:
    """Conditions on Unit: the sites the actor's grants cover, inside the filter's unit."""
    found: list[ColumnElement[bool]] = []
    if not actor.is_admin:
        found.append(col(Unit.id).in_(sorted(actor.site_ids)))
    if filters.site_id is not None:
        found.append(col(Unit.id) == filters.site_id)
    if filters.unit_id is not None:
        tree = session.execute(select(col(Unit.id), col(Unit.parent_id))).all()
        below = descendants((i or 0, parent) for i, parent in tree)
        found.append(col(Unit.id).in_(sorted(below.get(filters.unit_id, set()))))
    return found
