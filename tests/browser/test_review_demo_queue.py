"""On the demo data, the reviewer works through their whole review queue in real Chromium
with the keyboard only: the first model's suggestions, their evidence marked in the story,
j to move, a to accept, c to confirm and go on to the next story."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from sqlmodel import Session, col, select

from storybank.demo import DEMO_DOMAIN, DEMO_PASSWORD, load_demo, train_demo_model
from storybank.models import Coding, User
from tests.browser.conftest import CHROMIUM

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Chromium at /usr/bin/chromium (apt-get install chromium; CI installs it)",
    ),
]


def _press_and_wait(page: Page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_the_demo_reviewer_codes_the_whole_queue_with_the_keyboard(
    phone_page: Page, session: Session
) -> None:
    load_demo(session=session)
    assert train_demo_model(session=session) is not None  # as `storybank demo` does
    reviewer = session.exec(select(User).where(User.email == f"reviewer@{DEMO_DOMAIN}")).one()
    page = phone_page
    page.goto("/login?next=/review")
    page.get_by_label("Email address").fill(reviewer.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    _press_and_wait(page, "Enter")
    queue = page.inner_text("main")
    first = page.locator("main a[href^='/review/']").first.get_attribute("href")
    assert first and re.fullmatch(r"/review/\d+", first), queue
    page.goto(first)

    coded = 0
    while "/review/" in page.url:
        assert page.locator("mark").count() > 0, "the model's evidence is marked in the story"
        page.keyboard.press("j")
        _press_and_wait(page, "a")
        _press_and_wait(page, "c")
        coded += 1
        assert coded <= 10, "the queue never ended"

    assert "Nothing is waiting for you." in page.inner_text("main")
    assert coded == 6
    accepted = session.exec(
        select(Coding).where(Coding.coder_id == reviewer.id, col(Coding.suggestion_id).is_not(None))
    ).all()
    assert len({coding.story_id for coding in accepted}) == 6
    assert all(coding.model_version and coding.confidence for coding in accepted)
