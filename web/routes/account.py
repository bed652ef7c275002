"""The signed-in person's account: who they are, and their personal API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from storybank import accounts
from storybank.access import Actor
from storybank.errors import FieldProblem, InvalidInput
from storybank.models import Id
from storybank.sites import list_sites
from web.deps import FormActor, FormValues, PageActor
from web.forms.messages import problem_errors
from web.templating import render

router = APIRouter(include_in_schema=False)
DEFAULT_DAYS = 90


@router.get("/account")
def account_page(request: Request, session: SessionDep, actor: PageActor) -> Response:
    notice = "The token has been revoked." if request.query_params.get("revoked") else None
    return _account_page(request, session, actor, notice=notice)


@router.post("/account/tokens")
def create_token(
    request: Request, session: SessionDep, actor: FormActor, form: FormValues
) -> Response:
    try:
        raw, token = accounts.create_api_token(
            session=session, actor=actor, name=form.get("name", ""), days=_days(form)
        )
    except InvalidInput as exc:
        errors = problem_errors(exc.problems)
        return _account_page(request, session, actor, values=form, errors=errors, status=422)
    return render(request, "account/token_created.html", {"raw": raw, "token": token}, 201)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: Id, session: SessionDep, actor: FormActor) -> Response:
    accounts.revoke_api_token(session=session, actor=actor, token_id=token_id)
    return RedirectResponse("/account?revoked=1", status_code=303)


def _days(form: dict[str, str]) -> int:
    """The token's lifetime from the form: a whole number of days."""
    try:
        return int(form.get("days", "").strip() or DEFAULT_DAYS)
    except ValueError:
        raise InvalidInput(
            "Enter the number of days as a whole number.",
            problems=[FieldProblem("days", "Enter a whole number of days, from 1 to 366.")],
        ) from None


def _account_page(
    request: Request,
    session: Session,
    actor: Actor,
    status: int = 200,
    **extra: Any,
) -> Response:
    context = {
        "sites": [s for s in list_sites(session=session) if s.id in actor.site_ids],  # own only
        "roles": sorted(actor.roles),
        "tokens": accounts.list_api_tokens(session=session, actor=actor),
        "is_live": accounts.token_is_live,
        "values": {"days": str(DEFAULT_DAYS)},
        "errors": {},
        "default_days": DEFAULT_DAYS,
        **extra,
    }
    return render(request, "account/index.html", context, status)
