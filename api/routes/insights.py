"""Evaluator insights: code frequencies with denominators, cross-tabs, co-occurrence,
trends, what panels select and value recorded in stories, for any story-list filter.
Every figure is computed inside `access`: it never counts a story you may not read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import SessionDep, StoryFiltersDep, require_roles
from api.routes.insights_schemas import (
    CoOccurrenceOut,
    CrossTabOut,
    FrequenciesOut,
    PanelsOut,
    ValueOut,
    co_occurrence_out,
    cross_tab_out,
    frequencies_out,
    panels_out,
    value_out,
)
from storybank.access import Actor
from storybank.insights import cooccurrence, crosstabs, frequencies, panels, value
from storybank.insights.scope import INSIGHT_ROLES, Pending

router = APIRouter(prefix="/insights", tags=["insights"])
InsightActor = Annotated[Actor, Depends(require_roles(*INSIGHT_ROLES))]
Period = Annotated[str, Query(pattern="^(month|quarter|year)$")]


def pending_choice(
    include_suggested: bool = False,
    min_confidence: Annotated[float, Query(ge=0.0, le=1.0)] = 0.8,
) -> Pending:
    """Whether awaiting stories' pending suggestions count, and from what confidence."""
    return Pending(include_suggested, min_confidence)


@router.get("/frequencies", summary="Stories carrying each outcome and theme, with the denominator")
def read_frequencies(
    session: SessionDep,
    actor: InsightActor,
    filters: StoryFiltersDep,
    pending: Annotated[Pending, Depends(pending_choice)],
) -> FrequenciesOut:
    found = frequencies.code_frequencies(
        session=session, actor=actor, filters=filters, pending=pending
    )
    return frequencies_out(found, filters)


@router.get("/crosstab", summary="Codes by site, region, period, perspective, route or type")
def read_cross_tab(
    session: SessionDep,
    actor: InsightActor,
    filters: StoryFiltersDep,
    by: Annotated[
        str, Query(pattern="^(site|region|period|perspective|contact_route|story_type)$")
    ] = "site",
    period: Period = "quarter",
) -> CrossTabOut:
    table = crosstabs.cross_tab(
        session=session, actor=actor, filters=filters, dimension=by, period=period
    )
    return cross_tab_out(table, filters)


@router.get("/trends", summary="Each code's share of the coded stories by month, quarter or year")
def read_trends(
    session: SessionDep, actor: InsightActor, filters: StoryFiltersDep, period: Period = "quarter"
) -> CrossTabOut:
    table = crosstabs.cross_tab(
        session=session, actor=actor, filters=filters, dimension="period", period=period
    )
    return cross_tab_out(table, filters)


@router.get("/cooccurrence", summary="Pairs of codes in the same stories, with Jaccard and lift")
def read_co_occurrence(
    session: SessionDep, actor: InsightActor, filters: StoryFiltersDep
) -> CoOccurrenceOut:
    found = cooccurrence.co_occurrence(session=session, actor=actor, filters=filters)
    return co_occurrence_out(found, filters)


@router.get("/panels", summary="Each code's share among stories selected at each MSC level")
def read_panels(session: SessionDep, actor: InsightActor, filters: StoryFiltersDep) -> PanelsOut:
    return panels_out(panels.panel_values(session=session, actor=actor, filters=filters))


@router.get("/value", summary="Weekly support cost changes recorded in stories")
def read_value(
    session: SessionDep,
    actor: InsightActor,
    filters: StoryFiltersDep,
    by: Annotated[str, Query(pattern="^(none|site|period|outcome)$")] = "none",
    period: Period = "quarter",
) -> ValueOut:
    found = value.recorded_value(
        session=session, actor=actor, filters=filters, by=by, period=period
    )
    return value_out(found)
