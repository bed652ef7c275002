"""The evidence briefing as a printable page, as PDF and as JSON: an evaluator's never
holds an original name, a site-only story is never an example, bad input is a 4xx
naming the field, staff are refused, and rendering the PDF fetches nothing."""

from __future__ import annotations

import base64
import re

import pytest

from tests.briefing_builders import NAMES, build_briefing_bank
from tests.builders import make_user, token_headers
from tests.web.pages import log_in, text_of
from web.pdf import html_to_pdf, offline_fetcher

_CHART = re.compile(r'src="data:image/svg\+xml;base64,([^"]+)"')


@pytest.fixture
def bank(session, somerset, staff):
    return build_briefing_bank(session, somerset, staff)


@pytest.fixture
def evaluator(session, somerset):
    return make_user(session, roles=["evaluator"], sites=[somerset], name="Eve Evaluator")


def test_an_evaluators_briefing_shows_figures_examples_value_and_selections(
    client, session, bank, evaluator
):
    log_in(client, evaluator)
    page = client.get("/insights/briefing")
    assert page.status_code == 200
    text = text_of(page)
    assert "Evidence briefing All submitted stories you may read" in text
    assert (
        "3. Support promotes independence, resilience and wellbeing 1 of 2 coded stories (50%)"
        in text
    )
    assert "[Person A] walks to the shop again (Somerset)" in text
    assert "What changed: [Person A] now walks to the shop each morning" in text
    assert (
        "1 of 3 stories record a weekly support cost before and after; "
        "together \u2212£126.00 a week" in text
    )
    assert "Somerset spring round (2026 Q1) Site (Somerset) Changes in people's lives" in text
    assert "Kept at the site" not in text
    assert "Counts describe the stories collected" in text
    assert 'href="/static/css/briefing.css"' in page.text
    charts = [base64.b64decode(c).decode() for c in _CHART.findall(page.text)]
    assert len(charts) == 6 + 3 and all(c.startswith("<svg") for c in charts)
    assert not any(name in page.text or any(name in c for c in charts) for name in NAMES)


def test_the_briefing_describes_its_filter(client, session, bank, evaluator, somerset):
    log_in(client, evaluator)
    page = client.get(f"/insights/briefing?unit_id={somerset.id}&story_type=learning")
    assert "Submitted stories: of Somerset (site); learning stories" in text_of(page)
    assert "0 of 0 coded stories (0%)" in text_of(page)


def test_the_briefing_as_pdf(client, session, bank, evaluator):
    log_in(client, evaluator)
    response = client.get("/insights/briefing.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_rendering_a_pdf_fetches_nothing_but_data_urls():
    fetcher = offline_fetcher()
    pdf = html_to_pdf(
        '<p>x</p><img src="http://example.org/a.png"><img src="/static/b.png">'
        '<link rel="stylesheet" href="https://example.org/c.css">',
        fetcher,
    )
    assert pdf.startswith(b"%PDF-")
    assert sorted(fetcher.refused) == [
        "/static/b.png",
        "http://example.org/a.png",
        "https://example.org/c.css",
    ]


def test_the_briefing_api_returns_figures_and_example_ids(client, session, bank, evaluator):
    body = client.get("/api/v1/insights/briefing", headers=token_headers(session, evaluator))
    assert body.status_code == 200
    data = body.json()
    outcome_3 = next(o for o in data["outcomes"] if o["number"] == 3)
    assert (outcome_3["count"], outcome_3["denominator"]) == (1, 2)
    assert outcome_3["example_story_ids"] == [bank.margaret.id]
    assert data["value"] == {"stories": 3, "record_a_cost": 1, "total_weekly_change": "-126.00"}
    [selection] = data["selections"]
    assert selection["story_id"] == bank.margaret.id
    assert not any(name in body.text for name in NAMES)


@pytest.mark.parametrize(
    ("query", "field"),
    [("theme=no_such_theme", "theme"), ("period_id=999", "period_id"), ("outcome=9", "outcome")],
)
def test_bad_input_is_refused_naming_the_field(client, session, bank, evaluator, query, field):
    headers = token_headers(session, evaluator)
    response = client.get(f"/api/v1/insights/briefing?{query}", headers=headers)
    assert response.status_code == 422 and field in response.text
    log_in(client, evaluator)
    assert client.get(f"/insights/briefing?{query}").status_code == 422


def test_staff_are_refused(client, session, bank, staff):
    assert (
        client.get("/api/v1/insights/briefing", headers=token_headers(session, staff)).status_code
        == 403
    )
    log_in(client, staff)
    assert client.get("/insights/briefing").status_code == 403
    assert client.get("/insights/briefing.pdf").status_code == 403
