"""The account page: who I am, and personal API tokens (shown once, revocable)."""

from __future__ import annotations

import re

from tests.builders import make_user
from tests.web.pages import log_in, text_of

RAW_TOKEN = re.compile(r'value="(sbk_[A-Za-z0-9_-]+)"')


def _create_token(client, csrf, name="Monthly export", days="30"):
    return client.post("/account/tokens", data={"csrf_token": csrf, "name": name, "days": days})


def test_account_page_shows_name_roles_and_sites(client, csrf):
    text = text_of(client.get("/account"))
    assert "Name Sam Staff" in text
    assert "Roles Staff (writes stories) at Somerset" in text
    assert "You have no API tokens." in text


def test_new_token_is_shown_once_and_works(client, csrf):
    created = _create_token(client, csrf)
    assert created.status_code == 201
    assert "Copy this token now. It will not be shown again." in text_of(created)
    raw = RAW_TOKEN.search(created.text).group(1)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.json()["display_name"] == "Sam Staff"
    account = client.get("/account")
    assert raw not in account.text, "the raw token is never shown again"
    text = text_of(account)
    assert "Monthly export" in text and f"{raw[:12]}…" in text and "Active" in text


def test_revoked_token_stops_working(client, csrf):
    raw = RAW_TOKEN.search(_create_token(client, csrf).text).group(1)
    token_id = re.search(r"/account/tokens/(\d+)/revoke", client.get("/account").text).group(1)
    response = client.post(
        f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/account?revoked=1"
    text = text_of(client.get("/account?revoked=1"))
    assert "The token has been revoked." in text and "Revoked" in text
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_bad_token_form_keeps_the_name_and_explains(client, csrf):
    response = _create_token(client, csrf, name="Export", days="forever")
    assert response.status_code == 422
    assert "Enter a whole number of days, from 1 to 366." in text_of(response)
    assert 'value="Export"' in response.text and 'value="forever"' in response.text
    response = _create_token(client, csrf, name="Export", days="400")
    assert response.status_code == 422
    assert "Between 1 and 366." in text_of(response)


def test_someone_elses_token_cannot_be_revoked(client, session, somerset, staff):
    other = make_user(session, roles=["staff"], sites=[somerset])
    _create_token(client, log_in(client, other))
    token_id = re.search(r"/account/tokens/(\d+)/revoke", client.get("/account").text).group(1)
    staff_csrf = log_in(client, staff)
    response = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": staff_csrf})
    assert response.status_code == 404
    assert f"There is no token with id {token_id}." in text_of(response)
