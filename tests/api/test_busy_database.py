"""A write that meets another writer's lock waits, then is answered 503 to retry; never 500."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlmodel import Session, func, select

from api.app import create_app
from storybank.models import Story
from tests.web.pages import log_in


@contextmanager
def write_lock(backend: str, database_url: str) -> Iterator[Callable[[], None]]:
    """Another connection holding the lock a story write needs, as a long import does;
    yields a function that releases it early."""
    if backend == "sqlite":
        holder = sqlite3.connect(make_url(database_url).database, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
    else:
        url = make_url(database_url).set(drivername="postgresql")
        holder = psycopg.connect(url.render_as_string(hide_password=False))  # type: ignore[assignment]
        holder.execute("LOCK TABLE stories IN EXCLUSIVE MODE")
    try:
        yield holder.rollback
    finally:
        holder.rollback()
        holder.close()


@pytest.fixture
def impatient_client(settings) -> Iterator[TestClient]:
    """The app, building its own engine from settings whose writers wait 0.2 s for a lock."""
    quick = settings.model_copy(update={"db_busy_timeout_seconds": 0.2})
    with TestClient(create_app(settings=quick)) as client:
        yield client


def _stories(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Story)).one()


def test_a_write_behind_a_held_lock_is_503_with_retry_after_and_writes_nothing(
    impatient_client, backend, database_url, engine, headers, somerset
):
    assert impatient_client.get("/api/v1/me", headers=headers).status_code == 200
    story = {"site_id": somerset.id, "title": "Lunch club", "what_happened": "She came in."}

    with write_lock(backend, database_url):
        response = impatient_client.post("/api/v1/stories", json=story, headers=headers)

    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) > 0
    error = response.json()["error"]
    assert error["code"] == "database_busy"
    assert "busy" in error["message"] and "nothing was saved" in error["message"]
    assert _stories(engine) == 0


def test_a_lock_released_within_the_timeout_lets_the_write_through(
    client, backend, database_url, engine, headers, somerset
):
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    story = {"site_id": somerset.id, "title": "Lunch club"}

    with write_lock(backend, database_url) as release:
        # The app's writer waits up to 30 seconds; the other writer finishes well before.
        threading.Timer(0.3, release).start()
        response = client.post("/api/v1/stories", json=story, headers=headers)

    assert response.status_code == 201, response.text
    assert response.json()["title"] == "Lunch club"
    assert _stories(engine) == 1


def test_a_form_sent_behind_a_held_lock_gets_a_busy_page(
    impatient_client, backend, database_url, engine, staff, somerset
):
    csrf = log_in(impatient_client, staff)
    form = {"csrf_token": csrf, "site_id": str(somerset.id), "title": "Lunch club"}

    with write_lock(backend, database_url):
        page = impatient_client.post("/stories/new", data=form, follow_redirects=False)

    assert page.status_code == 503
    assert "retry-after" in page.headers
    assert "busy" in page.text and "send the form again" in page.text
    assert _stories(engine) == 0
