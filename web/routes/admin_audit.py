"""Admin: browse the append-only audit log, newest first (read-only by design)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.deps import SessionDep
from storybank import accounts
from storybank.audit import list_events
from web.forms.admin import AUDIT_PAGE_SIZE, AuditQuery, audit_lines
from web.pagination import Pagination
from web.routes.admin import AdminPageActor
from web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/admin/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    actor: AdminPageActor,
    query: Annotated[AuditQuery, Query()],
) -> Response:
    total, rows = list_events(
        session=session, filters=query.filters(), offset=query.offset, limit=AUDIT_PAGE_SIZE
    )
    problems = query.date_problems
    context = {
        "query": query,
        "lines": audit_lines(rows),
        "pages": Pagination(total=total, shown=len(rows), query=query, page_size=AUDIT_PAGE_SIZE),
        "users": [summary.user for summary in accounts.list_users(session=session)],
        "errors": {name: problem.message for name, problem in problems.items()},
        "date_parts": {name: problem.parts for name, problem in problems.items()},
    }
    return render(request, "admin/audit.html", context, 422 if problems else 200)
