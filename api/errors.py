"""One place that turns errors into responses: JSON for the API, pages for the web."""

from __future__ import annotations

import logging
import re
import traceback
import uuid
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storybank.db import is_database_busy, is_unique_violation
from storybank.errors import StorybankError, TooManyRequests

log = logging.getLogger("storybank.api")
BUSY_RETRY_SECONDS = 5
BUSY_MESSAGE = (
    "The database is busy (a large import may be running), so nothing was saved. "
    f"Try again in {BUSY_RETRY_SECONDS} seconds."
)
SERVER_ERROR_MESSAGE = (
    "Something went wrong on our side. Try again; if it keeps happening, tell your admin "
    "and quote reference {reference}."
)
UNSTORABLE_MESSAGE = (
    "A value in the request cannot be stored: a number is too large, or a text holds a "
    "control character."
)
DUPLICATE_MESSAGE = "Something with the same name or address already exists. Reload and check."
_TABLE = re.compile(r"\b(?:INTO|UPDATE|FROM)\s+\"?(\w+)", re.IGNORECASE)


def error_body(
    code: str, message: str, problems: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """The JSON error shape every endpoint uses."""
    return {"error": {"code": code, "message": message, "problems": problems or []}}


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """A field's name as a person reads it: `grants[0].role`, `ballots[2]`."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "form", "cookie"):
        parts = parts[1:]
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else str(part)
    return name or "body"


def validation_problems(errors: list[Any]) -> list[dict[str, str]]:
    """Pydantic errors as [{field, message}] without echoing the input back."""
    return [
        {"field": _field_name(e.get("loc", ())), "message": e.get("msg", "invalid")} for e in errors
    ]


def wants_html(request: Request) -> bool:
    """Whether this request came from the web pages rather than the JSON API."""
    return not request.url.path.startswith("/api/") and request.url.path not in (
        "/openapi.json",
        "/docs",
    )


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    problems: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An error as the JSON error shape for the API, or as the error page for the web."""
    if wants_html(request):
        return request.app.state.render_error(request, status, message, headers)  # type: ignore[no-any-return]
    return JSONResponse(error_body(code, message, problems), status, headers=headers)


async def handle_storybank_error(request: Request, exc: Exception) -> Response:
    """Map our own errors to their status code with a readable body."""
    assert isinstance(exc, StorybankError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    problems = [{"field": p.field, "message": p.message} for p in exc.problems]
    return error_response(request, exc.status, exc.code, exc.message, problems, headers)


async def handle_validation_error(request: Request, exc: Exception) -> Response:
    """422 naming each bad field."""
    assert isinstance(exc, RequestValidationError)
    problems = validation_problems(list(exc.errors()))
    names = ", ".join(sorted({p["field"] for p in problems}))
    message = f"Some fields are not valid: {names}."
    return error_response(request, 422, "invalid_input", message, problems)


async def handle_http_error(request: Request, exc: Exception) -> Response:
    """404/405 and friends in the same shape."""
    assert isinstance(exc, StarletteHTTPException)
    message = {404: "There is nothing at this address.", 405: "This method is not allowed here."}
    text = message.get(exc.status_code, str(exc.detail))
    code = f"http_{exc.status_code}"
    return error_response(request, exc.status_code, code, text, headers=exc.headers)


def failure_summary(exc: BaseException) -> str:
    """What failed, for the log: the exception classes and the table, never their messages.

    Messages of database errors hold the statement's parameters (story text, emails).
    """
    chain: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 5:
        chain.append(f"{type(current).__module__}.{type(current).__qualname__}")
        current = current.__cause__ or current.__context__
    summary = " <- ".join(chain)
    statement = exc.statement if isinstance(exc, StatementError) else None
    if statement and (table := _TABLE.search(statement)):
        summary += f" on table {table.group(1)}"
    return summary


def log_failure(request: Request, exc: BaseException, level: int = logging.ERROR) -> str:
    """Log a failure with a new reference, where it happened and the code path; the reference."""
    reference = uuid.uuid4().hex[:12]
    frames = "".join(traceback.format_tb(exc.__traceback__)) if level >= logging.ERROR else ""
    log.log(
        level,
        "request %s %s %s failed: %s\n%s",
        reference,
        request.method,
        request.url.path,
        failure_summary(exc),
        frames,
    )
    return reference


def unexpected_response(request: Request, reference: str) -> Response:
    """A plain 500 with the reference to quote; no stack trace, no error text."""
    message = SERVER_ERROR_MESSAGE.format(reference=reference)
    return error_response(
        request, 500, "server_error", message, headers={"X-Request-ID": reference}
    )


async def handle_database_error(request: Request, exc: Exception) -> Response:
    """A busy (locked) database is a 503 to retry; any other database error is a bug."""
    assert isinstance(exc, OperationalError)
    if not is_database_busy(exc):
        raise exc
    reference = log_failure(request, exc, logging.WARNING)
    headers = {"Retry-After": str(BUSY_RETRY_SECONDS), "X-Request-ID": reference}
    return error_response(request, 503, "database_busy", BUSY_MESSAGE, headers=headers)


async def handle_unstorable_value(request: Request, exc: Exception) -> Response:
    """A value the database cannot store (a number past 64 bits, a NUL character) that
    slipped past the request's own checks: bad input, so a 422, logged to be fixed."""
    assert isinstance(exc, DataError | OverflowError)
    log_failure(request, exc, logging.WARNING)
    return error_response(request, 422, "invalid_input", UNSTORABLE_MESSAGE)


async def handle_duplicate(request: Request, exc: Exception) -> Response:
    """A unique value taken meanwhile (two people adding the same thing at once) is a 409."""
    assert isinstance(exc, IntegrityError)
    if not is_unique_violation(exc):
        raise exc
    log_failure(request, exc, logging.WARNING)
    return error_response(request, 409, "duplicate", DUPLICATE_MESSAGE)


class ResponseAborted(Exception):
    """A response failed after it had started: the connection is cut, so a download is
    visibly incomplete instead of ending as if it were whole."""


class UnexpectedErrors:
    """Answer a bug with a 500 and a reference, logged without any error message.

    Unlike an app-wide exception handler, nothing is re-raised to the server, whose own
    log would print the exception's message (and so the data it holds).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            request = Request(scope)
            reference = log_failure(request, exc)
            if started:
                raise ResponseAborted(f"response {reference} failed part-way") from None
            await unexpected_response(request, reference)(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler on the app (bugs are answered by UnexpectedErrors)."""
    app.add_exception_handler(StorybankError, handle_storybank_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(OperationalError, handle_database_error)
    app.add_exception_handler(IntegrityError, handle_duplicate)
    app.add_exception_handler(DataError, handle_unstorable_value)
    app.add_exception_handler(OverflowError, handle_unstorable_value)
