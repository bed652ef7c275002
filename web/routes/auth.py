"""Logging in and out."""

from __future__ import annotations

import re
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from api.deps import SESSION_COOKIE, OptionalActor, SessionDep, SettingsDep, client_address
from storybank import accounts
from storybank.errors import Forbidden, InvalidInput, TooManyRequests
from web.deps import CSRF_MESSAGE, FormActor, FormValues, safe_next, secure_cookies, tokens_match
from web.templating import render

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "storybank_csrf"
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
NOTICES = {  # flag in the query string: (text, whether it is a warning)
    "logged_out": ("You have logged out.", False),
    "ended": ("Your session ended; sign in to save your story.", True),
}


@router.get("/login")
def login_page(
    request: Request, settings: SettingsDep, actor: OptionalActor, next: str = ""
) -> Response:
    if actor is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_form(request, settings, next_path=next, notice=_notice(request))


@router.post("/login")
def log_in(
    request: Request, session: SessionDep, settings: SettingsDep, form: FormValues
) -> Response:
    email, next_path = form.get("email", ""), form.get("next", "")
    if not tokens_match(form.get("csrf_token"), request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise Forbidden(CSRF_MESSAGE, code="csrf_failed")
    try:
        user = accounts.authenticate(
            session=session,
            settings=settings,
            email=email,
            password=form.get("password", ""),
            address=client_address(request),
        )
    except TooManyRequests as exc:
        headers = {"Retry-After": str(exc.retry_after)}
        return _login_form(request, settings, email, next_path, exc.message, 429, headers)
    except InvalidInput as exc:
        return _login_form(request, settings, email, next_path, exc.message, 401)
    new = accounts.start_session(
        session=session,
        settings=settings,
        user=user,
        previous_token=request.cookies.get(SESSION_COOKIE),
    )
    response = RedirectResponse(safe_next(next_path), status_code=303)
    secure = secure_cookies(request, settings)
    response.set_cookie(
        SESSION_COOKIE, new.token, httponly=True, samesite="lax", secure=secure, path="/"
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login", httponly=True, samesite="strict")
    return response


@router.post("/logout")
def log_out(
    request: Request, session: SessionDep, settings: SettingsDep, actor: FormActor
) -> Response:
    if token := request.cookies.get(SESSION_COOKIE):
        accounts.end_session(session=session, settings=settings, token=token)
    response = RedirectResponse("/login?logged_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


def _notice(request: Request) -> tuple[str, bool] | None:
    """Why the person is on the login page: they logged out, or their session ended."""
    shown = [notice for flag, notice in NOTICES.items() if request.query_params.get(flag) == "1"]
    return shown[0] if shown else None


def _login_form(
    request: Request,
    settings: SettingsDep,
    email: str = "",
    next_path: str = "",
    error: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
    notice: tuple[str, bool] | None = None,
) -> Response:
    """The login form, with a double-submit CSRF cookie (there is no session yet)."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not TOKEN_SHAPE.match(token):
        token = secrets.token_urlsafe(32)
    context = {
        "email": email,
        "next_path": safe_next(next_path) if next_path else "",
        "error": error,
        "login_csrf": token,
        "notice": notice,
    }
    response = render(request, "auth/login.html", context, status, headers)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request, settings),
        path="/login",
    )
    return response
