"""The insights page: counts with denominators, links to the stories behind each number,
charts and downloads, for an evaluator over only the stories they may read."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from tests.builders import make_site, make_story, make_user
from tests.web.pages import log_in, text_of
from tests.web.test_story_page import confirm_codes


def _bank(session, somerset, staff):
    derby = make_site(session, "Derby")
    derby_staff = make_user(session, roles=["staff"], sites=[derby], name="Dee Staff")
    hub = make_story(session, site=somerset, author=staff, title="Hub visit", story_type="learning")
    confirm_codes(session, hub, staff, ["outcome_3", "community_hub"])
    costed = make_story(
        session,
        site=somerset,
        author=staff,
        title="Fewer hours",
        weekly_cost_before=Decimal("200.00"),
        weekly_cost_after=Decimal("80.00"),
    )
    confirm_codes(session, costed, staff, ["outcome_6", "cost_reduction"])
    make_story(session, site=somerset, author=staff, title="Awaiting")
    make_story(
        session, site=somerset, author=staff, title="Kept at site", consent_level="site_only"
    )
    other = make_story(session, site=derby, author=derby_staff, title="Derby story")
    confirm_codes(session, other, derby_staff, ["outcome_3"])
    return make_user(session, roles=["evaluator"], sites=[somerset], name="Eve Evaluator")


def test_an_evaluator_sees_counts_with_denominators_and_awaiting_review(
    client, session, somerset, staff
):
    evaluator = _bank(session, somerset, staff)
    log_in(client, evaluator)
    page = client.get("/insights")
    assert page.status_code == 200
    text = text_of(page)
    # Two coded stories she may read (Derby's and the site-only one are not hers to count).
    assert "2 coded stories in this filter; 1 awaiting review" in text
    assert "3. Support promotes independence" in text and "1/2" in text
    assert (
        "1 of 3 stories record a weekly cost before and after; together \u2212£120.00 a week"
        in text
    )
    assert 'href="/stories?status=submitted&amp;outcome=3"' in page.text


def test_a_number_links_to_exactly_the_stories_behind_it(client, session, somerset, staff):
    evaluator = _bank(session, somerset, staff)
    log_in(client, evaluator)
    listed = text_of(client.get("/stories?status=submitted&outcome=3"))
    assert "Hub visit" in listed and "Fewer hours" not in listed and "Derby story" not in listed
    learning = text_of(client.get("/insights?story_type=learning"))
    assert "1 coded story in this filter; 0 awaiting review" in learning


def test_tables_and_charts_download_as_csv_xlsx_svg_and_png(client, session, somerset, staff):
    evaluator = _bank(session, somerset, staff)
    log_in(client, evaluator)
    rows = list(csv.reader(io.StringIO(client.get("/insights/download/frequencies.csv").text)))
    assert rows[0][:4] == ["code", "kind", "stories", "of coded stories"]
    assert [
        "3. Support promotes independence, resilience and wellbeing",
        "outcome",
        "1",
        "2",
        "50%",
    ] in rows
    book = load_workbook(io.BytesIO(client.get("/insights/download/crosstab.xlsx?by=site").content))
    assert book.active["A1"].value == "code"
    svg = client.get("/insights/download/frequencies.svg")
    assert svg.headers["content-type"] == "image/svg+xml" and "<title" in svg.text
    png = client.get("/insights/download/panels.png")
    assert png.content.startswith(b"\x89PNG")


def test_bad_insight_requests_are_refused_with_the_reason(client, session, somerset, staff):
    evaluator = _bank(session, somerset, staff)
    log_in(client, evaluator)
    assert client.get("/insights?by=colour").status_code == 422
    assert client.get("/insights/download/frequencies.doc").status_code in (404, 422)
    unknown = client.get("/insights?theme=not_a_theme")
    assert unknown.status_code == 422 and "There is no theme" in unknown.text
    log_in(client, staff)
    assert client.get("/insights").status_code == 403


def test_the_form_s_blank_boxes_mean_any_and_dates_narrow(client, session, somerset, staff):
    evaluator = _bank(session, somerset, staff)
    log_in(client, evaluator)
    blank = client.get("/insights?unit_id=&date_from=&date_to=&outcome=&theme=&by=site")
    assert blank.status_code == 200
    assert "2 coded stories in this filter" in text_of(blank)
    future = client.get("/insights?date_from=2099-01-01")
    assert future.status_code == 200 and "0 coded stories in this filter" in text_of(future)
    assert client.get("/insights?date_from=31/02/2026").status_code == 422
