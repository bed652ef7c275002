"""A story form posted after the session ended is kept, and given back after signing in."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from api.deps import SESSION_COOKIE
from storybank.models import HeldForm, LoginSession, Story, utcnow
from tests.builders import PASSWORD, make_story, make_user
from tests.web.pages import csrf_token, log_in, text_of

ENDED = "Your session ended; sign in to save your story."
KEPT = "We kept what you typed. Check it and save."
TYPED = {
    "title": "Maya and the repair café",
    "perspective": "individual",
    "contact_route": "hub_walk_in",
    "story_type": "success",
    "change_date_day": "3",
    "change_date_month": "11",
    "change_date_year": "2025",
    "what_mattered": "Maya wanted to fix her own bike & feel useful again.",
    "what_happened": "She came to the hub in the library and met a navigator.",
    "what_changed": "She volunteers at the repair café every Saturday.",
    "before_cls": "She would have been on a waiting list for a day centre.",
    "community_solutions": "repair café\nbike club",
    "why_significant": "She says she has a reason to get up on Saturdays.",
    "weekly_cost_before": "180",
    "weekly_cost_after": "54.50",
}


def _end_sessions(session: Session, settings, user) -> None:
    """Age the person's login sessions past the idle timeout, as if they left the page open."""
    session.execute(
        update(LoginSession)
        .where(col(LoginSession.user_id) == user.id)
        .values(last_seen_at=utcnow() - timedelta(minutes=settings.session_idle_minutes + 1))
    )
    session.commit()


def _held(session: Session) -> list[HeldForm]:
    session.expire_all()
    return list(session.exec(select(HeldForm)).all())


