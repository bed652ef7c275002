"""A staff member writes, saves and submits a change story on a phone, in real Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import CHROMIUM
from tests.builders import PASSWORD, make_site, make_user

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCREENSHOT = Path("/tmp/story-form.png")
TITLE = "Arthur gets back to his allotment"
STORY_TEXT = {
    "What mattered most to the person?": "Arthur wanted to get back to his allotment after a fall.",
    "What happened?": "His daughter brought him to the library hub to meet a community agent.",
    "What changed?": "A volunteer drives him to the allotment twice a week; he grows his own veg.",
    "What would have happened before?": "He would have waited six weeks for an assessment.",
    "Community solutions used": "Volunteer drivers\nAllotment society",
    "Why is this change significant?": "He says the allotment is what keeps him going.",
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Chromium at /usr/bin/chromium (apt-get install chromium; CI installs it)",
    ),
]


def test_staff_write_and_submit_a_story_on_a_phone(phone_page: Page, session) -> None:
    from playwright.sync_api import expect

    site = make_site(session, "Somerset")
    staff = make_user(session, roles=["staff"], sites=[site], name="Sam Staff")
    page = phone_page
    page.goto("/stories/new")
    _log_in(page, staff.email)
    expect(page.get_by_role("heading", name="Write a change story", level=1)).to_be_visible()
    page.screenshot(path=str(SCREENSHOT))

    _fill_in_the_story(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Your draft has been saved.")
    expect(page.get_by_label("Title")).to_have_value(TITLE)

    page.get_by_role("button", name="Continue to consent").click()
    expect(page.get_by_role("heading", name="Consent and submit")).to_be_visible()
    page.get_by_label("Read across the programme, with names removed").check()
    page.get_by_label("I have explained this to the person and they agreed").check()
    page.get_by_role("button", name="Submit story").click()
    expect(page.get_by_role("status")).to_contain_text("The story has been submitted.")
    expect(page.get_by_text("Fell by £125.50 a week")).to_be_visible()

    page.get_by_role("link", name="Stories", exact=True).click()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    page.get_by_label("Search stories").fill("allotment")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("Showing 1 of 1 story")).to_be_visible()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()


def _log_in(page: Page, email: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _fill_in_the_story(page: Page) -> None:
    """Every section of the form, in order, as a person would on their phone."""
    from playwright.sync_api import expect

    # 1 About the story
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Site").select_option(label="Somerset")
    page.get_by_label("Whose story is this?").select_option(label="An individual")
    page.get_by_label("How did the person come into contact?").select_option(
        label="Walked into a community hub"
    )
    page.get_by_label("Success story").check()
    when = page.get_by_role("group", name="Date of the change")
    when.get_by_label("Day").fill("3")
    when.get_by_label("Month").fill("2")
    when.get_by_label("Year").fill("2026")
    # 2 to 7: the story itself
    for label, text in STORY_TEXT.items():
        page.get_by_label(label).fill(text)
    expect(page.locator("#field-why_significant-count")).to_have_text("9 words")
    # 8 Cost of support
    page.get_by_label("Weekly cost before (£)").fill("180")
    page.get_by_label("Weekly cost after (£)").fill("54.50")
