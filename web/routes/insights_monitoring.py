"""The monitoring page for programme leads: each figure's table with its bar chart beside
it, and each table as CSV or XLSX (and its chart as SVG or PNG), honouring the filter."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.deps import SessionDep, StoryFiltersDep
from storybank.access import Actor, require_role
from storybank.insights import monitoring_tables as shown
from storybank.insights.monitoring import (
    DEFAULT_QUIET_DAYS,
    MONITORING_ROLES,
    Monitoring,
    monitoring,
)
from storybank.insights.scope import DESCRIPTIVE
from storybank.insights.tables import to_csv, to_xlsx
from storybank.stories.finding import StoryFilters
from storybank.units import list_units
from web.chart_images import chart_src
from web.deps import PageActor
from web.routes.insights import MEDIA
from web.templating import render

router = APIRouter(include_in_schema=False)
Name = Literal["sites", "regions", "authors", "periods", "quiet", "levels", "feedback", "backlog"]
Period = Annotated[str, Query(pattern="^(month|quarter)$")]
QuietDays = Annotated[int, Query(ge=1, le=3650)]
CHARTED = ("sites", "periods", "levels", "quiet", "feedback", "backlog", "authors")


def _figures(
    session: SessionDep, actor: Actor, filters: StoryFilters, period: str, quiet_days: int
) -> Monitoring:
    require_role(actor, *MONITORING_ROLES)
    return monitoring(
        session=session, actor=actor, filters=filters, period=period, quiet_days=quiet_days
    )


@router.get("/insights/monitoring")
def monitoring_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    filters: StoryFiltersDep,
    period: Period = "month",
    quiet_days: QuietDays = DEFAULT_QUIET_DAYS,
) -> Response:
    found = _figures(session, actor, filters, period, quiet_days)
    kept = urlencode(dict(request.query_params.items()))
    context = {
        "found": found,
        "tables": {name: make(found) for name, make in shown.TABLES.items()},
        "charts": {name: shown.monitoring_chart(found, name) for name in CHARTED},
        "chart_src": chart_src,
        "download": lambda name, fmt: f"/insights/monitoring/download/{name}.{fmt}?{kept}",
        "filters": filters,
        "units": list_units(session=session),
        "note": DESCRIPTIVE,
        "nav": "insights",
    }
    return render(request, "insights/monitoring.html", context)


@router.get("/insights/monitoring/download/{name}.{fmt}")
def monitoring_download(
    name: Name,
    fmt: Literal["csv", "xlsx", "svg", "png"],
    session: SessionDep,
    actor: PageActor,
    filters: StoryFiltersDep,
    period: Period = "month",
    quiet_days: QuietDays = DEFAULT_QUIET_DAYS,
) -> Response:
    found = _figures(session, actor, filters, period, quiet_days)
    if fmt in ("csv", "xlsx"):
        table = shown.TABLES[name](found)
        body: str | bytes = to_csv(table) if fmt == "csv" else to_xlsx(table)
    else:
        chart = shown.monitoring_chart(found, name)
        body = chart.svg() if fmt == "svg" else chart.png()
    headers = {
        "Content-Disposition": f'attachment; filename="monitoring-{name}.{fmt}"',
        "Cache-Control": "no-store",
    }
    return Response(body, media_type=MEDIA[fmt], headers=headers)
