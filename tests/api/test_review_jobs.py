"""Suggestions made in the background: the in-process thread (with its start-up sweep)
and, on PostgreSQL, the shared job queue, each through the real app's lifespan."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.app import create_app
from storybank.models import Story, SuggestionRun
from tests.builders import make_story
from tests.review_builders import installed
from tests.suggesters import PhraseSuggester


def _wait_for_state(engine, story_id: int, state: str) -> None:
    """Wait until the story's suggestions reach `state` (a safety limit, not a speed check)."""
    limit = time.monotonic() + 60
    while True:
        with Session(engine) as fresh:
            run = fresh.get(SuggestionRun, story_id)
            if run is not None and run.state == state:
                return
        assert time.monotonic() < limit, f"suggestions never became {state}"
        time.sleep(0.05)


def test_a_restart_requeues_stories_whose_suggestions_were_pending(
    settings, engine, session, somerset, staff
):
    story = make_story(session, site=somerset, author=staff)
    session.add(SuggestionRun(story_id=story.id))
    session.commit()
    threaded = settings.model_copy(update={"jobs_backend": "thread"})
    with installed(PhraseSuggester()), TestClient(create_app(settings=threaded, engine=engine)):
        _wait_for_state(engine, story.id, "ready")


def test_submitting_queues_suggestions_for_the_worker_thread(
    settings, engine, session, somerset, staff, headers
):
    draft = make_story(session, site=somerset, author=staff, status="draft")
    threaded = settings.model_copy(update={"jobs_backend": "thread"})
    app = create_app(settings=threaded, engine=engine)
    with installed(PhraseSuggester()), TestClient(app) as client:
        sent = client.post(
            f"/api/v1/stories/{draft.id}/submit", json={"version": 1}, headers=headers
        )
        assert sent.status_code == 200
        _wait_for_state(engine, draft.id, "ready")
    with Session(engine) as fresh:
        assert fresh.get(Story, draft.id).status == "submitted"


@pytest.mark.postgres_only
def test_on_postgresql_the_job_queue_makes_the_suggestions(
    settings, engine, session, somerset, staff, headers
):
    draft = make_story(session, site=somerset, author=staff, status="draft")
    queued = settings.model_copy(update={"jobs_backend": "auto"})
    app = create_app(settings=queued, engine=engine)
    with installed(PhraseSuggester()), TestClient(app) as client:
        sent = client.post(
            f"/api/v1/stories/{draft.id}/submit", json={"version": 1}, headers=headers
        )
        assert sent.status_code == 200
        _wait_for_state(engine, draft.id, "ready")
