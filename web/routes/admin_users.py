"""Admin: the list of users, adding one, and a user's grants, access and password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from storybank import accounts
from storybank.access import Actor
from storybank.errors import Conflict, InvalidInput
from storybank.models import Id
from storybank.units import unit_tree
from web.deps import FormValues
from web.forms.admin import ROLE_OPTIONS, USER_LABELS, new_user_errors, read_active, read_grant
from web.forms.messages import problem_errors
from web.routes.admin import AdminFormActor, AdminPageActor, notices
from web.templating import render

router = APIRouter(include_in_schema=False)
USER_NOTICES = {
    "created": "The account has been created. Tell the person their email address and "
    "password, and ask them to keep the password safe.",
    "granted": "The role has been granted.",
    "revoked": "The role has been revoked.",
    "disabled": "The account has been disabled. They have been logged out everywhere, and "
    "their API tokens no longer work.",
    "enabled": "The account has been enabled. They can log in again.",
    "password": "The new password has been set. They have been logged out everywhere.",
}


@router.get("/admin/users")
def users_page(request: Request, session: SessionDep, actor: AdminPageActor) -> Response:
    return _users_page(request, session)


@router.post("/admin/users")
def add_user(
    request: Request,
    session: SessionDep,
    actor: AdminFormActor,
    form: FormValues,
) -> Response:
    shown = {"values": form}
    if errors := new_user_errors(form):
        return _users_page(request, session, errors=errors, status=422, **shown)
    try:
        user = accounts.create_user(
            session=session,
            actor=actor.user,
            email=form.get("email", ""),
            display_name=form.get("display_name", ""),
            password=form["password"],
            grants=[read_grant(form)],
        )
    except (InvalidInput, Conflict) as exc:
        errors = _errors(exc, conflict_field="email")
        return _users_page(request, session, errors=errors, status=exc.status, **shown)
    return RedirectResponse(f"/admin/users/{user.id}?created=1", status_code=303)


@router.get("/admin/users/{user_id}")
def user_page(
    request: Request, user_id: Id, session: SessionDep, actor: AdminPageActor
) -> Response:
    return _user_page(request, session, user_id, notices=notices(request, USER_NOTICES))


@router.post("/admin/users/{user_id}/grants")
def add_grant(
    request: Request, user_id: Id, session: SessionDep, actor: AdminFormActor, form: FormValues
) -> Response:
    return _change_grant(request, session, actor, user_id, form, accounts.grant_role, "granted")


@router.post("/admin/users/{user_id}/grants/revoke")
def revoke_grant(
    request: Request, user_id: Id, session: SessionDep, actor: AdminFormActor, form: FormValues
) -> Response:
    return _change_grant(request, session, actor, user_id, form, accounts.revoke_role, "revoked")


def _change_grant(
    request: Request,
    session: Session,
    actor: Actor,
    user_id: int,
    form: dict[str, str],
    change: Callable[..., object],
    flag: str,
) -> Response:
    """Grant or revoke (the service given) the role and unit chosen on the form."""
    try:
        role, unit_id = read_grant(form)
        change(session=session, actor=actor.user, user_id=user_id, role=role, unit_id=unit_id)
    except (InvalidInput, Conflict) as exc:
        errors = _errors(exc, conflict_field="role")
        shown = form if flag == "granted" else {}
        return _user_page(request, session, user_id, values=shown, errors=errors, status=exc.status)
    return RedirectResponse(f"/admin/users/{user_id}?{flag}=1", status_code=303)


@router.post("/admin/users/{user_id}/active")
def change_active(
    user_id: Id, session: SessionDep, actor: AdminFormActor, form: FormValues
) -> Response:
    active = read_active(form.get("active"))
    accounts.set_active(session=session, actor=actor.user, user_id=user_id, active=active)
    flag = "enabled" if active else "disabled"
    return RedirectResponse(f"/admin/users/{user_id}?{flag}=1", status_code=303)


@router.post("/admin/users/{user_id}/password")
def set_password(
    request: Request, user_id: Id, session: SessionDep, actor: AdminFormActor, form: FormValues
) -> Response:
    try:
        accounts.reset_password(
            session=session, actor=actor.user, user_id=user_id, password=form.get("password", "")
        )
    except InvalidInput as exc:
        errors = problem_errors(exc.problems)
        return _user_page(request, session, user_id, errors=errors, status=422)
    return RedirectResponse(f"/admin/users/{user_id}?password=1", status_code=303)


def _errors(exc: InvalidInput | Conflict, conflict_field: str) -> dict[str, str]:
    """A service's refusal as messages beside the fields it names."""
    if isinstance(exc, Conflict):
        return {conflict_field: exc.message}
    return problem_errors(exc.problems) or {conflict_field: exc.message}


def _options(session: Session) -> dict[str, Any]:
    """The roles and units to choose from (units in tree order, indented by level)."""
    tree = unit_tree(session=session)
    units = [(str(n.unit.id), "\u2003" * n.depth + f"{n.unit.name} ({n.unit.level})") for n in tree]
    names = {n.unit.id: n.unit.name for n in tree}
    return {"role_options": ROLE_OPTIONS, "unit_options": units, "unit_names": names}


def _users_page(request: Request, session: Session, status: int = 200, **extra: Any) -> Response:
    context = {
        "users": accounts.list_users(session=session),
        **_options(session),
        "values": {},
        "errors": {},
        "labels": USER_LABELS,
        **extra,
    }
    return render(request, "admin/users.html", context, status)


def _user_page(
    request: Request, session: Session, user_id: Id, status: int = 200, **extra: Any
) -> Response:
    user = accounts.get_user(session=session, user_id=user_id)
    context = {
        "person": user,
        "grants": accounts.grants_of(session=session, user_id=user_id),
        **_options(session),
        "errors": {},
        "labels": USER_LABELS,
        **extra,
    }
    return render(request, "admin/user.html", context, status)
