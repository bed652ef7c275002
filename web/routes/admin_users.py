"""Admin: the list of users, adding one, and changing a user's roles, sites, access or password."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from storybank import accounts
from storybank.access import load_actor
from storybank.errors import Conflict, InvalidInput
from storybank.sites import list_sites
from web.deps import FormValues
from web.forms.admin import (
    ROLE_OPTIONS,
    USER_LABELS,
    Memberships,
    new_user_errors,
    read_active,
    read_memberships,
)
from web.forms.messages import problem_errors
from web.routes.admin import AdminFormActor, AdminPageActor, notices
from web.templating import render

router = APIRouter(include_in_schema=False)
USER_NOTICES = {
    "created": "The account has been created. Tell the person their email address and "
    "password, and ask them to keep the password safe.",
    "memberships": "Their roles and sites have been saved.",
    "disabled": "The account has been disabled. They have been logged out everywhere, and "
    "their API tokens no longer work.",
    "enabled": "The account has been enabled. They can log in again.",
    "password": "The new password has been set. They have been logged out everywhere.",
}


async def chosen_memberships(request: Request) -> Memberships:
    """The roles and sites ticked on the posted form (checkbox groups send several values)."""
    form = await request.form()
    roles = [value for value in form.getlist("roles") if isinstance(value, str)]
    sites = [value for value in form.getlist("site_ids") if isinstance(value, str)]
    return read_memberships(roles, sites)


ChosenMemberships = Annotated[Memberships, Depends(chosen_memberships)]


@router.get("/admin/users")
def users_page(request: Request, session: SessionDep, actor: AdminPageActor) -> Response:
    return _users_page(request, session)


@router.post("/admin/users")
def add_user(
    request: Request,
    session: SessionDep,
    actor: AdminFormActor,
    form: FormValues,
    chosen: ChosenMemberships,
) -> Response:
    shown = {"values": form, "chosen": chosen}
    if errors := new_user_errors(form, chosen):
        return _users_page(request, session, errors=errors, status=422, **shown)
    try:
        user = accounts.create_user(
            session=session,
            actor=actor.user,
            email=form.get("email", ""),
            display_name=form.get("display_name", ""),
            password=form["password"],
            roles=chosen.roles,
            site_ids=chosen.site_ids,
        )
    except (InvalidInput, Conflict) as exc:
        errors = _errors(exc, conflict_field="email")
        return _users_page(request, session, errors=errors, status=exc.status, **shown)
    return RedirectResponse(f"/admin/users/{user.id}?created=1", status_code=303)


@router.get("/admin/users/{user_id}")
def user_page(
    request: Request, user_id: int, session: SessionDep, actor: AdminPageActor
) -> Response:
    return _user_page(request, session, user_id, notices=notices(request, USER_NOTICES))


@router.post("/admin/users/{user_id}/memberships")
def change_memberships(
    request: Request,
    user_id: int,
    session: SessionDep,
    actor: AdminFormActor,
    chosen: ChosenMemberships,
) -> Response:
    try:
        accounts.set_memberships(
            session=session,
            actor=actor.user,
            user_id=user_id,
            roles=chosen.roles,
            site_ids=chosen.site_ids,
        )
    except InvalidInput as exc:
        errors = problem_errors(exc.problems)
        return _user_page(request, session, user_id, chosen=chosen, errors=errors, status=422)
    return RedirectResponse(f"/admin/users/{user_id}?memberships=1", status_code=303)


@router.post("/admin/users/{user_id}/active")
def change_active(
    user_id: int, session: SessionDep, actor: AdminFormActor, form: FormValues
) -> Response:
    active = read_active(form.get("active"))
    accounts.set_active(session=session, actor=actor.user, user_id=user_id, active=active)
    flag = "enabled" if active else "disabled"
    return RedirectResponse(f"/admin/users/{user_id}?{flag}=1", status_code=303)


@router.post("/admin/users/{user_id}/password")
def set_password(
    request: Request, user_id: int, session: SessionDep, actor: AdminFormActor, form: FormValues
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
    """The roles and sites to tick, in the order they are shown (sites by name)."""
    sites = [(str(site.id), site.name) for site in list_sites(session=session)]
    return {"role_options": ROLE_OPTIONS, "site_options": sites}


def _users_page(request: Request, session: Session, status: int = 200, **extra: Any) -> Response:
    context = {
        "users": accounts.list_users(session=session),
        **_options(session),
        "values": {},
        "chosen": Memberships(roles=[], site_ids=[]),
        "errors": {},
        "labels": USER_LABELS,
        **extra,
    }
    return render(request, "admin/users.html", context, status)


def _user_page(
    request: Request, session: Session, user_id: int, status: int = 200, **extra: Any
) -> Response:
    user = accounts.get_user(session=session, user_id=user_id)
    held = load_actor(session=session, user=user)
    current = Memberships(roles=sorted(held.roles), site_ids=sorted(held.site_ids))
    context = {
        "person": user,
        "current": current,
        "chosen": current,
        **_options(session),
        "errors": {},
        "labels": USER_LABELS,
        **extra,
    }
    return render(request, "admin/user.html", context, status)
