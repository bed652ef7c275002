"""De-identified versions: written and confirmed by a staff member or reviewer of the
story's site, kept beside the original, lapsed when the original's text changes."""

from __future__ import annotations

from sqlmodel import Session

from storybank.access import Actor, require_deidentifier
from storybank.audit import record_event
from storybank.errors import Conflict
from storybank.models import (
    PERSONAL_FIELDS,
    DeidentifiedIn,
    DeidentifiedPublic,
    Story,
    StoryDeidentified,
    utcnow,
)
from storybank.stories.finding import get_story
from storybank.stories.personal_data import propose_deidentified

STALE_DEIDENTIFIED = (
    "Someone else saved this story's de-identified version after you opened it. Reload "
    "the page to see theirs, then make your changes again."
)


def get_deidentified(
    *, session: Session, actor: Actor, story_id: int, propose: bool = False
) -> DeidentifiedPublic:
    """The story's de-identified version, or (if none is saved yet) the original, and with
    `propose` the detector's proposal to start from and what it found; only for staff and
    reviewers of the story's site."""
    story = get_story(session=session, actor=actor, story_id=story_id)
    require_deidentifier(actor, story.site_id)
    version = session.get(StoryDeidentified, story.id)
    public = _public(story, version)
    if propose and version is None:
        public.proposed, public.found = propose_deidentified(story)
    return public


def save_deidentified(
    *, session: Session, actor: Actor, story_id: int, data: DeidentifiedIn
) -> DeidentifiedPublic:
    """Save (and with `confirm`, confirm) the de-identified version; audited."""
    story = get_story(session=session, actor=actor, story_id=story_id)
    require_deidentifier(actor, story.site_id)
    version = session.get(StoryDeidentified, story.id, with_for_update=True)
    if (version.version if version else 0) != data.version:
        raise Conflict(STALE_DEIDENTIFIED, code="stale_version")
    if version is None:
        version = StoryDeidentified(story_id=story.id or 0, version=0)
    values = data.model_dump(include=set(PERSONAL_FIELDS))
    changed = sorted(name for name, value in values.items() if getattr(version, name) != value)
    for name, value in values.items():
        setattr(version, name, value)
    now = utcnow()
    version.version += 1
    version.updated_at, version.updated_by_id = now, actor.id
    version.confirmed_at = now if data.confirm else None
    version.confirmed_by_id = actor.id if data.confirm else None
    session.add(version)
    record_event(
        session=session,
        actor=actor.user,
        action="story.deidentified_confirm" if data.confirm else "story.deidentified_save",
        entity="story",
        entity_id=story.id,
        details={"fields": changed, "confirmed": data.confirm, "version": version.version},
    )
    session.commit()
    return _public(story, version)


def lapse_confirmation(*, session: Session, actor: Actor, story: Story, fields: list[str]) -> None:
    """The original's text changed: its de-identified version must be checked again.
    Part of the caller's transaction (not committed here)."""
    if not set(fields) & set(PERSONAL_FIELDS):
        return
    version = session.get(StoryDeidentified, story.id)
    if version is None or version.confirmed_at is None:
        return
    version.confirmed_at, version.confirmed_by_id = None, None
    session.add(version)
    record_event(
        session=session,
        actor=actor.user,
        action="story.deidentified_lapse",
        entity="story",
        entity_id=story.id,
        details={"fields": sorted(set(fields) & set(PERSONAL_FIELDS))},
    )


def _public(story: Story, version: StoryDeidentified | None) -> DeidentifiedPublic:
    source = version if version is not None else story
    return DeidentifiedPublic(
        story_id=story.id or 0,
        **{name: getattr(source, name) for name in PERSONAL_FIELDS},
        version=version.version if version else 0,
        saved=version is not None,
        confirmed=bool(version and version.confirmed_at),
        confirmed_at=version.confirmed_at if version else None,
        confirmed_by_id=version.confirmed_by_id if version else None,
        updated_at=version.updated_at if version else None,
    )
