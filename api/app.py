"""The application factory: API routers, web pages, middleware and error handlers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

import storybank
from api.errors import UnexpectedErrors, install_error_handlers
from api.protection import RejectNulCharacters, RequestLimits, RequestSlots, SecurityHeaders
from api.responses import COMMON_ERRORS
from api.routes import ROUTERS
from storybank import jobs
from storybank.config import Settings, get_settings
from storybank.db import make_engine

API_PREFIX = "/api/v1"
IMPORT_PATHS = (f"{API_PREFIX}/imports",)
DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>storybank API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script></body></html>"""


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the storybank app; tests pass their own settings and engine."""
    settings = settings or get_settings()
    logging.basicConfig(level=settings.log_level.upper())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        app.state.engine = engine or make_engine(
            settings.resolved_database_url, busy_timeout=settings.db_busy_timeout_seconds
        )
        app.state.request_slots = anyio.Semaphore(settings.request_slots)
        jobs.start(settings=settings, engine=app.state.engine)
        try:
            yield
        finally:
            jobs.stop()
        if own_engine:
            app.state.engine.dispose()

    app = FastAPI(
        title="storybank",
        version=storybank.__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        description="Change stories for Community Led Support: write, code, select, count. "
        "Authenticate scripts with a personal API token: `Authorization: Bearer sbk_...`.",
    )
    app.state.settings = settings
    if engine is not None:
        app.state.engine = engine
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX, responses=COMMON_ERRORS)
    _mount_web(app)
    app.add_middleware(RejectNulCharacters)
    app.add_middleware(
        RequestLimits,
        default_limit=settings.max_request_bytes,
        large_limit=settings.max_import_bytes,
        large_paths=IMPORT_PATHS,
    )
    app.add_middleware(RequestSlots)
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(SecurityHeaders)
    return app


def _mount_web(app: FastAPI) -> None:
    """Static files, the offline API docs and the server-rendered pages."""
    from web import install_web

    static = Path(__file__).resolve().parent.parent / "web" / "static"
    app.mount(
        "/static/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger"
    )
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    install_web(app)
