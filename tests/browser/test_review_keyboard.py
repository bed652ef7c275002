"""A reviewer works through the queue with the keyboard only, in real Chromium:
j / k between suggestions, a / r to accept or reject, c or Enter to confirm and go on."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlmodel import select

from storybank.models import Code, Coding, utcnow
from tests.browser.conftest import CHROMIUM
from tests.builders import PASSWORD
from tests.review_builders import make_reviewer, suggested_story

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Chromium at /usr/bin/chromium (apt-get install chromium; CI installs it)",
    ),
]


def _focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def _press_and_wait(page: Page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def _codes_of(session, story_id: int, coder_id: int) -> set[str]:
    session.expire_all()
    rows = session.exec(
        select(Code.key)
        .join(Coding, Coding.code_id == Code.id)
        .where(Coding.story_id == story_id, Coding.coder_id == coder_id)
    ).all()
    return set(rows)


def test_a_reviewer_codes_two_stories_with_the_keyboard_only(
    phone_page: Page, session, somerset, staff
) -> None:
    reviewer = make_reviewer(session, somerset)
    now = utcnow()
    first, made = suggested_story(session, somerset, staff, submitted_at=now - timedelta(days=1))
    second, _ = suggested_story(session, somerset, staff, title="Second story", submitted_at=now)
    ids = {s.code_id: s.id for s in made}
    keys = {c.id: c.key for c in session.exec(select(Code)).all()}
    by_key = {keys[code_id]: sid for code_id, sid in ids.items()}
    page = phone_page

    page.goto("/login?next=/review")
    page.get_by_label("Email address").fill(reviewer.email)
    page.get_by_label("Password").fill(PASSWORD)
    _press_and_wait(page, "Enter")
    assert page.url.endswith("/review")
    page.goto(f"/review/{first.id}")

    page.keyboard.press("j")
    assert _focused(page) == f"suggestion-{by_key['community_hub']}"
    _press_and_wait(page, "a")  # accept: the next suggestion is selected after the reload
    assert _focused(page) == f"suggestion-{by_key['community_connections']}"
    _press_and_wait(page, "r")
    assert _focused(page) == f"suggestion-{by_key['outcome_3']}"
    page.keyboard.press("k")
    assert _focused(page) == f"suggestion-{by_key['community_connections']}"
    page.keyboard.press("j")
    _press_and_wait(page, "a")
    _press_and_wait(page, "c")  # confirm and next
    assert page.url.endswith(f"/review/{second.id}?finished=1")

    page.keyboard.press("j")
    _press_and_wait(page, "a")
    _press_and_wait(page, "Enter")
    assert "/review?finished=1" in page.url
    assert "Nothing is waiting for you." in page.inner_text("main")

    assert _codes_of(session, first.id, reviewer.id) == {"community_hub", "outcome_3"}
    assert _codes_of(session, second.id, reviewer.id) == {"community_hub"}
