"""Bulk writes (COPY on PostgreSQL): ids in the rows' order, values as an INSERT stores them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storybank.audit import NewEvent, record_events
from storybank.bulk import add_rows, insert_rows
from storybank.models import AuditChange, AuditEvent, Story
from tests.builders import make_site, make_user

STORIES = Story.__table__  # type: ignore[attr-defined]


def _story_row(site_id: int, author_id: int, title: str) -> dict:
    return {
        "site_id": site_id,
        "author_id": author_id,
        "title": title,
        "community_solutions": ["Walking group", "Café"],
        "status": "draft",
        "created_at": datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        "updated_at": datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        "version": 1,
    }


def test_inserted_rows_get_their_ids_in_order_and_keep_json_and_times(session):
    site = make_site(session)
    author = make_user(session, roles=["staff"], sites=[site])
    titles = [f"Story {n}" for n in range(7)]
    ids = insert_rows(session, STORIES, [_story_row(site.id, author.id, t) for t in titles])
    session.commit()

    stored = session.exec(select(Story).where(col(Story.id).in_(ids))).all()
    by_id = {story.id: story for story in stored}
    assert [by_id[i].title for i in ids] == titles
    assert by_id[ids[0]].community_solutions == ["Walking group", "Café"]
    assert by_id[ids[0]].created_at == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert by_id[ids[0]].what_mattered == ""  # the column's default, as an INSERT gives
    assert len({story.reference for story in stored}) == len(titles)  # one default each


def test_a_bad_row_raises_the_integrity_error_an_insert_would(session):
    site = make_site(session)
    with pytest.raises(IntegrityError):
        add_rows(session, STORIES, [_story_row(site.id, 999_999, "No such author")])
    session.rollback()


def test_many_audit_events_keep_their_before_and_after_values(session):
    events = [
        NewEvent(
            action="story.import",
            entity="story",
            entity_id=n,
            details={"row": n},
            after={"title": f"T{n}"},
            story_id=None,
        )
        for n in range(1, 4)
    ]
    record_events(session=session, actor=None, events=events)
    session.commit()

    found = session.exec(
        select(AuditEvent.entity_id, AuditEvent.details, AuditChange.after)
        .join(AuditChange, col(AuditChange.event_id) == AuditEvent.id)
        .where(AuditEvent.action == "story.import")
        .order_by(col(AuditEvent.id))
    ).all()
    assert [tuple(row) for row in found] == [
        (str(n), {"row": n}, {"title": f"T{n}"}) for n in range(1, 4)
    ]
