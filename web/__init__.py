"""Server-rendered pages (Jinja2), calling the same services as the API."""

from __future__ import annotations

from fastapi import FastAPI

from web.deps import LoginRequired, login_redirect
from web.routes import ROUTERS
from web.templating import render_error


def install_web(app: FastAPI) -> None:
    """Add the page routes, the login redirect and the HTML error renderer to the app."""
    app.state.render_error = render_error
    app.add_exception_handler(LoginRequired, login_redirect)
    for router in ROUTERS:
        app.include_router(router)
