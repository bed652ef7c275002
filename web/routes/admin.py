"""Admin pages: who may see them, the admin index, and sites.

Users, the audit log and data protection have their own modules (admin_*.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from storybank import sites
from storybank.errors import Conflict, InvalidInput
from web.deps import AdminFormActor, AdminPageActor, FormValues
from web.forms.admin import SITE_LABELS
from web.templating import render

router = APIRouter(include_in_schema=False)


def notices(request: Request, texts: dict[str, str]) -> list[str]:
    """The confirmations a redirect asked for with ?flag=1."""
    return [text for flag, text in texts.items() if request.query_params.get(flag)]


@router.get("/admin")
def admin_index(request: Request, actor: AdminPageActor) -> Response:
    return render(request, "admin/index.html")


@router.get("/admin/sites")
def sites_page(request: Request, session: SessionDep, actor: AdminPageActor) -> Response:
    added = notices(request, {"added": "The site has been added."})
    return _sites_page(request, session, notices=added)


@router.post("/admin/sites")
def add_site(
    request: Request, session: SessionDep, actor: AdminFormActor, form: FormValues
) -> Response:
    name, region = form.get("name", ""), form.get("region", "")
    try:
        sites.create_site(session=session, actor=actor.user, name=name, region=region)
    except (InvalidInput, Conflict) as exc:
        errors = {p.field: p.message for p in exc.problems} or {"name": exc.message}
        return _sites_page(request, session, values=form, errors=errors, status=exc.status)
    return RedirectResponse("/admin/sites?added=1", status_code=303)


def _sites_page(request: Request, session: Session, status: int = 200, **extra: Any) -> Response:
    context = {
        "sites": sites.list_sites(session=session),
        "values": {},
        "errors": {},
        "labels": SITE_LABELS,
        **extra,
    }
    return render(request, "admin/sites.html", context, status)
