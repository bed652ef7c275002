"""Builders for test data: make_site, make_user, make_story, token headers."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlmodel import Session

from storybank.access import Actor, load_actor
from storybank.accounts import create_api_token, create_user
from storybank.models import Site, Story, User
from storybank.sites import ensure_site

PASSWORD = "correct horse battery"
_n = itertools.count(1)

COMPLETE_STORY: dict[str, Any] = {
    "title": "Joan found the lunch club",
    "perspective": "individual",
    "contact_route": "hub_walk_in",
    "what_mattered": "Getting out of the house and seeing people again.",
    "what_happened": "Joan popped into the library hub and met a community agent.",
    "what_changed": "She goes to the lunch club every Tuesday and has friends to ring.",
    "before_cls": "She would have waited weeks for an assessment.",
    "community_solutions": ["lunch club"],
    "why_significant": "She says she feels like herself again.",
    "story_type": "success",
    "change_date": "2026-03-14",
}


def make_site(session: Session, name: str | None = None, region: str = "Test region") -> Site:
    site = ensure_site(session=session, name=name or f"Site {next(_n)}", region=region)
    session.commit()
    return site


def make_user(
    session: Session,
    *,
    roles: list[str],
    sites: list[Site] | None = None,
    email: str | None = None,
    password: str | None = PASSWORD,
    name: str = "Test Person",
) -> User:
    return create_user(
        session=session,
        actor=None,
        email=email or f"user{next(_n)}@example.org",
        display_name=name,
        password=password,
        roles=roles,
        site_ids=[s.id for s in sites or [] if s.id is not None],
    )


def actor_for(session: Session, user: User) -> Actor:
    return load_actor(session=session, user=user)


def token_headers(session: Session, user: User) -> dict[str, str]:
    raw, _ = create_api_token(session=session, actor=actor_for(session, user), name="tests")
    return {"Authorization": f"Bearer {raw}"}


def make_story(session: Session, *, site: Site, author: User, **overrides: Any) -> Story:
    """A story written straight to the database (status, consent etc. as given)."""
    values: dict[str, Any] = {
        **COMPLETE_STORY,
        "status": "submitted",
        "consent_level": "programme_anonymised",
    }
    values.update(overrides)
    if isinstance(values.get("change_date"), str):
        values["change_date"] = date.fromisoformat(values["change_date"])
    story = Story(site_id=site.id, author_id=author.id, **values)
    session.add(story)
    session.commit()
    return story
