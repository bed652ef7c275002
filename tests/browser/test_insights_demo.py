"""On the demo data, an evaluator answers "which outcomes do one site's learning stories
show, and how does that compare with what panels selected?" in real Chromium, and
downloads the table and the chart."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlmodel import Session, select

from storybank.access import load_actor
from storybank.demo import DEMO_DOMAIN, DEMO_PASSWORD, load_demo
from storybank.insights.frequencies import code_frequencies
from storybank.models import Unit, User
from storybank.stories.finding import StoryFilters
from tests.browser.conftest import CHROMIUM

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Chromium at /usr/bin/chromium (apt-get install chromium; CI installs it)",
    ),
]


def test_an_evaluator_compares_a_sites_learning_stories_with_what_panels_selected(
    desktop_browser: Callable[[], Page], session: Session
) -> None:
    load_demo(session=session)
    evaluator = session.exec(select(User).where(User.email == f"evaluator@{DEMO_DOMAIN}")).one()
    somerset = session.exec(select(Unit).where(Unit.name == "Somerset")).one()
    page = desktop_browser()
    page.goto("/login")
    page.get_by_label("Email address").fill(evaluator.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("link", name="Insights").click()
    page.get_by_label("Site, region or programme").select_option(label="Somerset (site)")
    page.get_by_label("Success or learning").select_option(label="Learning stories")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()

    expected = code_frequencies(
        session=session,
        actor=load_actor(session=session, user=evaluator),
        filters=StoryFilters(unit_id=somerset.id, story_type="learning"),
    )
    summary = page.locator("#freq-heading + p").inner_text()
    assert f"{expected.denominator} coded" in summary
    table = page.locator("section[aria-labelledby='freq-heading'] table")
    for count in expected.codes:
        if count.code.kind == "outcome":
            row = table.locator("tr", has_text=count.code.name)
            assert f"{count.count}/{count.denominator}" in row.inner_text()
    assert page.get_by_role("heading", name="What panels select").is_visible()
    chart = page.locator("section[aria-labelledby='freq-heading'] img").first
    chart.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
    )

    with page.expect_download() as table_download:
        page.locator(
            "section[aria-labelledby='freq-heading'] a", has_text="table (CSV)"
        ).first.click()
    rows = list(csv.reader(io.StringIO(Path(table_download.value.path()).read_text())))
    assert rows[0][0] == "code" and len(rows) > 6
    with page.expect_download() as chart_download:
        page.locator(
            "section[aria-labelledby='freq-heading'] a", has_text="chart (SVG)"
        ).first.click()
    assert "<svg" in Path(chart_download.value.path()).read_text()
