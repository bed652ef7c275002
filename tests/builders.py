"""Builders for test data: make_site, make_user, make_story, token headers."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlmodel import Session

from storybank.access import Actor, load_actor
from storybank.accounts import create_api_token, create_user
from storybank.config import Settings
from storybank.models import (
    DEIDENTIFIED_FIELDS,
    Story,
    StoryDeidentified,
    Unit,
    User,
    require_id,
    utcnow,
)
from storybank.units import ensure_root, ensure_site

PASSWORD = "correct horse battery"
_n = itertools.count(1)

SECRET_KEY = "test-secret-key-that-is-long-enough"
# Stored token hashes are keyed by the secret: the app under test runs with this same one.
KEYED = Settings(environment="test", secret_key=SECRET_KEY)
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


def make_site(session: Session, name: str | None = None, region: str = "Test region") -> Unit:
    site = ensure_site(session=session, name=name or f"Site {next(_n)}", region=region)
    session.commit()
    return site


def make_user(
    session: Session,
    *,
    roles: list[str] | None = None,
    sites: list[Unit] | None = None,
    email: str | None = None,
    password: str | None = PASSWORD,
    name: str = "Test Person",
    grants: list[tuple[str, Unit]] | None = None,
) -> User:
    """A user holding each role at each site (admin: at the programme), plus any
    explicit (role, unit) grants."""
    pairs = [(role, require_id(unit)) for role, unit in grants or []]
    for role in roles or []:
        units = [ensure_root(session=session)] if role == "admin" else sites or []
        pairs += [(role, require_id(unit)) for unit in units]
    return create_user(
        session=session,
        actor=None,
        email=email or f"user{next(_n)}@example.org",
        display_name=name,
        password=password,
        grants=pairs,
    )


def actor_for(session: Session, user: User) -> Actor:
    return load_actor(session=session, user=user)


def token_headers(session: Session, user: User) -> dict[str, str]:
    raw, _ = create_api_token(
        session=session, settings=KEYED, actor=actor_for(session, user), name="tests"
    )
    return {"Authorization": f"Bearer {raw}"}


def make_story(
    session: Session,
    *,
    site: Unit,
    author: User,
    deidentified: bool | None = None,
    **overrides: Any,
) -> Story:
    """A story written straight to the database (status, consent etc. as given). A story
    whose consent lets it leave its site gets a confirmed de-identified version (its text
    with "[redacted]" in front) unless `deidentified=False`."""
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
    session.flush()
    if deidentified is None:
        deidentified = values["consent_level"] in ("programme_anonymised", "publishable_anonymised")
    if deidentified:
        confirm_deidentified(session, story, author)
    session.commit()
    return story


def confirm_deidentified(session: Session, story: Story, by: User) -> StoryDeidentified:
    """A confirmed de-identified version: each text field prefixed with "[redacted] "."""
    texts = {
        name: f"[redacted] {getattr(story, name)}" if getattr(story, name) else ""
        for name in DEIDENTIFIED_FIELDS
    }
    version = StoryDeidentified(
        story_id=require_id(story),
        **texts,
        community_solutions=list(story.community_solutions),
        confirmed_at=utcnow(),
        confirmed_by_id=by.id,
    )
    session.add(version)
    session.flush()
    return version
