"""Meta-monitoring for programme leads (admins, facilitators, evaluators): how the
collecting is going, over the stories each may read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api.deps import SessionDep, StoryFiltersDep, require_roles
from storybank.access import Actor
from storybank.insights import monitoring as service
from storybank.insights.links import stories_query
from storybank.insights.monitoring_rounds import SiteBacklog
from storybank.insights.scope import DESCRIPTIVE
from storybank.stories.finding import StoryFilters

router = APIRouter(prefix="/insights", tags=["insights"])
LeadActor = Annotated[Actor, Depends(require_roles(*service.MONITORING_ROLES))]
STORIES = "/api/v1/stories?"


class UnitCountOut(BaseModel):
    unit_id: int | None
    name: str
    stories: int


class SiteCountOut(UnitCountOut):
    stories_url: str


class AuthorCountOut(BaseModel):
    author_id: int
    name: str
    stories: int
    last_submitted: datetime | None


class PeriodCountOut(BaseModel):
    period: str = Field(description='Month ("2026-03") or quarter ("2026-Q1") of submission')
    stories: int


class QuietSiteOut(BaseModel):
    site_id: int
    name: str
    last_submitted: datetime | None = Field(description="None: no story submitted yet")
    days_quiet: int | None


class LevelReachOut(BaseModel):
    level: str
    candidates: int = Field(description="Stories that were candidates in a round at this level")
    selected: int = Field(description="Stories a round at this level selected")
    stories: int = Field(description="Submitted stories in the filter")
    share: float


class FeedbackOutstandingOut(BaseModel):
    round_id: int
    round_name: str
    unit_name: str
    level: str
    period_name: str
    closed_at: datetime | None
    outstanding: int = Field(description="Candidate stories whose author has had no feedback")


class BacklogOut(BaseModel):
    site_id: int | None = Field(description="None: the whole filter")
    name: str
    awaiting: int
    oldest_submitted: datetime | None
    median_age_days: float | None


class MonitoringOut(BaseModel):
    generated_at: datetime
    period: str
    quiet_days: int
    stories: int = Field(description="Submitted stories in the filter that you may read")
    learning: int
    learning_share: float
    sites: list[SiteCountOut]
    regions: list[UnitCountOut]
    authors: list[AuthorCountOut]
    periods: list[PeriodCountOut]
    quiet_sites: list[QuietSiteOut]
    levels: list[LevelReachOut]
    feedback_outstanding: list[FeedbackOutstandingOut]
    backlog: BacklogOut
    backlog_by_site: list[BacklogOut]
    note: str = DESCRIPTIVE


@router.get("/monitoring", summary="Stories per unit, author and period; quiet sites; backlog")
def read_monitoring(
    session: SessionDep,
    actor: LeadActor,
    filters: StoryFiltersDep,
    period: Annotated[str, Query(pattern="^(month|quarter)$")] = "month",
    quiet_days: Annotated[int, Query(ge=1, le=3650)] = service.DEFAULT_QUIET_DAYS,
) -> MonitoringOut:
    found = service.monitoring(
        session=session, actor=actor, filters=filters, period=period, quiet_days=quiet_days
    )
    return monitoring_out(found, filters)


def _backlog(row: SiteBacklog) -> BacklogOut:
    return BacklogOut(
        site_id=row.site_id,
        name=row.name,
        awaiting=row.awaiting,
        oldest_submitted=row.oldest,
        median_age_days=row.median_age_days,
    )


def monitoring_out(found: service.Monitoring, filters: StoryFilters) -> MonitoringOut:
    """The monitoring figures as JSON, each site with the story list behind its count."""
    assert found.backlog is not None
    return MonitoringOut(
        generated_at=found.now,
        period=found.period,
        quiet_days=found.quiet_days,
        stories=found.stories,
        learning=found.learning,
        learning_share=round(found.learning_share, 4),
        sites=[
            SiteCountOut(**vars(s), stories_url=STORIES + stories_query(filters, site_id=s.unit_id))
            for s in found.sites
        ],
        regions=[UnitCountOut(**vars(r)) for r in found.regions],
        authors=[AuthorCountOut(**vars(a)) for a in found.authors],
        periods=[PeriodCountOut(period=p.key, stories=p.stories) for p in found.periods],
        quiet_sites=[
            QuietSiteOut(**vars(q), days_quiet=q.days_quiet(found.now)) for q in found.quiet
        ],
        levels=[LevelReachOut(**vars(r), share=round(r.share, 4)) for r in found.levels],
        feedback_outstanding=[FeedbackOutstandingOut(**vars(r)) for r in found.feedback],
        backlog=_backlog(found.backlog.overall),
        backlog_by_site=[_backlog(s) for s in found.backlog.sites],
    )
