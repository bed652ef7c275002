"""Request dependencies: settings, the database session, the current actor, lookups."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy import Engine
from sqlmodel import Session

from storybank.access import Actor, require_role
from storybank.accounts import resolve_api_token, resolve_session
from storybank.config import Settings
from storybank.errors import Forbidden, Unauthorised
from storybank.models import (
    ConsentLevel,
    ContactRoute,
    Id,
    Perspective,
    Role,
    StoryStatus,
    StoryType,
)
from storybank.stories import StoryFilters

SESSION_COOKIE = "storybank_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    """The engine built in the app's lifespan."""
    engine: Engine = request.app.state.engine
    return engine


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """One database session per request."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


def client_address(request: Request) -> str:
    """The address a request came from, as login throttling counts it."""
    return request.client.host if request.client else "unknown"


def optional_actor(request: Request, session: SessionDep, settings: SettingsDep) -> Actor | None:
    """The signed-in actor from a bearer token or the session cookie, if any."""
    if hasattr(request.state, "actor"):
        return request.state.actor  # type: ignore[no-any-return]
    actor: Actor | None = None
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        actor = resolve_api_token(session=session, settings=settings, raw=header[7:].strip())
        if actor is None:
            raise Unauthorised("That API token is unknown, expired or revoked.")
        request.state.via_token = True
    elif cookie := request.cookies.get(SESSION_COOKIE):
        resolved = resolve_session(session=session, settings=settings, token=cookie)
        if resolved is not None:
            actor, record = resolved
            request.state.login_session = record
            # Kept as plain text: pages (error pages too) show it after the session is gone.
            request.state.csrf_token = record.csrf_token
    request.state.actor = actor
    return actor


def current_actor(
    request: Request, actor: Annotated[Actor | None, Depends(optional_actor)]
) -> Actor:
    """The signed-in actor; 401 if nobody is signed in.

    A JSON request that changes data and is authenticated by the session cookie (a
    browser) must also carry the session's CSRF token in the X-CSRF-Token header.
    """
    if actor is None:
        raise Unauthorised(
            "Sign in first: send 'Authorization: Bearer <token>' or log in at /login."
        )
    login = getattr(request.state, "login_session", None)
    if (
        request.method not in SAFE_METHODS
        and login is not None
        and request.url.path.startswith("/api/")
    ):
        sent = request.headers.get("x-csrf-token", "")
        if not secrets.compare_digest(sent, login.csrf_token):
            raise Forbidden(
                "Missing or wrong X-CSRF-Token header. Browser sessions must send it; "
                "scripts should use an API token instead.",
                code="csrf_failed",
            )
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
OptionalActor = Annotated[Actor | None, Depends(optional_actor)]


def require_roles(*roles: str) -> Callable[[Actor], Actor]:
    """A dependency that lets through only actors holding one of the roles."""

    def dependency(actor: CurrentActor) -> Actor:
        require_role(actor, *roles)
        return actor

    return dependency


AdminActor = Annotated[Actor, Depends(require_roles(Role.admin))]


class MoreFilters:
    """The filters shared by the story list and the insights: a unit at any level,
    consent level, a final outcome or theme, and where the story went in MSC rounds."""

    def __init__(
        self,
        unit_id: Annotated[Id | None, Query(description="A site, region or the programme")] = None,
        consent_level: ConsentLevel | None = None,
        outcome: Annotated[int | None, Query(ge=1, le=6, description="Final outcome 1-6")] = None,
        theme: Annotated[
            str | None, Query(pattern="^[a-z][a-z0-9_]{0,63}$", description="Final theme key")
        ] = None,
        round_id: Annotated[Id | None, Query(description="Candidates of this MSC round")] = None,
        level: Annotated[
            str | None,
            Query(pattern="^[a-z][a-z0-9_]{0,23}$", description="Reached a round at this level"),
        ] = None,
        msc_domain_id: Annotated[Id | None, Query(description="Candidates in this domain")] = None,
        selected: Annotated[
            bool | None, Query(description="Chosen (true) or never chosen (false) in a round")
        ] = None,
    ) -> None:
        self.unit_id, self.consent_level = unit_id, consent_level
        self.outcome, self.theme = outcome, theme
        self.round_id, self.level, self.msc_domain_id = round_id, level, msc_domain_id
        self.selected = selected

    def values(self) -> dict[str, object]:
        """The filters as StoryFilters' keyword arguments."""
        return dict(vars(self))


def story_filters(
    more: Annotated[MoreFilters, Depends()],
    site_id: Id | None = None,
    status: StoryStatus | None = None,
    perspective: Perspective | None = None,
    contact_route: ContactRoute | None = None,
    story_type: StoryType | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    sort: Annotated[
        str, Query(pattern="^(relevance|-?(updated_at|created_at|change_date|title))$")
    ] = ("-updated_at"),
) -> StoryFilters:
    """The story list filters, read from the query string (the same as GET /stories)."""
    return StoryFilters(
        **more.values(),  # type: ignore[arg-type]
        site_id=site_id,
        status=status,
        perspective=perspective,
        contact_route=contact_route,
        story_type=story_type,
        date_from=date_from,
        date_to=date_to,
        q=q,
        sort=sort,
    )


StoryFiltersDep = Annotated[StoryFilters, Depends(story_filters)]
