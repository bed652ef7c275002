"""The audit log page: newest first, filters, pages, edits' before and after, CSV link."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime

import pytest

from storybank import stories
from storybank.audit import record_event
from storybank.models import StoryUpdate
from tests.builders import actor_for, make_story, make_user
from tests.web.pages import log_in, text_of

EXPORT_LINK = re.compile(r'href="(/api/v1/audit/export\.csv[^"]*)"')


@pytest.fixture
def admin(session):
    return make_user(session, roles=["admin"], name="Ada Admin")


@pytest.fixture
def admin_csrf(client, admin) -> str:
    return log_in(client, admin)


def _events(session, count: int, action: str = "test.bulk", actor=None, at=None) -> None:
    for n in range(count):
        event = record_event(
            session=session,
            actor=actor,
            action=action,
            entity="thing",
            entity_id=n + 1,
            details={"n": n + 1},
        )
        if at is not None:
            event.at = at
    session.commit()


def test_audit_page_lists_events_newest_first(client, session, staff, admin_csrf):
    _events(session, 2, action="test.first")
    _events(session, 1, action="test.second", actor=staff)
    text = text_of(client.get("/admin/audit"))
    assert text.index("test.second") < text.index("test.first")
    assert "Sam Staff test.second thing 1 n: 1" in text
    assert "Nobody logged in test.first thing 2 n: 2" in text
    assert re.search(r"\d{1,2} \w+ \d{4} at \d\d:\d\d Sam Staff", text), "UK date and time"
    assert (
        "Edit" not in text
        and "Delete" not in text
        and 'method="post" action="/admin' not in (client.get("/admin/audit").text)
    )


def test_audit_filters_and_pages_keep_each_other(client, session, admin_csrf):
    _events(session, 105)
    _events(session, 3, action="test.other")
    first = client.get("/admin/audit", params={"action": "test.bulk"})
    text = text_of(first)
    assert "Showing 1–100 of 105 events" in text  # noqa: RUF001 (an en dash, as shown)
    assert "test.other" not in text
    assert "Page 1 of 2" in text
    next_link = html.unescape(re.search(r'href="([^"]*)" rel="next"', first.text).group(1))
    assert next_link == "/admin/audit?action=test.bulk&page=2"
    second = text_of(client.get(next_link))
    assert "Showing 101–105 of 105 events" in second  # noqa: RUF001
    assert "Page 2 of 2" in second
    assert 'value="test.bulk"' in client.get(next_link).text, "the filter stays filled in"


def test_audit_shows_thousands_with_commas(client, session, admin_csrf):
    _events(session, 1_234)
    text = text_of(client.get("/admin/audit", params={"action": "test.bulk", "page": "2"}))
    assert "Showing 101–200 of 1,234 events" in text  # noqa: RUF001
    assert "Page 2 of 13" in text


def test_audit_filters_by_who_what_and_which(client, session, staff, admin_csrf):
    _events(session, 2, action="test.mine", actor=staff)
    _events(session, 2, action="test.mine")
    page = client.get(
        "/admin/audit", params={"actor_id": staff.id, "entity": "thing", "entity_id": "2"}
    )
    text = text_of(page)
    assert "Showing 1 of 1 event" in text and "Sam Staff test.mine thing 2" in text
    assert f'<option value="{staff.id}" selected>Sam Staff ({staff.email})</option>' in page.text


def test_audit_date_filter_uses_uk_days(client, session, admin_csrf):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    _events(session, 1, action="test.june", at=datetime(2026, 6, 29, 12, 0, tzinfo=UTC))
    _events(session, 1, action="test.july", at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    page = client.get("/admin/audit", params={"date_from": "2026-07-01", "date_to": "2026-07-01"})
    text = text_of(page)
    assert "test.july" in text and "test.june" not in text
    assert "1 July 2026 at 00:30" in text


def test_csv_link_carries_the_filters_and_exports_those_events(client, session, staff, admin_csrf):
    _events(session, 3, action="test.csv", actor=staff)
    _events(session, 2, action="test.other", actor=staff)
    page = client.get(
        "/admin/audit",
        params={"actor_id": staff.id, "action": "test.csv", "date_from": "2020-01-01"},
    )
    assert "Export these events as CSV" in text_of(page)
    link = html.unescape(EXPORT_LINK.search(page.text).group(1))
    assert f"actor_id={staff.id}" in link and "action=test.csv" in link
    assert "since=2020-01-01T00%3A00%3A00%2B00%3A00" in link, "midnight in London, in UTC"
    export = client.get(link)
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert [row["action"] for row in rows] == ["test.csv"] * 3


def test_edits_show_each_changed_field_before_and_after(
    client, session, somerset, staff, admin_csrf
):
    story = make_story(session, site=somerset, author=staff, status="draft", title="Old title")
    stories.update_draft(
        session=session,
        actor=actor_for(session, staff),
        story_id=story.id,
        data=StoryUpdate(version=1, title="New title"),
    )
    page = client.get("/admin/audit", params={"action": "story.update"})
    text = text_of(page)
    assert f"Sam Staff story.update story {story.id} fields: title" in text
    assert "<details" in page.text
    assert "1 field changed Title Before: Old title After: New title" in text


def test_bad_filter_is_explained(client, admin_csrf):
    response = client.get("/admin/audit", params={"date_from": "yesterday"})
    assert response.status_code == 422
    text = text_of(response)
    assert "On or after" in text and "Enter a real date" in text


def test_audit_dates_are_day_month_year_boxes_read_day_first(client, session, admin_csrf):
    _events(session, 1, action="test.march", at=datetime(2026, 3, 11, 12, 0, tzinfo=UTC))
    _events(session, 1, action="test.november", at=datetime(2026, 11, 3, 12, 0, tzinfo=UTC))
    page = client.get("/admin/audit")
    assert 'type="date"' not in page.text
    assert 'name="date_from_day"' in page.text and 'inputmode="numeric"' in page.text
    boxes = {"date_from_day": "3", "date_from_month": "11", "date_from_year": "2026"}
    text = text_of(client.get("/admin/audit", params={**boxes, "date_to": "3/11/2026"}))
    assert "test.november" in text and "test.march" not in text
    missing = client.get("/admin/audit", params={"date_from_day": "3", "date_from_month": "11"})
    assert missing.status_code == 422
    assert "must include a year" in text_of(missing)
