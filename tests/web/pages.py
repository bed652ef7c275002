"""Helpers for page tests: log a test client in, and read what a page shows."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from httpx import Response

from storybank.models import User
from tests.builders import PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')
_TAGS = re.compile(r"<[^>]+>")


def csrf_token(page: Response) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF.search(page.text)
    assert match, "no form with a csrf_token on this page"
    return match.group(1)


def log_in(client: TestClient, user: User, password: str = PASSWORD, next_path: str = "") -> str:
    """Log the client in through the login form (as if in a fresh browser); returns the
    session's CSRF token, for posting the site's other forms."""
    client.cookies.clear()
    form = client.get("/login")
    assert form.status_code == 200, form.text
    data = {"email": user.email, "password": password, "csrf_token": csrf_token(form)}
    if next_path:
        data["next"] = next_path
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 303, text_of(response)
    assert response.headers["location"] == (next_path or "/stories")
    account = client.get("/account", follow_redirects=False)
    assert account.status_code == 200, "the new session does not sign the person in"
    assert f"Name {user.display_name}" in text_of(account)
    return csrf_token(account)


def text_of(page: Response) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    body = re.split(r"<body[^>]*>", page.text, maxsplit=1)[-1]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(_TAGS.sub(" ", body)).split())
