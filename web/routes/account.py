"""The signed-in person's account: who they are, their password, their personal API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep, SettingsDep, client_address
from storybank import accounts
from storybank.access import Actor
from storybank.errors import FieldProblem, InvalidInput, TooManyRequests
from storybank.models import Id
from storybank.units import list_units
from web.deps import FormActor, FormValues, PageActor
from web.forms.messages import problem_errors
from web.templating import render

router = APIRouter(include_in_schema=False)
DEFAULT_DAYS = 90
NOTICES = {
    "revoked": "The token has been revoked.",
    "password_changed": "Your password has been changed. All your API tokens have been revoked: "
    "create new ones for any scripts that used them. You have been signed out everywhere "
    "else, but not here.",
}


@router.get("/account")
def account_page(request: Request, session: SessionDep, actor: PageActor) -> Response:
    notice = next((text for key, text in NOTICES.items() if request.query_params.get(key)), None)
    return _account_page(request, session, actor, notice=notice)


@router.post("/account/password")
def change_password(
    request: Request, session: SessionDep, settings: SettingsDep, actor: FormActor, form: FormValues
) -> Response:
    login = getattr(request.state, "login_session", None)
    try:
        _check_confirmation(form)
        accounts.change_own_password(
            session=session,
            settings=settings,
            actor=actor,
            current_password=form.get("current_password", ""),
            new_password=form.get("new_password", ""),
            keep_session_id=login.id if login else None,
            address=client_address(request),
        )
    except InvalidInput as exc:
        errors = problem_errors(exc.problems)
        return _account_page(request, session, actor, errors=errors, status=422)
    except TooManyRequests as exc:
        headers = {"Retry-After": str(exc.retry_after)}
        return _account_page(request, session, actor, 429, headers, message=exc.message)
    return RedirectResponse("/account?password_changed=1", status_code=303)


@router.post("/account/tokens")
def create_token(
    request: Request, session: SessionDep, settings: SettingsDep, actor: FormActor, form: FormValues
) -> Response:
    try:
        raw, token = accounts.create_api_token(
            session=session,
            settings=settings,
            actor=actor,
            name=form.get("name", ""),
            days=_days(form),
        )
    except InvalidInput as exc:
        errors = problem_errors(exc.problems)
        return _account_page(request, session, actor, values=form, errors=errors, status=422)
    return render(request, "account/token_created.html", {"raw": raw, "token": token}, 201)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: Id, session: SessionDep, actor: FormActor) -> Response:
    accounts.revoke_api_token(session=session, actor=actor, token_id=token_id)
    return RedirectResponse("/account?revoked=1", status_code=303)


def _check_confirmation(form: dict[str, str]) -> None:
    """The new password must be typed the same twice (the API takes it once)."""
    if form.get("new_password", "") != form.get("confirm_password", ""):
        raise InvalidInput(
            "The two new passwords are different.",
            problems=[FieldProblem("confirm_password", "Type the same new password twice.")],
        )


def _days(form: dict[str, str]) -> int:
    """The token's lifetime from the form: a whole number of days."""
    try:
        return int(form.get("days", "").strip() or DEFAULT_DAYS)
    except ValueError:
        raise InvalidInput(
            "Enter the number of days as a whole number.",
            problems=[FieldProblem("days", "Enter a whole number of days, from 1 to 366.")],
        ) from None


def _grants(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """The actor's own grants as (role, unit name), for 'About you'."""
    names = {u.id: u.name for u in list_units(session=session)}
    return [(role, names.get(unit, "")) for role, unit in sorted(actor.grants)]


def _account_page(
    request: Request,
    session: Session,
    actor: Actor,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    context = {
        "grants": _grants(session, actor),
        "tokens": accounts.list_api_tokens(session=session, actor=actor),
        "is_live": accounts.token_is_live,
        "values": {"days": str(DEFAULT_DAYS)},
        "errors": {},
        "default_days": DEFAULT_DAYS,
        "min_password": accounts.MIN_PASSWORD,
        **extra,
    }
    return render(request, "account/index.html", context, status, headers)
