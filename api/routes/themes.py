"""Emerging themes and similar stories: what the bank's texts have in common."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentActor, SessionDep
from storybank import similar_stories
from storybank.emerging_themes import MAX_TOPICS, ThemeFilters, TopicsFound, emerging_topics
from storybank.models import Id
from storybank.similar_stories import SimilarStory

router = APIRouter(tags=["themes"])


@router.get("/topics", summary="Topics discovered in the stories you may read")
def read_topics(
    session: SessionDep,
    actor: CurrentActor,
    unit_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    date_from: date | None = None,
    date_to: date | None = None,
    n_topics: Annotated[int, Query(ge=1, le=MAX_TOPICS)] = 8,
) -> TopicsFound:
    filters = ThemeFilters(unit_id=unit_id, date_from=date_from, date_to=date_to, n_topics=n_topics)
    return emerging_topics(session=session, actor=actor, filters=filters)


@router.get("/stories/{story_id}/similar", summary="Up to five readable stories most like this")
def read_similar(story_id: Id, session: SessionDep, actor: CurrentActor) -> list[SimilarStory]:
    return similar_stories.similar_stories(session=session, actor=actor, story_id=story_id)


@router.get(
    "/stories/{story_id}/near-duplicates",
    summary="Submitted stories of the same site that look like this one told again",
)
def read_near_duplicates(
    story_id: Id, session: SessionDep, actor: CurrentActor
) -> list[SimilarStory]:
    return similar_stories.near_duplicates(session=session, actor=actor, story_id=story_id)
