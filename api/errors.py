"""One place that turns errors into responses: JSON for the API, pages for the web."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from storybank.errors import StorybankError, TooManyRequests

log = logging.getLogger("storybank.api")


def error_body(
    code: str, message: str, problems: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """The JSON error shape every endpoint uses."""
    return {"error": {"code": code, "message": message, "problems": problems or []}}


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "body"


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


async def handle_storybank_error(request: Request, exc: Exception) -> Response:
    """Map our own errors to their status code with a readable body."""
    assert isinstance(exc, StorybankError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    if wants_html(request):
        renderer = request.app.state.render_error
        return renderer(request, exc.status, exc.message, headers)  # type: ignore[no-any-return]
    problems = [{"field": p.field, "message": p.message} for p in exc.problems]
    return JSONResponse(error_body(exc.code, exc.message, problems), exc.status, headers=headers)


async def handle_validation_error(request: Request, exc: Exception) -> Response:
    """422 naming each bad field."""
    assert isinstance(exc, RequestValidationError)
    problems = validation_problems(list(exc.errors()))
    names = ", ".join(sorted({p["field"] for p in problems}))
    message = f"Some fields are not valid: {names}."
    if wants_html(request):
        return request.app.state.render_error(request, 422, message, None)  # type: ignore[no-any-return]
    return JSONResponse(error_body("invalid_input", message, problems), 422)


async def handle_http_error(request: Request, exc: Exception) -> Response:
    """404/405 and friends in the same shape."""
    assert isinstance(exc, StarletteHTTPException)
    message = {404: "There is nothing at this address.", 405: "This method is not allowed here."}
    text = message.get(exc.status_code, str(exc.detail))
    if wants_html(request):
        return request.app.state.render_error(request, exc.status_code, text, exc.headers)  # type: ignore[no-any-return]
    return JSONResponse(
        error_body(f"http_{exc.status_code}", text), exc.status_code, headers=exc.headers
    )


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    """A bug: log it (without request bodies) and answer a plain 500, no stack trace."""
    log.error(
        "unhandled error on %s %s: %s",
        request.method,
        request.url.path,
        type(exc).__name__,
        exc_info=exc,
    )
    message = "Something went wrong on our side. Try again; if it keeps happening, tell your admin."
    if wants_html(request):
        return request.app.state.render_error(request, 500, message, None)  # type: ignore[no-any-return]
    return JSONResponse(error_body("server_error", message), 500)


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler on the app."""
    app.add_exception_handler(StorybankError, handle_storybank_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(Exception, handle_unexpected)
