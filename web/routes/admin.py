"""Admin pages: who may see them, the admin index, and sites.

Users, the audit log and data protection have their own modules (admin_*.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from storybank import sites
from storybank.access import Actor, require_role
from storybank.errors import Conflict, InvalidInput
from storybank.models import Role
from web.deps import FormActor, FormValues, PageActor
from web.forms.admin import SITE_LABELS
from web.templating import render

router = APIRouter(include_in_schema=False)
MAX_REGION = 120  # the column's width; the service does not check it yet


def admin_page_actor(actor: PageActor) -> Actor:
    """The signed-in actor, if they are an admin; Forbidden (the 403 page) otherwise."""
    require_role(actor, Role.admin)
    return actor


def admin_form_actor(actor: FormActor) -> Actor:
    """The admin posting a form whose CSRF token matches their login session."""
    require_role(actor, Role.admin)
    return actor


AdminPageActor = Annotated[Actor, Depends(admin_page_actor)]
AdminFormActor = Annotated[Actor, Depends(admin_form_actor)]


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
    if len(region.strip()) > MAX_REGION:
        errors = {"region": f"Use {MAX_REGION} characters or fewer."}
        return _sites_page(request, session, values=form, errors=errors, status=422)
    try:
        sites.create_site(session=session, actor=actor.user, name=name, region=region)
    except (InvalidInput, Conflict) as exc:
        errors = {"name": exc.message}
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
