"""Data protection pages: the retention review, subject-export look-ups, erasing a story."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from storybank.models import AuditEvent, Story, utcnow
from tests.builders import make_story, make_user
from tests.web.pages import log_in, text_of


@pytest.fixture
def admin(session):
    return make_user(session, roles=["admin"], name="Ada Admin")


@pytest.fixture
def admin_csrf(client, admin) -> str:
    return log_in(client, admin)


@pytest.fixture
def story(session, somerset, staff):
    return make_story(session, site=somerset, author=staff, title="Joan's lunch club")


def test_retention_review_lists_only_stories_past_the_period(
    client, session, somerset, staff, admin_csrf
):
    old = make_story(
        session, site=somerset, author=staff, created_at=utcnow() - timedelta(days=2200)
    )
    recent = make_story(session, site=somerset, author=staff)
    page = client.get("/admin/privacy")
    text = text_of(page)
    assert "Stories are kept for 2,190 days (6 years)" in text
    assert "1 story to review" in text
    assert f"Story {old.id} Somerset Submitted" in text and "14 March 2026" in text
    assert f'href="/stories/{old.id}"' in page.text
    assert f'href="/admin/stories/{old.id}/erase"' in page.text
    assert f'href="/stories/{recent.id}"' not in page.text


def test_retention_review_says_when_nothing_is_overdue(client, admin_csrf):
    assert "No stories are past the retention period." in text_of(client.get("/admin/privacy"))


def test_story_look_up_goes_to_its_export_or_erase_page(client, story, admin_csrf):
    export = client.get(
        "/admin/privacy/story",
        params={"story_id": f" {story.id} ", "then": "export"},
        follow_redirects=False,
    )
    assert export.status_code == 303
    assert export.headers["location"] == f"/api/v1/privacy/stories/{story.id}"
    data = client.get(export.headers["location"]).json()
    assert data["story"]["title"] == "Joan's lunch club"
    erase = client.get(
        "/admin/privacy/story",
        params={"story_id": story.id, "then": "erase"},
        follow_redirects=False,
    )
    assert erase.headers["location"] == f"/admin/stories/{story.id}/erase"
    bad = client.get("/admin/privacy/story", params={"story_id": "forty-two"})
    assert bad.status_code == 422
    assert "Story number: Enter the story's number, for example 42." in text_of(bad)
    assert 'value="forty-two"' in bad.text


def test_person_look_up_by_email_goes_to_their_export(client, staff, admin_csrf):
    found = client.get(
        "/admin/privacy/person", params={"email": staff.email.upper()}, follow_redirects=False
    )
    assert found.status_code == 303
    assert found.headers["location"] == f"/api/v1/privacy/users/{staff.id}"
    assert client.get(found.headers["location"]).json()["account"]["email"] == staff.email
    unknown = client.get("/admin/privacy/person", params={"email": "nobody@example.org"})
    assert unknown.status_code == 404
    assert "There is no account with this email address." in text_of(unknown)
    empty = client.get("/admin/privacy/person", params={"email": ""})
    assert empty.status_code == 422
    assert "Enter the person's email address." in text_of(empty)


def test_erase_page_says_plainly_what_erasing_does(client, story, admin_csrf):
    page = client.get(f"/admin/stories/{story.id}/erase")
    assert page.status_code == 200
    text = text_of(page)
    assert f"Erase story {story.id}?" in text and "Joan's lunch club" in text
    for expected in (
        "text is removed everywhere",
        "counts and analyses no longer include it",
        "A tombstone stays in the audit log",
        "It cannot be undone.",
        "I understand this cannot be undone",
    ):
        assert expected in text, expected
    assert '<label class="field-label" for="field-reason">' in page.text


def test_erasing_needs_a_reason_and_the_box_ticked(client, session, story, admin_csrf):
    url = f"/admin/stories/{story.id}/erase"
    response = client.post(url, data={"csrf_token": admin_csrf, "reason": " "})
    assert response.status_code == 422
    text = text_of(response)
    assert "Reason: Give the reason for erasing" in text
    assert "Confirmation: Tick the box to confirm you understand this cannot be undone." in text
    response = client.post(url, data={"csrf_token": admin_csrf, "reason": "Request ref 41"})
    assert response.status_code == 422 and "Request ref 41" in response.text
    too_long = {"csrf_token": admin_csrf, "reason": "x" * 501, "understood": "yes"}
    assert client.post(url, data=too_long).status_code == 422
    session.expire_all()
    assert session.get(Story, story.id).erased_at is None


def test_erased_story_is_gone_for_staff_and_leaves_a_tombstone(
    client, session, story, staff, admin, admin_csrf
):
    form = {
        "csrf_token": admin_csrf,
        "reason": "Erasure request, ref 2026-041",
        "understood": "yes",
    }
    response = client.post(f"/admin/stories/{story.id}/erase", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/privacy?erased=1"
    assert "The story has been erased." in text_of(client.get(response.headers["location"]))
    audit = text_of(client.get("/admin/audit", params={"action": "story.erase"}))
    assert f"Ada Admin story.erase story {story.id}" in audit
    assert "reason: Erasure request, ref 2026-041; tombstone: yes" in audit
    again = client.post(f"/admin/stories/{story.id}/erase", data=form)
    assert again.status_code == 409
    log_in(client, staff)
    gone = client.get(f"/stories/{story.id}")
    assert gone.status_code == 404
    assert "Joan's lunch club" not in client.get("/stories").text
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "story.erase")).one()
    assert event.actor_id == admin.id


def test_erase_form_needs_the_csrf_token(client, session, story, admin_csrf):
    form = {"reason": "Erasure request", "understood": "yes"}
    response = client.post(f"/admin/stories/{story.id}/erase", data=form)
    assert response.status_code == 403
    session.expire_all()
    assert session.get(Story, story.id).erased_at is None


def test_staff_cannot_open_the_erase_page(client, session, story, csrf):
    page = client.get(f"/admin/stories/{story.id}/erase")
    assert page.status_code == 403
    assert "This needs the admin role." in text_of(page)
    form = {"csrf_token": csrf, "reason": "no", "understood": "yes"}
    assert client.post(f"/admin/stories/{story.id}/erase", data=form).status_code == 403
    session.expire_all()
    assert session.get(Story, story.id).erased_at is None
