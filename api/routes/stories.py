"""Stories: create and edit drafts, record consent, submit, withdraw, read, list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentActor, SessionDep, SettingsDep, StoryFiltersDep
from storybank import stories
from storybank.models import (
    ConsentIn,
    DeidentifiedIn,
    DeidentifiedPublic,
    Id,
    StoryCreate,
    StoryPage,
    StoryPublic,
    StoryUpdate,
    SubmitIn,
    VersionIn,
)

router = APIRouter(prefix="/stories", tags=["stories"])


def _one(session: SessionDep, actor: CurrentActor, story: stories.Story) -> StoryPublic:
    return stories.to_public(session=session, actor=actor, stories=[story])[0]


@router.post("", status_code=201, summary="Start a draft story")
def create_story(data: StoryCreate, session: SessionDep, actor: CurrentActor) -> StoryPublic:
    return _one(session, actor, stories.create_draft(session=session, actor=actor, data=data))


@router.get("", summary="List and search stories")
def list_stories(
    session: SessionDep,
    actor: CurrentActor,
    filters: StoryFiltersDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 25,
    after: Annotated[
        str | None,
        Query(max_length=500, description="The `next` cursor of the previous page."),
    ] = None,
) -> StoryPage:
    found = stories.list_stories(
        session=session, actor=actor, filters=filters, offset=offset, limit=limit, after=after
    )
    items = stories.to_public(session=session, actor=actor, stories=found.stories)
    return StoryPage(
        total=found.total, offset=offset, limit=limit, items=items, next=found.next_after
    )


@router.get("/{story_id}", summary="Read one story")
def get_story(story_id: Id, session: SessionDep, actor: CurrentActor) -> StoryPublic:
    return _one(session, actor, stories.get_story(session=session, actor=actor, story_id=story_id))


@router.patch("/{story_id}", summary="Edit a draft (send the version you last read)")
def update_story(
    story_id: Id, data: StoryUpdate, session: SessionDep, actor: CurrentActor
) -> StoryPublic:
    story = stories.update_draft(session=session, actor=actor, story_id=story_id, data=data)
    return _one(session, actor, story)


@router.put("/{story_id}/consent", summary="Record or change the person's consent level")
def record_consent(
    story_id: Id, data: ConsentIn, session: SessionDep, actor: CurrentActor
) -> StoryPublic:
    story = stories.record_consent(
        session=session, actor=actor, story_id=story_id, level=data.level, version=data.version
    )
    return _one(session, actor, story)


@router.post("/{story_id}/submit", summary="Submit a draft (consent and required fields checked)")
def submit_story(
    story_id: Id, data: SubmitIn, session: SessionDep, actor: CurrentActor, settings: SettingsDep
) -> StoryPublic:
    story = stories.submit_story(
        session=session,
        actor=actor,
        story_id=story_id,
        data=data,
        suggest=settings.nlp_suggest_on_submit,
    )
    return _one(session, actor, story)


@router.post("/{story_id}/withdraw", summary="Withdraw a story")
def withdraw_story(
    story_id: Id, data: VersionIn, session: SessionDep, actor: CurrentActor
) -> StoryPublic:
    story = stories.withdraw_story(session=session, actor=actor, story_id=story_id, data=data)
    return _one(session, actor, story)


@router.get(
    "/{story_id}/deidentified",
    summary="The de-identified version (staff and reviewers of the story's site)",
)
def read_deidentified(story_id: Id, session: SessionDep, actor: CurrentActor) -> DeidentifiedPublic:
    return stories.get_deidentified(session=session, actor=actor, story_id=story_id)


@router.put(
    "/{story_id}/deidentified",
    summary="Save, and with confirm=true confirm, the de-identified version",
)
def save_deidentified(
    story_id: Id, data: DeidentifiedIn, session: SessionDep, actor: CurrentActor
) -> DeidentifiedPublic:
    return stories.save_deidentified(session=session, actor=actor, story_id=story_id, data=data)
