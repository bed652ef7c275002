"""The account page's "Change your password" form: old tokens stop, this browser stays in."""

from __future__ import annotations

from fastapi.testclient import TestClient

from storybank import accounts
from storybank.models import User
from tests.builders import PASSWORD, token_headers
from tests.web.pages import csrf_token, log_in, text_of

NEW_PASSWORD = "a brand new passphrase"


def _change(client, csrf, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    data = {
        "csrf_token": csrf,
        "current_password": current,
        "new_password": new,
        "confirm_password": new if confirm is None else confirm,
    }
    return client.post("/account/password", data=data, follow_redirects=False)


def _password_is(session, user, password):
    session.expire_all()
    return accounts.password_matches(session.get(User, user.id).password_hash, password)


def test_form_has_labelled_password_fields(client, csrf):
    page = client.get("/account")
    text = text_of(page)
    assert "Change your password" in text
    assert 'action="/account/password"' in page.text
    for name, label in [
        ("current_password", "Current password"),
        ("new_password", "New password"),
        ("confirm_password", "Confirm new password"),
    ]:
        assert f'<label for="field-{name}">{label}</label>' in page.text
        assert f'id="field-{name}" name="{name}" type="password"' in page.text
    assert "At least 10 characters." in text


def test_change_redirects_with_a_notice_and_cuts_off_old_tokens(client, session, staff, csrf):
    old_token = token_headers(session, staff)
    response = _change(client, csrf)
    assert response.status_code == 303
    assert response.headers["location"] == "/account?password_changed=1"
    page = client.get(response.headers["location"], follow_redirects=False)
    assert page.status_code == 200, "this browser is still signed in"
    text = text_of(page)
    assert "Name Sam Staff" in text
    assert "Your password has been changed. All your API tokens have been revoked" in text
    assert "create new ones for any scripts that used them" in text
    assert "Revoked" in text, "the old token is listed as revoked"
    assert client.get("/api/v1/me", headers=old_token).status_code == 401
    assert _password_is(session, staff, NEW_PASSWORD)


def test_change_signs_out_other_browsers_and_the_new_password_works(app, client, staff, csrf):
    with TestClient(app, base_url="http://testserver") as other_browser:
        log_in(other_browser, staff)
        assert _change(client, csrf).status_code == 303
        gone = other_browser.get("/account", follow_redirects=False)
        assert gone.status_code == 303
        assert gone.headers["location"] == "/login?next=/account"
        assert "Name Sam Staff" in text_of(client.get("/account"))
        log_in(other_browser, staff, password=NEW_PASSWORD)


def test_wrong_current_password_is_shown_beside_the_field(client, session, staff, csrf):
    old_token = token_headers(session, staff)
    response = _change(client, csrf, current="not my password")
    assert response.status_code == 422
    assert (
        '<p class="error-message" id="field-current_password-error"><span class="visually-hidden">'
        "Error:</span> This is not your current password.</p>" in response.text
    )
    assert "Current password: This is not your current password." in text_of(response)
    assert "not my password" not in response.text and NEW_PASSWORD not in response.text
    assert client.get("/api/v1/me", headers=old_token).status_code == 200
    assert _password_is(session, staff, PASSWORD)


def test_weak_new_password_is_shown_beside_the_field(client, session, staff, csrf):
    response = _change(client, csrf, new="too short")
    assert response.status_code == 422
    assert 'id="field-new_password-error"' in response.text
    assert "New password: Use at least 10 characters." in text_of(response)
    assert _password_is(session, staff, PASSWORD)


def test_different_confirmation_changes_nothing(client, session, staff, csrf):
    response = _change(client, csrf, confirm="a brand new passphrasE")
    assert response.status_code == 422
    assert 'id="field-confirm_password-error"' in response.text
    assert "Confirm new password: Type the same new password twice." in text_of(response)
    assert _password_is(session, staff, PASSWORD)


def test_change_without_the_csrf_token_is_refused(client, session, staff, csrf):
    response = _change(client, "not-the-token")
    assert response.status_code == 403
    assert "security token is missing or out of date" in text_of(response)
    assert _password_is(session, staff, PASSWORD)


def test_repeated_wrong_current_passwords_are_throttled(client, session, staff, csrf, settings):
    for _ in range(settings.login_max_failures):
        assert _change(client, csrf, current="a guess").status_code == 422
    response = _change(client, csrf)
    assert response.status_code == 429
    assert response.headers["retry-after"] == str(settings.login_lockout_seconds)
    assert "Too many failed logins. Wait a few minutes, then try again." in text_of(response)
    assert csrf_token(response) == csrf, "the page is shown again, still signed in"
    assert _password_is(session, staff, PASSWORD)


def test_change_needs_a_login(client, staff):
    response = _change(client, "x")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    assert "Log in" in text_of(client.get(response.headers["location"]))
