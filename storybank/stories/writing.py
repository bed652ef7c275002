"""Writing stories: drafts, consent, submitting and withdrawing, with optimistic locking."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from storybank.access import Actor, require_story_writer
from storybank.audit import record_event
from storybank.errors import Conflict, FieldProblem, InvalidInput
from storybank.models import (
    STORY_FIELDS,
    SUBMIT_REQUIRED,
    ConsentLevel,
    Story,
    StoryCreate,
    StoryStatus,
    StoryUpdate,
    SubmitIn,
    VersionIn,
    utcnow,
)
from storybank.review.suggesting import queue_suggestions, request_suggestions
from storybank.stories.deidentifying import lapse_confirmation
from storybank.stories.finding import SEARCHABLE, get_story
from storybank.stories.status_rules import (
    require_consent_changeable,
    require_editable,
    require_submittable,
    require_withdrawable,
)
from storybank.units import get_site

STALE_MESSAGE = (
    "Someone else changed this story after you opened it. Reload it to see their changes, "
    "then make yours again."
)


def create_draft(*, session: Session, actor: Actor, data: StoryCreate) -> Story:
    """Start a draft story for one of the actor's sites."""
    get_site(session=session, site_id=data.site_id)
    require_story_writer(actor, data.site_id)
    values = data.model_dump(exclude_unset=True, exclude={"site_id"})
    story = Story(site_id=data.site_id, author_id=actor.id, **_stored(values))
    session.add(story)
    session.flush()
    record_event(
        session=session,
        actor=actor.user,
        action="story.create",
        entity="story",
        entity_id=story.id,
        details={"site_id": story.site_id, "fields": sorted(values)},
        after=_jsonable(values),
        story_id=story.id,
    )
    session.commit()
    return story


def update_draft(*, session: Session, actor: Actor, story_id: int, data: StoryUpdate) -> Story:
    """Change a draft's fields; a stale `version` is a Conflict."""
    story = get_story(session=session, actor=actor, story_id=story_id)
    require_story_writer(actor, story.site_id)
    require_editable(story)
    values = _stored(data.model_dump(exclude_unset=True, exclude={"version"}))
    before = {name: getattr(story, name) for name in values}
    changed = {name: value for name, value in values.items() if before[name] != value}
    _write(session, story, data.version, changed)
    lapse_confirmation(session=session, actor=actor, story=story, fields=list(changed))
    if changed:
        record_event(
            session=session,
            actor=actor.user,
            action="story.update",
            entity="story",
            entity_id=story.id,
            details={"fields": sorted(changed)},
            before=_jsonable({k: before[k] for k in changed}),
            after=_jsonable(changed),
            story_id=story.id,
        )
    session.commit()
    session.refresh(story)
    return story


def record_consent(
    *, session: Session, actor: Actor, story_id: int, level: ConsentLevel, version: int
) -> Story:
    """Record (or change) the consent level the person gave; audited.

    A withdrawn story keeps its last level; asking for the level it already has changes
    nothing (no new version, no audit event), but a stale version is still a Conflict.
    """
    story = get_story(session=session, actor=actor, story_id=story_id)
    require_story_writer(actor, story.site_id)
    require_consent_changeable(story)
    if story.version != version:
        raise Conflict(STALE_MESSAGE, code="stale_version")
    if story.consent_level == level.value:
        return story
    _set_consent(session, actor, story, level, version)
    session.commit()
    session.refresh(story)
    return story


def submit_story(
    *, session: Session, actor: Actor, story_id: int, data: SubmitIn, suggest: bool = False
) -> Story:
    """Check the required fields and consent, then move a draft to submitted; with
    `suggest`, queue code suggestions once the submission is committed."""
    story = get_story(session=session, actor=actor, story_id=story_id)
    require_story_writer(actor, story.site_id)
    require_submittable(story)
    version = data.version
    if data.consent_level is not None:
        version = _set_consent(session, actor, story, data.consent_level, version)
    problems = missing_for_submit(story)
    if problems:
        session.rollback()
        raise InvalidInput("The story is not ready to submit.", problems=problems)
    _write(session, story, version, {"status": StoryStatus.submitted, "submitted_at": utcnow()})
    record_event(
        session=session,
        actor=actor.user,
        action="story.submit",
        entity="story",
        entity_id=story.id,
        details={"consent_level": story.consent_level},
    )
    if suggest:
        request_suggestions(session=session, story_ids=[story_id])
    session.commit()
    if suggest:
        queue_suggestions([story_id])
    session.refresh(story)
    return story


def withdraw_story(*, session: Session, actor: Actor, story_id: int, data: VersionIn) -> Story:
    """Withdraw a draft or submitted story: it stays in the bank but is no longer used."""
    story = get_story(session=session, actor=actor, story_id=story_id)
    require_story_writer(actor, story.site_id)
    require_withdrawable(story)
    _write(
        session, story, data.version, {"status": StoryStatus.withdrawn, "withdrawn_at": utcnow()}
    )
    record_event(
        session=session,
        actor=actor.user,
        action="story.withdraw",
        entity="story",
        entity_id=story.id,
        details={"reason_given": bool(data.reason)},
        after={"reason": data.reason} if data.reason else None,
        story_id=story.id,
    )
    session.commit()
    session.refresh(story)
    return story


# How messages name each story field, e.g. "What happened is needed before submitting."
FIELD_NAMES = {field.name: field.label for field in STORY_FIELDS}


def missing_for_submit(story: Story) -> list[FieldProblem]:
    """Each required field that is still empty, and a missing consent, as problems."""
    problems = [
        FieldProblem(name, f"{FIELD_NAMES[name]} is needed before submitting.")
        for name in SUBMIT_REQUIRED
        if getattr(story, name) in (None, "")
    ]
    if story.consent_level is None:
        problems.append(
            FieldProblem(
                "consent_level",
                "Record the person's consent (how far their story may be shared) "
                "before submitting.",
            )
        )
    return problems


def _set_consent(
    session: Session, actor: Actor, story: Story, level: ConsentLevel, version: int
) -> int:
    previous = story.consent_level
    _write(
        session,
        story,
        version,
        {
            "consent_level": level.value,
            "consent_recorded_by_id": actor.id,
            "consent_recorded_at": utcnow(),
        },
    )
    record_event(
        session=session,
        actor=actor.user,
        action="story.consent",
        entity="story",
        entity_id=story.id,
        details={"from": previous, "to": level.value},
    )
    return version + 1


def _write(session: Session, story: Story, version: int, values: dict[str, Any]) -> None:
    """Write values with an optimistic lock: only if the row is still at `version`."""
    result = session.execute(
        update(Story)
        .where(col(Story.id) == story.id, col(Story.version) == version)
        .values(**values, version=version + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise Conflict(STALE_MESSAGE, code="stale_version")
    session.expire(story)


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    """Turn enum members into their stored strings and None lists into empty ones."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == "community_solutions" and value is None:
            value = []
        elif name in SEARCHABLE and value is None:
            value = ""
        out[name] = getattr(value, "value", value)
    return out


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (str(v) if v is not None and not isinstance(v, str | list | int) else v)
        for k, v in values.items()
    }
