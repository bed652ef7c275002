"""POST /api/v1/account/password: change my own password; old tokens and other sessions end."""

from __future__ import annotations

from sqlmodel import select

from api.deps import SESSION_COOKIE
from storybank import accounts
from storybank.models import AuditEvent, User
from tests.builders import KEYED, PASSWORD

URL = "/api/v1/account/password"
NEW_PASSWORD = "a brand new passphrase"


def _browser(client, session, user):
    """Sign the client in with a session cookie; the CSRF header its writes need."""
    new = accounts.start_session(session=session, settings=KEYED, user=user)
    client.cookies.set(SESSION_COOKIE, new.token)
    return {"X-CSRF-Token": new.record.csrf_token}


def _change(client, headers, current=PASSWORD, new=NEW_PASSWORD):
    return client.post(
        URL, json={"current_password": current, "new_password": new}, headers=headers
    )


def _password_is(session, user, password):
    session.expire_all()
    return accounts.password_matches(session.get(User, user.id).password_hash, password)


def test_change_revokes_old_tokens_and_keeps_the_calling_session(client, session, staff, headers):
    other_device = accounts.start_session(session=session, settings=KEYED, user=staff)
    csrf = _browser(client, session, staff)
    response = _change(client, csrf)
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert client.get("/api/v1/me").json()["display_name"] == "Sam Staff", "still signed in"
    old_token = client.get("/api/v1/me", headers=headers)  # a bearer token goes first
    assert old_token.status_code == 401
    assert old_token.json()["error"]["message"] == "That API token is unknown, expired or revoked."
    client.cookies.set(SESSION_COOKIE, other_device.token)
    assert client.get("/api/v1/me").status_code == 401, "the other device is signed out"
    assert _password_is(session, staff, NEW_PASSWORD)


def test_change_is_audited_without_the_passwords(client, session, staff):
    _change(client, _browser(client, session, staff))
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "user.password_changed"))
    assert event.actor_id == staff.id
    assert PASSWORD not in str(event.details) and NEW_PASSWORD not in str(event.details)


def test_change_with_a_token_revokes_that_token_too(client, session, staff, headers):
    assert _change(client, headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert _password_is(session, staff, NEW_PASSWORD)


def test_wrong_current_password_is_422_naming_the_field(client, session, staff, headers):
    response = _change(client, headers, current="not my password")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "wrong_current_password"
    assert error["problems"] == [
        {"field": "current_password", "message": "This is not your current password."}
    ]
    assert client.get("/api/v1/me", headers=headers).status_code == 200, "token still works"
    assert _password_is(session, staff, PASSWORD)


def test_weak_new_password_is_422_naming_the_field(client, session, staff, headers):
    response = _change(client, headers, new="too short")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["problems"] == [
        {"field": "new_password", "message": "Use at least 10 characters."}
    ]
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert _password_is(session, staff, PASSWORD)


def test_missing_field_is_422_naming_it(client, staff, headers):
    response = client.post(URL, json={"new_password": NEW_PASSWORD}, headers=headers)
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["error"]["problems"]] == ["current_password"]


def test_repeated_wrong_current_passwords_are_throttled(client, session, staff, headers, settings):
    for _ in range(settings.login_max_failures):
        assert _change(client, headers, current="a guess").status_code == 422
    response = _change(client, headers)
    assert response.status_code == 429
    assert response.headers["retry-after"] == str(settings.login_lockout_seconds)
    assert response.json()["error"]["code"] == "too_many_requests"
    assert _password_is(session, staff, PASSWORD)


def test_change_needs_a_login(client, staff):
    response = _change(client, {})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_browser_session_needs_the_csrf_header(client, session, staff):
    _browser(client, session, staff)
    response = _change(client, {})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert _password_is(session, staff, PASSWORD)