def _sign_in_again(client, user, location: str):
    """Follow the redirect to the login page and sign in there, as a browser would."""
    page = client.get(location)
    assert page.status_code == 200
    next_path = parse_qs(urlsplit(location).query)["next"][0]
    data = {"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(page)}
    response = client.post("/login", data={**data, "next": next_path}, follow_redirects=False)
    assert response.status_code == 303
    return page, response.headers["location"]


@pytest.fixture
def story_form(client, session, settings, somerset, staff, csrf):
    """Post the new-story form with everything typed, after the session ended."""
    _end_sessions(session, settings, staff)
    data = {**TYPED, "site_id": str(somerset.id), "action": "save", "csrf_token": csrf}
    return client.post("/stories/new", data=data, follow_redirects=False)


def test_a_story_posted_after_the_session_ended_is_kept_for_sign_in(
    client, session, staff, story_form
):
    assert story_form.status_code == 303
    location = story_form.headers["location"]
    assert location.startswith("/login?next=/stories/resume/") and location.endswith("&ended=1")
    [held] = _held(session)
    assert held.user_id == staff.id and held.target == "/stories/new" and held.story_id is None
    assert "csrf_token" not in held.form
    assert held.form["what_mattered"] == TYPED["what_mattered"]
    token = parse_qs(urlsplit(location).query)["next"][0].rsplit("/", 1)[1]
    assert held.token_hash != token, "only the token's hash is stored"
    assert held.expires_at - utcnow() <= timedelta(hours=2)
    assert session.exec(select(Story)).all() == [], "nothing is saved without a session"


def test_after_sign_in_the_form_comes_back_exactly_as_typed(
    client, session, somerset, staff, story_form
):
    login_page, resume = _sign_in_again(client, staff, story_form.headers["location"])
    assert ENDED in text_of(login_page)
    assert resume.startswith("/stories/resume/")
    page = client.get(resume)
    assert page.status_code == 200
    assert KEPT in text_of(page)
    assert 'value="Maya and the repair café"' in page.text
    assert "Maya wanted to fix her own bike &amp; feel useful again." in page.text
    assert "repair café\nbike club</textarea>" in page.text
    assert 'value="3" class="date-input__day">' in page.text
    assert 'value="11" class="date-input__month">' in page.text
    assert 'value="54.50"' in page.text
    assert 'value="success" checked' in page.text
    assert f'<option value="{somerset.id}" selected>' in page.text
    assert _held(session) == [], "used once, then deleted"
    assert session.exec(select(Story)).all() == [], "put back, not saved behind their back"
    again = client.get(resume)
    assert again.status_code == 404
    assert "already been put back into its form" in text_of(again)


def test_an_edit_posted_after_the_session_ended_comes_back_to_the_draft(
    client, session, settings, somerset, staff, csrf
):
    draft = make_story(session, site=somerset, author=staff, status="draft", title="Before")
    _end_sessions(session, settings, staff)
    data = {**TYPED, "version": str(draft.version), "action": "save", "csrf_token": csrf}
    response = client.post(f"/stories/{draft.id}/edit", data=data, follow_redirects=False)
    [held] = _held(session)
    assert held.story_id == draft.id and held.target == f"/stories/{draft.id}/edit"
    _, resume = _sign_in_again(client, staff, response.headers["location"])
    page = client.get(resume)
    assert page.status_code == 200
    assert KEPT in text_of(page) and "Edit draft" in text_of(page)
    assert f'action="/stories/{draft.id}/edit"' in page.text
    assert f'name="version" value="{draft.version}"' in page.text
    assert 'value="Maya and the repair café"' in page.text
    form = {**TYPED, "version": str(draft.version), "csrf_token": csrf_token(page)}
    saved = client.post(f"/stories/{draft.id}/edit", data=form, follow_redirects=False)
    assert saved.status_code == 303
    session.expire_all()
    assert session.get(Story, draft.id).title == "Maya and the repair café"


def test_a_consent_form_posted_after_the_session_ended_comes_back(
    client, session, settings, somerset, staff, csrf
):
    draft = make_story(session, site=somerset, author=staff, status="draft", consent_level=None)
    _end_sessions(session, settings, staff)
    data = {"version": "1", "consent_level": "site_only", "explained": "yes", "csrf_token": csrf}
    response = client.post(f"/stories/{draft.id}/submit", data=data, follow_redirects=False)
    _, resume = _sign_in_again(client, staff, response.headers["location"])
    page = client.get(resume)
    assert page.status_code == 200
    assert KEPT in text_of(page) and "Consent and submit" in text_of(page)
    assert 'value="site_only" aria-describedby="field-consent_level-explained" checked' in (
        page.text
    )
    session.expire_all()
    assert session.get(Story, draft.id).status == "draft"


def test_without_a_session_cookie_nothing_is_kept(client, session, somerset):
    data = {**TYPED, "site_id": str(somerset.id), "csrf_token": "anything"}
    response = client.post("/stories/new", data=data, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/stories&ended=1"
    assert _held(session) == []
    assert ENDED in text_of(client.get(response.headers["location"]))


def test_an_unknown_session_cookie_keeps_nothing(client, session, somerset):
    client.cookies.set(SESSION_COOKIE, "made-up-value")
    data = {**TYPED, "site_id": str(somerset.id), "csrf_token": "anything"}
    response = client.post("/stories/new", data=data, follow_redirects=False)
    assert "/stories/resume/" not in response.headers["location"]
    assert _held(session) == []


def test_an_ended_session_with_the_wrong_form_token_keeps_nothing(
    client, session, settings, somerset, staff, csrf
):
    _end_sessions(session, settings, staff)
    data = {**TYPED, "site_id": str(somerset.id), "csrf_token": "not-the-session-token"}
    response = client.post("/stories/new", data=data, follow_redirects=False)
    assert response.headers["location"].endswith("&ended=1")
    assert "/stories/resume/" not in response.headers["location"]
    assert _held(session) == []


def test_a_logged_out_session_keeps_nothing(client, session, somerset, staff, csrf):
    old_cookie = client.cookies.get(SESSION_COOKIE)
    client.post("/logout", data={"csrf_token": csrf})
    client.cookies.set(SESSION_COOKIE, old_cookie)
    data = {**TYPED, "site_id": str(somerset.id), "csrf_token": csrf}
    response = client.post("/stories/new", data=data, follow_redirects=False)
    assert "/stories/resume/" not in response.headers["location"]
    assert _held(session) == []


def test_someone_else_cannot_pick_up_a_kept_form(client, session, somerset, story_form):
    location = story_form.headers["location"]
    resume = parse_qs(urlsplit(location).query)["next"][0]
    other = make_user(session, roles=["staff"], sites=[somerset])
    log_in(client, other)
    page = client.get(resume)
    assert page.status_code == 404
    assert "Maya" not in page.text
    assert len(_held(session)) == 1, "still there for the person who typed it"


def test_an_expired_kept_form_is_deleted_and_not_shown(client, session, staff, story_form):
    session.execute(update(HeldForm).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    _, resume = _sign_in_again(client, staff, story_form.headers["location"])
    page = client.get(resume)
    assert page.status_code == 404
    assert "Maya" not in page.text
    assert _held(session) == []
