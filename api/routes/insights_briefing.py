"""The evidence briefing's figures as JSON: each outcome and leading theme with its
denominator and example story ids, the recorded value and the period's MSC selections."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api.deps import SessionDep, StoryFiltersDep, require_roles
from api.routes.insights_schemas import CodeOut, code_out
from storybank.access import Actor
from storybank.insights.briefing import Briefing, CodeFigure, evidence_briefing
from storybank.insights.links import stories_query
from storybank.insights.scope import DESCRIPTIVE, INSIGHT_ROLES
from storybank.models import Id
from storybank.stories.finding import StoryFilters

router = APIRouter(prefix="/insights", tags=["insights"])
InsightActor = Annotated[Actor, Depends(require_roles(*INSIGHT_ROLES))]
STORIES = "/api/v1/stories?"


class BriefingCodeOut(CodeOut):
    count: int
    denominator: int = Field(description="Coded stories in the filter")
    share: float
    example_story_ids: list[int] = Field(
        description="Stories shown as examples: consent beyond the site, de-identified"
    )
    stories_url: str


class BriefingValueOut(BaseModel):
    stories: int
    record_a_cost: int = Field(description="Stories recording a weekly cost before and after")
    total_weekly_change: Decimal = Field(description="Pounds a week; negative: support costs less")


class BriefingSelectionOut(BaseModel):
    round_id: int
    round_name: str
    level: str
    unit_name: str
    period_name: str
    domain: str
    story_id: int
    title: str = Field(description="De-identified, or withheld when the story may not be shared")
    reasons: str = Field(description="The panel's reasons in de-identified words ('' if withheld)")


class BriefingOut(BaseModel):
    described: str = Field(description="The filter in words")
    generated_on: date
    stories: int
    coded: int
    awaiting_review: int
    outcomes: list[BriefingCodeOut]
    themes: list[BriefingCodeOut] = Field(description="The leading themes, most stories first")
    value: BriefingValueOut
    selections: list[BriefingSelectionOut]
    note: str = DESCRIPTIVE


@router.get("/briefing", summary="The evidence briefing's figures and example story ids")
def read_briefing(
    session: SessionDep,
    actor: InsightActor,
    filters: StoryFiltersDep,
    period_id: Annotated[Id | None, Query(description="A reporting period's selections")] = None,
) -> BriefingOut:
    found = evidence_briefing(session=session, actor=actor, filters=filters, period_id=period_id)
    return briefing_out(found, filters)


def _code(figure: CodeFigure, filters: StoryFilters) -> BriefingCodeOut:
    return BriefingCodeOut(
        **code_out(figure.code).model_dump(),
        count=figure.count,
        denominator=figure.denominator,
        share=round(figure.share, 4),
        example_story_ids=[e.story_id for e in figure.examples],
        stories_url=STORIES + stories_query(filters, figure.code),
    )


def briefing_out(found: Briefing, filters: StoryFilters) -> BriefingOut:
    """The briefing as JSON."""
    return BriefingOut(
        described=found.described,
        generated_on=found.generated_on,
        stories=found.stories,
        coded=found.coded,
        awaiting_review=found.awaiting,
        outcomes=[_code(f, filters) for f in found.outcomes],
        themes=[_code(f, filters) for f in found.themes],
        value=BriefingValueOut(
            stories=found.value.stories,
            record_a_cost=found.value.costed,
            total_weekly_change=found.value.total,
        ),
        selections=[
            BriefingSelectionOut(**{k: v for k, v in vars(s).items() if k != "shown"})
            for s in found.selections
        ],
    )
