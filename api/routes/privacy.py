"""Admin: data protection duties (subject exports, erasure, retention review)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from api.deps import AdminActor, SessionDep, SettingsDep
from storybank import privacy
from storybank.models import Id

router = APIRouter(prefix="/privacy", tags=["admin"])


class EraseIn(BaseModel):
    """Why the story is being erased (kept in the audit log's tombstone)."""

    reason: str = Field(min_length=1, max_length=500)


class ErasedPublic(BaseModel):
    """An erased story: only its id and when."""

    id: int
    erased_at: datetime


class RetentionItem(BaseModel):
    """A story kept longer than the retention period."""

    id: int
    site_id: int
    status: str
    created_at: datetime
    change_date: date | None


@router.get("/stories/{story_id}", summary="Everything held about one story (admin)")
def export_story(
    story_id: Id, session: SessionDep, actor: AdminActor, response: Response
) -> dict[str, Any]:
    data = privacy.export_story_data(session=session, actor=actor, story_id=story_id)
    _as_download(response, f"storybank-story-{story_id}.json")
    return data


@router.get("/users/{user_id}", summary="Everything held about one person (admin)")
def export_user(
    user_id: Id, session: SessionDep, actor: AdminActor, response: Response
) -> dict[str, Any]:
    data = privacy.export_user_data(session=session, actor=actor, user_id=user_id)
    _as_download(response, f"storybank-person-{user_id}.json")
    return data


def _as_download(response: Response, filename: str) -> None:
    """Browsers save a subject export as a file instead of showing it in a tab."""
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'


@router.post("/stories/{story_id}/erase", summary="Erase a story's text everywhere (admin)")
def erase_story(
    story_id: Id, data: EraseIn, session: SessionDep, actor: AdminActor
) -> ErasedPublic:
    story = privacy.erase_story(session=session, actor=actor, story_id=story_id, reason=data.reason)
    assert story.erased_at is not None
    return ErasedPublic(id=story.id or 0, erased_at=story.erased_at)


@router.get("/retention", summary="Stories past the retention period, for review (admin)")
def retention_review(
    session: SessionDep, settings: SettingsDep, actor: AdminActor
) -> list[RetentionItem]:
    stories = privacy.stories_past_retention(
        session=session, actor=actor, retention_days=settings.retention_days
    )
    return [RetentionItem.model_validate(s.model_dump()) for s in stories]
