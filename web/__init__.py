"""Server-rendered pages (Jinja2), calling the same services as the API."""

from __future__ import annotations

from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse


def _render_error(request: Request, status: int, message: str, headers: dict[str, str] | None):
    body = f"<!doctype html><title>storybank</title><h1>Error {status}</h1><p>{escape(message)}</p>"
    return HTMLResponse(body, status_code=status, headers=headers)


def install_web(app: FastAPI) -> None:
    """Add the page routes and the HTML error renderer to the app."""
    app.state.render_error = _render_error

    @app.get("/", include_in_schema=False)
    def home() -> HTMLResponse:
        return HTMLResponse("<!doctype html><title>storybank</title><h1>storybank</h1>")
