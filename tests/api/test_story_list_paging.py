"""The story list's seek paging: `next` cursors walk every sort exactly once, with the
exact total on every page; bad cursors are refused naming `after`."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.builders import make_story, make_user, token_headers

SORTS = ["-updated_at", "-created_at", "created_at", "-change_date", "change_date", "title"]


@pytest.fixture
def admin_headers(session) -> dict[str, str]:
    return token_headers(session, make_user(session, roles=["admin"]))


@pytest.fixture
def eleven_stories(session, somerset, staff) -> list[int]:
    """Eleven stories with ties in every sort column and a few without a date of change."""
    moment = datetime(2026, 5, 1, 9, 30, 15, 123456, tzinfo=UTC)
    ids = []
    for n in range(11):
        story = make_story(
            session,
            site=somerset,
            author=staff,
            title=f"Story {n % 4}",
            change_date=None if n % 5 == 0 else date(2026, 3, 1) + timedelta(days=n % 3),
            status="draft" if n % 5 == 0 else "submitted",
            created_at=moment + timedelta(hours=n % 3),
            updated_at=moment + timedelta(minutes=n % 2),
        )
        ids.append(story.id)
    return ids


def _walk(client, headers, **params) -> tuple[list[int], set[int]]:
    """Every id of the list, following `next` two at a time; and the totals seen."""
    ids, totals, after = [], set(), None
    for _ in range(20):
        query = {**params, "limit": 2, **({"after": after} if after else {})}
        body = client.get("/api/v1/stories", params=query, headers=headers).json()
        ids += [item["id"] for item in body["items"]]
        totals.add(body["total"])
        after = body["next"]
        if after is None:
            return ids, totals
    raise AssertionError("the cursor never reached the last page")


@pytest.mark.parametrize("sort", SORTS)
def test_cursor_pages_give_the_same_stories_as_one_long_page(
    client, admin_headers, eleven_stories, sort
):
    whole = client.get(
        "/api/v1/stories", params={"sort": sort, "limit": 50}, headers=admin_headers
    ).json()
    assert whole["next"] is None
    walked, totals = _walk(client, admin_headers, sort=sort)
    assert walked == [item["id"] for item in whole["items"]]
    assert sorted(walked) == sorted(eleven_stories)
    assert totals == {11}


def test_sort_ties_break_by_id_and_stories_without_a_date_come_last(
    client, admin_headers, eleven_stories
):
    def order(sort: str) -> list[tuple[str | None, int]]:
        body = client.get(
            "/api/v1/stories", params={"sort": sort, "limit": 50}, headers=admin_headers
        ).json()
        return [(item["change_date"], item["id"]) for item in body["items"]]

    newest = order("-change_date")
    oldest = order("change_date")
    assert [d for d, _ in newest[-3:]] == [None, None, None]
    assert [d for d, _ in oldest[-3:]] == [None, None, None]
    dated = [(d, i) for d, i in oldest if d is not None]
    assert dated == sorted(dated)
    assert [(d, i) for d, i in newest if d is not None] == sorted(dated, reverse=True)


def test_a_filtered_walk_keeps_the_filter_and_its_total(client, admin_headers, eleven_stories):
    walked, totals = _walk(client, admin_headers, status="draft", sort="title")
    assert len(walked) == 3
    assert totals == {3}


def _cursor(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.parametrize(
    "after",
    [
        "not a cursor",
        _cursor({"sort": "-updated_at", "key": "yesterday", "id": 3}),
        _cursor({"sort": "-updated_at", "key": "2026-05-01T09:30:15", "id": 3}),
        _cursor({"sort": "title", "key": "A", "id": "3"}),
        _cursor({"sort": "-nonsense", "key": "A", "id": 3}),
        _cursor(["-updated_at", "A", 3]),
    ],
)
def test_a_bad_cursor_is_a_422_naming_after(client, admin_headers, eleven_stories, after):
    response = client.get("/api/v1/stories", params={"after": after}, headers=admin_headers)
    assert response.status_code == 422
    problems = response.json()["error"]["problems"]
    assert [p["field"] for p in problems] == ["after"]


def test_a_cursor_of_another_sort_or_beside_an_offset_is_refused(
    client, admin_headers, eleven_stories
):
    first = client.get(
        "/api/v1/stories", params={"sort": "title", "limit": 2}, headers=admin_headers
    ).json()
    other = client.get("/api/v1/stories", params={"after": first["next"]}, headers=admin_headers)
    both = client.get(
        "/api/v1/stories",
        params={"sort": "title", "after": first["next"], "offset": 2},
        headers=admin_headers,
    )
    assert other.status_code == both.status_code == 422
    assert "another order" in other.json()["error"]["message"]
    assert "either offset or after" in both.json()["error"]["message"]
    assert [p["field"] for p in both.json()["error"]["problems"]] == ["after"]


def test_a_cursor_only_reaches_stories_the_reader_may_see(client, session, somerset, derby):
    writer = make_user(session, roles=["staff"], sites=[somerset])
    other = make_user(session, roles=["staff"], sites=[derby])
    for n in range(3):
        make_story(session, site=somerset, author=writer, title=f"Somerset {n}")
        make_story(session, site=derby, author=other, title=f"Derby {n}")
    walked, totals = _walk(client, token_headers(session, writer), sort="title")
    assert totals == {3}
    assert len(walked) == 3
