"""The evaluator's insights page: counts with denominators, a cross-tab, trends,
co-occurrence, what panels select and recorded value for one filter, each table with its
chart (loaded as an image) and downloads as CSV, XLSX, SVG and PNG."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from api.deps import SessionDep
from api.routes.insights import pending_choice
from storybank.access import require_role
from storybank.codebook import list_codes
from storybank.errors import FieldProblem, InvalidInput
from storybank.insights import cooccurrence, crosstabs, frequencies, panels, tables, value
from storybank.insights.links import column_params, stories_query
from storybank.insights.scope import DESCRIPTIVE, INSIGHT_ROLES, Pending
from storybank.models import LABELS, ConsentLevel, ContactRoute, Perspective
from storybank.msc.domains import list_domains
from storybank.stories.finding import StoryFilters
from storybank.units import list_units
from web.deps import PageActor
from web.forms.story_filters import StoryListQuery
from web.templating import render

router = APIRouter(include_in_schema=False)
Name = Literal["frequencies", "themes", "crosstab", "trends", "cooccurrence", "panels", "value"]
Format = Literal["csv", "xlsx", "svg", "png"]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "svg": "image/svg+xml",
    "png": "image/png",
}
By = Annotated[str, Query(pattern="^(site|region|period|perspective|contact_route|story_type)$")]
Period = Annotated[str, Query(pattern="^(month|quarter|year)$")]


def _results(
    session: Any, actor: Any, filters: StoryFilters, pending: Pending, by: str, period: str
) -> dict[str, Any]:
    return {
        "freq": frequencies.code_frequencies(
            session=session, actor=actor, filters=filters, pending=pending
        ),
        "cross": crosstabs.cross_tab(
            session=session, actor=actor, filters=filters, dimension=by, period=period
        ),
        "trend": crosstabs.cross_tab(
            session=session, actor=actor, filters=filters, dimension="period", period=period
        ),
        "pairs": cooccurrence.co_occurrence(session=session, actor=actor, filters=filters),
        "panels": panels.panel_values(session=session, actor=actor, filters=filters),
        "value": value.recorded_value(session=session, actor=actor, filters=filters, by="outcome"),
    }


def _filters(query: StoryListQuery) -> StoryFilters:
    """The story-list filters of the form (blank boxes mean any), or a 422 naming a bad date."""
    problems = query.date_problems
    if problems:
        name, problem = next(iter(problems.items()))
        raise InvalidInput(problem.message, problems=[FieldProblem(name, problem.message)])
    return query.filters()


@router.get("/insights")
def insights_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    query: Annotated[StoryListQuery, Query()],
    pending: Annotated[Pending, Depends(pending_choice)],
    by: By = "site",
    period: Period = "quarter",
) -> Response:
    require_role(actor, *INSIGHT_ROLES)
    filters = _filters(query)
    found = _results(session, actor, filters, pending, by, period)
    kept = {k: v for k, v in request.query_params.items()}
    context = {
        **found,
        "filters": filters,
        "pending": pending,
        "by": by,
        "period": period,
        "note": DESCRIPTIVE,
        "list_link": lambda code=None, **extra: "/stories?" + stories_query(filters, code, **extra),
        "column_params": column_params,
        "download": lambda name, fmt: f"/insights/download/{name}.{fmt}?{urlencode(kept)}",
        "units": list_units(session=session),
        "codes": list_codes(session=session),
        "domains": list_domains(session=session),
        "choices": {
            "perspective": [(p.value, LABELS[p.value]) for p in Perspective],
            "contact_route": [(c.value, LABELS[c.value]) for c in ContactRoute],
            "consent_level": [(c.value, LABELS.get(c.value, c.value)) for c in ConsentLevel],
        },
        "nav": "insights",
    }
    return render(request, "insights/index.html", context)


@router.get("/insights/download/{name}.{fmt}")
def insights_download(
    name: Name,
    fmt: Format,
    session: SessionDep,
    actor: PageActor,
    query: Annotated[StoryListQuery, Query()],
    pending: Annotated[Pending, Depends(pending_choice)],
    by: By = "site",
    period: Period = "quarter",
) -> Response:
    require_role(actor, *INSIGHT_ROLES)
    filters = _filters(query)
    table, chart = _table_and_chart(session, actor, filters, pending, name, by, period)
    if fmt == "csv":
        body: str | bytes = tables.to_csv(table)
    elif fmt == "xlsx":
        body = tables.to_xlsx(table)
    else:
        body = chart().svg() if fmt == "svg" else chart().png()
    headers = {
        "Content-Disposition": f'attachment; filename="insights-{name}.{fmt}"',
        "Cache-Control": "no-store",
    }
    return Response(body, media_type=MEDIA[fmt], headers=headers)


def _table_and_chart(
    session: Any,
    actor: Any,
    filters: StoryFilters,
    pending: Pending,
    name: str,
    by: str,
    period: str,
) -> tuple[tables.Table, Any]:
    """One insight as its table, and a function drawing its chart (drawn only if asked)."""
    if name in ("frequencies", "themes"):
        freq = frequencies.code_frequencies(
            session=session, actor=actor, filters=filters, pending=pending
        )
        kind = "outcome" if name == "frequencies" else "theme"
        return tables.frequencies_table(freq), lambda: tables.frequencies_chart(freq, kind)
    if name in ("crosstab", "trends"):
        dimension = by if name == "crosstab" else "period"
        cross = crosstabs.cross_tab(
            session=session, actor=actor, filters=filters, dimension=dimension, period=period
        )
        draw = tables.cross_tab_chart if name == "crosstab" else tables.trend_chart
        return tables.cross_tab_table(cross), lambda: draw(cross)
    if name == "cooccurrence":
        pairs = cooccurrence.co_occurrence(session=session, actor=actor, filters=filters)
        return tables.co_occurrence_table(pairs), lambda: tables.co_occurrence_chart(pairs)
    if name == "panels":
        chosen = panels.panel_values(session=session, actor=actor, filters=filters)
        level = chosen.levels[-1] if chosen.levels else "programme"
        return tables.panels_table(chosen), lambda: tables.panels_chart(chosen, level)
    recorded = value.recorded_value(session=session, actor=actor, filters=filters, by="outcome")
    return tables.value_table(recorded), lambda: tables.value_chart(recorded)
