"""The agreement page: reviewer pairs and model versions, a chart beside each table, and
the table and chart as downloads (?format=csv|svg|png&table=reviewers|model)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from storybank.access import Actor
from storybank.insights import agreement_exports as exports
from storybank.insights.agreement import reviewer_agreement
from storybank.insights.agreement_scope import AgreementFilters
from storybank.insights.charts import Chart
from storybank.insights.model_agreement import model_agreement
from storybank.insights.tables import Table, to_xlsx
from storybank.units import visible_sites
from web.chart_images import chart_src
from web.deps import PageActor
from web.templating import render

router = APIRouter(include_in_schema=False)
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "svg": "image/svg+xml",
    "png": "image/png",
}


@router.get("/insights/agreement")
def agreement_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    unit_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    date_from: date | None = None,
    date_to: date | None = None,
    format: Literal["html", "csv", "xlsx", "svg", "png"] = "html",
    table: Literal["reviewers", "model"] = "reviewers",
) -> Response:
    filters = AgreementFilters(unit_id=unit_id, date_from=date_from, date_to=date_to)
    if format != "html":
        return _download(session, actor, filters, format, table)
    reviewers = reviewer_agreement(session=session, actor=actor, filters=filters)
    models = model_agreement(session=session, actor=actor, filters=filters)
    context = {
        "reviewers": reviewers,
        "models": models,
        "reviewer_chart": exports.reviewer_kappa_chart(reviewers) if reviewers.codes else None,
        "model_chart": exports.model_kappa_chart(models) if models.versions else None,
        "sites": visible_sites(session=session, actor=actor),
        "filters": filters,
        "links": _download_links(request),
        "nav": "insights",
        # As data: images: the page's Content-Security-Policy allows no inline styles,
        # which an SVG placed in the page would need.
        "chart_src": chart_src,
    }
    return render(request, "insights/agreement.html", context)


def _download_links(request: Request) -> dict[str, dict[str, str]]:
    """Each table's downloads, keeping the page's filter."""
    kept = {k: v for k, v in request.query_params.items() if k not in ("format", "table")}
    return {
        table: {fmt: f"?{urlencode({**kept, 'table': table, 'format': fmt})}" for fmt in MEDIA}
        for table in ("reviewers", "model")
    }


def _table_and_chart(
    session: Session, actor: Actor, filters: AgreementFilters, table: str
) -> tuple[str, Chart]:
    if table == "reviewers":
        found = reviewer_agreement(session=session, actor=actor, filters=filters)
        return exports.reviewer_csv(found), exports.reviewer_kappa_chart(found)
    models = model_agreement(session=session, actor=actor, filters=filters)
    return exports.model_csv(models), exports.model_kappa_chart(models)


def _download(
    session: Session, actor: Actor, filters: AgreementFilters, fmt: str, table: str
) -> Response:
    """The table as CSV, or its chart as SVG or PNG, as an attachment."""
    text, chart = _table_and_chart(session, actor, filters, table)
    if fmt == "xlsx":
        rows = list(csv.reader(io.StringIO(text)))
        body: str | bytes = to_xlsx(Table(f"Agreement ({table})", rows[0], rows[1:]))
    else:
        body = text if fmt == "csv" else chart.svg() if fmt == "svg" else chart.png()
    headers = {
        "Content-Disposition": f'attachment; filename="agreement-{table}.{fmt}"',
        "Cache-Control": "no-store",
    }
    return Response(body, media_type=MEDIA[fmt], headers=headers)
