"""Each demo account signs in and sees exactly what its role allows."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from storybank.demo import DEMO_ACCOUNTS, DEMO_DOMAIN, DEMO_PASSWORD, demo_stories, load_demo
from storybank.models import PERSONAL_FIELDS, User
from tests.builders import token_headers

BEYOND_SITE = {"programme_anonymised", "publishable_anonymised"}


def _expected(role: str, sites: list[str]) -> set[str]:
    """Titles a role should see, worked out from the demo files, not from the code."""
    chosen = [s for s in demo_stories() if sites == ["*"] or s["site"] in sites]
    status = {s["title"]: s.get("status", "submitted") for s in chosen}
    if role == "admin":
        return {s["title"] for s in demo_stories()}
    if role == "staff":
        return set(status)
    if role in ("reviewer", "facilitator"):
        return {t for t, st in status.items() if st != "draft"}
    if role == "evaluator":
        return {
            _redacted(s, s["title"])
            for s in chosen
            if status[s["title"]] == "submitted" and s["consent"] in BEYOND_SITE
        }
    return set()


def _redacted(story: dict, text: str) -> str:
    """The text with the story's listed replacements applied, as the demo files say."""
    for found, replacement in story.get("deidentified", {}).get("replace", []):
        text = re.sub(rf"(?<!\w){re.escape(found)}(?!\w)", replacement, text)
    return text


@pytest.fixture
def demo(session):
    load_demo(session=session)
    return session


@pytest.mark.parametrize("local, name, roles, sites", DEMO_ACCOUNTS)
def test_demo_account_signs_in_and_sees_what_its_role_allows(
    client, demo, local, name, roles, sites
):
    session = demo
    email = f"{local}@{DEMO_DOMAIN}"
    login_page = client.get("/login")
    assert login_page.status_code == 200
    response = client.post(
        "/login",
        data={
            "email": email,
            "password": DEMO_PASSWORD,
            "csrf_token": client.cookies.get("storybank_csrf"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    user = session.exec(select(User).where(User.email == email)).one()
    listed = client.get(
        "/api/v1/stories", params={"limit": 200}, headers=token_headers(session, user)
    ).json()
    titles = {item["title"] for item in listed["items"]}
    assert listed["total"] == len(titles)
    assert titles == _expected(roles[0].value, sites)


def test_evaluator_reads_no_name_the_demo_files_say_to_remove(client, demo):
    session = demo
    user = session.exec(select(User).where(User.email == f"evaluator@{DEMO_DOMAIN}")).one()
    listed = client.get(
        "/api/v1/stories", params={"limit": 200}, headers=token_headers(session, user)
    ).json()
    assert listed["total"] > 30
    assert {item["text_version"] for item in listed["items"]} == {"deidentified"}
    shown = " ".join(str(item[name]) for item in listed["items"] for name in PERSONAL_FIELDS)
    removed = {
        found
        for story in demo_stories()
        for found, _ in story.get("deidentified", {}).get("replace", [])
        if len(found) > 3
    }
    leaked = sorted(n for n in removed if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", shown))
    assert leaked == []
    assert "[Person A]" in shown
