"""Logging in and out, the login redirect, throttling and CSRF protection of forms."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from storybank.models import LoginSession
from tests.builders import PASSWORD, token_headers
from tests.web.pages import csrf_token, log_in, text_of


def _cookie_header(response, name: str) -> str:
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert headers, f"no {name} cookie set"
    return headers[-1].lower()


def _login(client, email, password, *, next_path="", csrf=None):
    form = client.get("/login")
    data = {"email": email, "password": password, "csrf_token": csrf or csrf_token(form)}
    if next_path:
        data["next"] = next_path
    return client.post("/login", data=data, follow_redirects=False)


def test_login_page_sets_a_strict_csrf_cookie_and_labels_its_fields(client):
    page = client.get("/login")
    assert page.status_code == 200
    cookie = _cookie_header(page, "storybank_csrf")
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert '<label for="field-email">Email address</label>' in page.text
    assert '<label for="field-password">Password</label>' in page.text


def test_login_success_sets_a_session_cookie_and_goes_to_the_story_list(client, staff):
    response = _login(client, staff.email, PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/stories"
    cookie = _cookie_header(response, "storybank_session")
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie, "plain http test server: no Secure flag"
    page = client.get("/stories")
    assert page.status_code == 200
    assert "Log out" in text_of(page)


def test_cookies_are_secure_when_the_operator_forces_it(client, settings):
    settings.cookie_secure = True
    assert "; secure" in _cookie_header(client.get("/login"), "storybank_csrf")


def test_session_cookie_is_secure_behind_https(app, staff):
    with TestClient(app, base_url="https://testserver") as client:
        response = _login(client, staff.email, PASSWORD)
    assert response.status_code == 303
    assert "; secure" in _cookie_header(response, "storybank_session")


def test_login_rotates_the_session_id_and_ends_the_previous_session(client, session, staff):
    _login(client, staff.email, PASSWORD)
    first = client.cookies.get("storybank_session")
    login_token = "a" * 43  # a second login from the same browser, still holding the old cookie
    client.cookies.set("storybank_csrf", login_token, domain="testserver.local", path="/login")
    response = _login(client, staff.email, PASSWORD, csrf=login_token)
    assert response.status_code == 303
    second = client.cookies.get("storybank_session")
    assert first and second and first != second
    session.expire_all()
    sessions = session.exec(select(LoginSession).where(LoginSession.user_id == staff.id)).all()
    assert len(sessions) == 1, "the previous session ends when a new one starts"


def test_a_planted_session_cookie_is_replaced_at_login(client, staff):
    client.cookies.set("storybank_session", "planted-by-someone-else", domain="testserver.local")
    _login(client, staff.email, PASSWORD)
    assert client.cookies.get("storybank_session") != "planted-by-someone-else"


def test_failed_login_shows_one_generic_message_and_keeps_the_email(client, staff):
    response = _login(client, staff.email, "wrong password")
    assert response.status_code == 401
    text = text_of(response)
    assert "That email and password do not match an active account." in text
    assert f'value="{staff.email}"' in response.text
    assert "storybank_session" not in client.cookies


def test_unknown_email_gets_the_same_message_as_a_wrong_password(client):
    response = _login(client, "nobody@example.org", "whatever password")
    assert response.status_code == 401
    assert "That email and password do not match an active account." in text_of(response)


def test_repeated_failed_logins_are_throttled_with_retry_after(client, staff):
    for _ in range(3):
        assert _login(client, staff.email, "wrong password").status_code == 401
    response = _login(client, staff.email, PASSWORD)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "900"
    assert "Too many failed logins. Wait a few minutes, then try again." in text_of(response)
    assert "storybank_session" not in client.cookies


def test_login_without_the_csrf_cookie_value_is_refused(client, staff):
    response = _login(client, staff.email, PASSWORD, csrf="not-the-cookie-value-at-all-000000")
    assert response.status_code == 403
    assert "security token is missing or out of date" in text_of(response)
    assert "storybank_session" not in client.cookies


def test_pages_need_a_login_and_come_back_after_it(client, staff):
    response = client.get("/stories?status=draft", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/stories%3Fstatus%3Ddraft"
    login_page = client.get(response.headers["location"])
    assert 'name="next" value="/stories?status=draft"' in login_page.text
    response = _login(client, staff.email, PASSWORD, next_path="/stories?status=draft")
    assert response.headers["location"] == "/stories?status=draft"


def test_login_never_redirects_to_another_site(client, staff):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "stories"):
        client.cookies.clear()
        response = _login(client, staff.email, PASSWORD, next_path=target)
        assert response.headers["location"] == "/stories", target


def test_home_page_goes_to_the_story_list(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/stories"


def test_logout_ends_the_session(client, staff, csrf):
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?logged_out=1"
    assert "You have logged out." in text_of(client.get("/login?logged_out=1"))
    assert client.get("/stories", follow_redirects=False).status_code == 303


def test_form_post_without_the_csrf_token_is_refused(client, staff, csrf, somerset):
    response = client.post("/stories/new", data={"site_id": somerset.id, "title": "No token"})
    assert response.status_code == 403
    assert "security token is missing or out of date" in text_of(response)
    response = client.post("/logout", data={"csrf_token": "wrong"})
    assert response.status_code == 403
    assert client.get("/stories", follow_redirects=False).status_code == 200, "still logged in"


def test_form_post_with_an_api_token_needs_no_csrf_token(client, session, staff, somerset):
    # As in the API: a browser never sends a bearer token by itself, so it cannot be forged.
    response = client.post(
        "/stories/new",
        data={"site_id": somerset.id, "title": "By script"},
        headers=token_headers(session, staff),
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_form_post_without_a_login_goes_to_the_login_page(client, somerset):
    response = client.post(
        "/stories/new",
        data={"title": "Lost", "csrf_token": "x"},
        headers={"referer": "http://testserver/stories/new"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/stories/new&ended=1"


def test_logged_in_person_visiting_login_goes_on(client, staff, csrf):
    response = client.get("/login?next=/account", follow_redirects=False)
    assert response.headers["location"] == "/account"


def test_error_pages_say_what_to_do_next(client, staff, csrf):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    text = text_of(response)
    assert "Page not found" in text
    assert "Check the address, or go to the list of stories." in text
    assert "Traceback" not in response.text


def test_log_in_helper_works(client, staff):
    assert log_in(client, staff)
