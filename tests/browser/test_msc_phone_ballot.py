"""A panel member reads the reading pack and fills in a score ballot on a phone, in real
Chromium, without anything but the page's own HTML and CSS."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from sqlmodel import select

from storybank.models import Ballot, RoundState
from tests.browser.conftest import CHROMIUM
from tests.builders import PASSWORD, make_site, make_story, make_user
from tests.msc_builders import make_round

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Chromium at /usr/bin/chromium (apt-get install chromium; CI installs it)",
    ),
]
PHONE_WIDTH = 390
TOUCH_TARGET = 44


def test_a_panel_member_reads_and_scores_the_stories_on_a_phone(phone_page: Page, session) -> None:
    from playwright.sync_api import expect

    site = make_site(session, "Somerset")
    staff = make_user(session, roles=["staff"], sites=[site], name="Sam Staff")
    choir = make_story(session, site=site, author=staff, title="Agnes rejoined the choir")
    garden = make_story(session, site=site, author=staff, title="Bert kept his allotment")
    facilitator = make_user(session, roles=["facilitator"], sites=[site], name="Fay Facilitator")
    member = make_user(session, name="Morwenna Quill")
    made = make_round(
        session,
        unit=site,
        facilitator=facilitator,
        panel=[member],
        to=RoundState.voting,
        method="score",
    )
    rid = made.round.id
    page = phone_page
    page.goto(f"/msc/rounds/{rid}/reading")
    page.get_by_label("Email address").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(
        page.get_by_role("heading", name="Reading pack: Somerset round", level=1)
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Changes in people's lives", level=2)).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile("rejoined the choir"), level=3)
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    page.get_by_role("link", name="Go to your ballot").click()
    expect(page.get_by_role("heading", name="Your ballot: Somerset round", level=1)).to_be_visible()
    choir_scores = page.get_by_role("group", name=re.compile("Score for .*rejoined the choir"))
    garden_scores = page.get_by_role("group", name=re.compile("Score for .*kept his allotment"))
    five = choir_scores.get_by_label("5", exact=True)
    box = choir_scores.locator("label").first.bounding_box()
    assert box is not None and box["height"] >= TOUCH_TARGET
    five.tap()
    garden_scores.get_by_label("2", exact=True).tap()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.get_by_role("button", name="Save your ballot").tap()

    expect(page.get_by_role("status")).to_contain_text(
        "Your ballot is saved. You can change it until voting closes."
    )
    expect(choir_scores.get_by_label("5", exact=True)).to_be_checked()
    expect(garden_scores.get_by_label("2", exact=True)).to_be_checked()
    session.expire_all()
    stored = session.exec(select(Ballot).where(Ballot.round_id == rid)).all()
    assert [b.content for b in stored] == [{"scores": {str(choir.id): 5, str(garden.id): 2}}]
