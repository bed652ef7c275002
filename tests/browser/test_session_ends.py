"""A session that ends while a story is being typed loses nothing, in real Chromium."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from storybank.models import HeldForm, LoginSession, Story, utcnow
from tests.browser.conftest import CHROMIUM
from tests.builders import PASSWORD, make_site, make_user

if TYPE_CHECKING:
    from playwright.sync_api import Page

TITLE = "Priya finds the knitting circle"
STORY_TEXT = {
    "What mattered most to the person?": "Priya wanted company in the afternoons.",
    "What happened?": "A navigator at the GP surgery told her about a knitting circle.",
    "What changed?": "She goes twice a week and teaches two newcomers.",
    "What would have happened before?": "She would have been referred for day care.",
    "Community solutions used": "Knitting circle\nCommunity transport",
    "Why is this change significant?": "She says she feels needed again.",
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Chromium at /usr/bin/chromium (apt-get install chromium; CI installs it)",
    ),
]


def test_a_story_typed_while_the_session_ends_is_saved_after_signing_in(
    phone_page: Page, session, settings
) -> None:
    from playwright.sync_api import expect

    site = make_site(session, "Torbay")
    staff = make_user(session, roles=["staff"], sites=[site], name="Sam Staff")
    page = phone_page
    page.goto("/stories/new")
    _log_in(page, staff.email)
    _fill_in_every_field(page)

    # The person leaves the page open past the idle timeout: the server ends the session.
    idle = timedelta(minutes=settings.session_idle_minutes + 1)
    session.execute(
        update(LoginSession)
        .where(col(LoginSession.user_id) == staff.id)
        .values(last_seen_at=utcnow() - idle)
    )
    session.commit()
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        "Your session ended; sign in to save your story."
    )
    _log_in(page, staff.email)
    expect(page.get_by_role("status")).to_have_text("We kept what you typed. Check it and save.")
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Your draft has been saved.")

    session.expire_all()
    [story] = session.exec(select(Story)).all()
    assert story.status == "draft" and story.author_id == staff.id and story.site_id == site.id
    assert story.title == TITLE
    assert (story.perspective, story.contact_route) == ("individual", "gp_health")
    assert story.story_type == "learning"
    assert story.change_date == date(2025, 11, 3)
    assert story.what_mattered == STORY_TEXT["What mattered most to the person?"]
    assert story.what_happened == STORY_TEXT["What happened?"]
    assert story.what_changed == STORY_TEXT["What changed?"]
    assert story.before_cls == STORY_TEXT["What would have happened before?"]
    assert story.community_solutions == ["Knitting circle", "Community transport"]
    assert story.why_significant == STORY_TEXT["Why is this change significant?"]
    assert (story.weekly_cost_before, story.weekly_cost_after) == (Decimal(210), Decimal("60.25"))
    assert session.exec(select(HeldForm)).all() == [], "the kept copy is gone once used"


def _log_in(page: Page, email: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _fill_in_every_field(page: Page) -> None:
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Site").select_option(label="Torbay")
    page.get_by_label("Whose story is this?").select_option(label="An individual")
    page.get_by_label("How did the person come into contact?").select_option(value="gp_health")
    page.get_by_label("Learning story").check()
    when = page.get_by_role("group", name="Date of the change")
    when.get_by_label("Day").fill("3")
    when.get_by_label("Month").fill("11")
    when.get_by_label("Year").fill("2025")
    for label, text in STORY_TEXT.items():
        page.get_by_label(label).fill(text)
    page.get_by_label("Weekly cost before (£)").fill("210")
    page.get_by_label("Weekly cost after (£)").fill("60.25")
