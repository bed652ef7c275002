"""The evidence briefing for a filter: a printable page (/insights/briefing) and the same
document as PDF (/insights/briefing.pdf), charts inside as SVG."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.deps import SessionDep, StoryFiltersDep
from storybank.access import Actor, require_role
from storybank.insights.briefing import Briefing, code_chart, evidence_briefing
from storybank.insights.briefing_wording import long_date
from storybank.insights.scope import INSIGHT_ROLES
from storybank.models import Id
from storybank.stories.finding import StoryFilters
from web.chart_images import chart_src
from web.deps import PageActor
from web.pdf import render_pdf
from web.templating import render

router = APIRouter(include_in_schema=False)
PeriodId = Annotated[Id | None, Query(description="A reporting period's MSC selections")]


def _briefing(
    session: SessionDep, actor: Actor, filters: StoryFilters, period_id: int | None
) -> dict[str, Any]:
    """The briefing and what its template needs to show it."""
    require_role(actor, *INSIGHT_ROLES)
    found: Briefing = evidence_briefing(
        session=session, actor=actor, filters=filters, period_id=period_id
    )
    return {
        "briefing": found,
        "charts": {f.code.id: chart_src(code_chart(f)) for f in found.outcomes + found.themes},
        "long_date": long_date,
        "nav": "insights",
    }


@router.get("/insights/briefing")
def briefing_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    filters: StoryFiltersDep,
    period_id: PeriodId = None,
) -> Response:
    context = _briefing(session, actor, filters, period_id)
    context["pdf_link"] = f"/insights/briefing.pdf?{request.query_params}"
    return render(request, "insights/briefing.html", context)


@router.get("/insights/briefing.pdf")
def briefing_pdf(
    session: SessionDep, actor: PageActor, filters: StoryFiltersDep, period_id: PeriodId = None
) -> Response:
    context = _briefing(session, actor, filters, period_id)
    headers = {
        "Content-Disposition": 'attachment; filename="evidence-briefing.pdf"',
        "Cache-Control": "no-store",
    }
    body = render_pdf("insights/briefing_document.html", context)
    return Response(body, media_type="application/pdf", headers=headers)
