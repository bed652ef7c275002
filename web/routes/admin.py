"""Admin pages: who may see them, the admin index, and the organisational units.

Users, the audit log and data protection have their own modules (admin_*.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep, SettingsDep
from storybank import units
from storybank.config import Settings
from storybank.errors import Conflict, InvalidInput
from storybank.models import SITE_LEVEL
from web.deps import AdminFormActor, AdminPageActor, FormValues
from web.forms.admin import UNIT_LABELS
from web.templating import render

router = APIRouter(include_in_schema=False)


def notices(request: Request, texts: dict[str, str]) -> list[str]:
    """The confirmations a redirect asked for with ?flag=1."""
    return [text for flag, text in texts.items() if request.query_params.get(flag)]


@router.get("/admin")
def admin_index(request: Request, actor: AdminPageActor) -> Response:
    return render(request, "admin/index.html")


@router.get("/admin/units")
def units_page(request: Request, session: SessionDep, actor: AdminPageActor) -> Response:
    added = notices(request, {"added": "The unit has been added."})
    return _units_page(request, session, notices=added)


@router.post("/admin/units")
def add_unit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: AdminFormActor,
    form: FormValues,
) -> Response:
    parent = form.get("parent_id", "").strip()
    try:
        units.create_unit(
            session=session,
            actor=actor.user,
            name=form.get("name", ""),
            level=form.get("level", ""),
            parent_id=int(parent) if parent.isascii() and parent.isdigit() else None,
            levels=settings.unit_levels,
        )
    except (InvalidInput, Conflict) as exc:
        errors = {p.field: p.message for p in exc.problems} or {"name": exc.message}
        return _units_page(request, session, values=form, errors=errors, status=exc.status)
    return RedirectResponse("/admin/units?added=1", status_code=303)


def _units_page(request: Request, session: Session, status: int = 200, **extra: Any) -> Response:
    settings: Settings = request.app.state.settings
    tree = units.unit_tree(session=session)
    context = {
        "tree": tree,
        "levels": [(level, level.capitalize()) for level in settings.unit_levels],
        "parents": [
            (str(n.unit.id), "\u2003" * n.depth + f"{n.unit.name} ({n.unit.level})")
            for n in tree
            if n.unit.level != SITE_LEVEL
        ],
        "values": {},
        "errors": {},
        "labels": UNIT_LABELS,
        **extra,
    }
    return render(request, "admin/units.html", context, status)
