"""The agreement page: tables with a chart beside them, downloads that keep the filter."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from tests.agreement_builders import double_code, suggest
from tests.builders import make_story, make_user
from tests.review_builders import make_reviewer
from tests.web.pages import log_in

PAGE = "/insights/agreement"


def _coded(session, somerset, staff):
    ada, ben = (
        make_reviewer(session, somerset, "Ada One"),
        make_reviewer(session, somerset, "Ben Two"),
    )
    for first, second in ([["outcome_3"], ["outcome_3"]], [["wellbeing"], []], [[], []]):
        story = make_story(session, site=somerset, author=staff, title="A lunch club")
        double_code(session, story, (ada, ben), first, second)
        suggest(session, story, "m-1", ["outcome_3"])
    return ada


def test_the_page_shows_tables_charts_and_what_to_adjudicate(client, session, somerset, staff):
    log_in(client, _coded(session, somerset, staff))
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.text
    assert "Reviewer agreement per code (3 stories)" in text
    # Each chart is an SVG image (the page's CSP allows no inline styles), described in words.
    assert text.count('src="data:image/svg+xml;base64,') == 2
    assert 'alt="Cohen&#39;s kappa between two blind coders' in text
    assert "<script" not in text.split("<main", 1)[-1]
    assert "/review/" in text and "Adjudicate" in text and "Ada One" in text
    # The story awaiting adjudication has no final codes yet, so the model is not judged on it.
    assert "Model m-1: 2 stories" in text
    assert "http://" not in text.split("<svg", 1)[0].split("<main", 1)[-1]


def test_downloads_give_csv_svg_and_png(client, session, somerset, staff):
    log_in(client, _coded(session, somerset, staff))
    table = client.get(f"{PAGE}?format=csv&table=reviewers")
    assert table.headers["content-type"].startswith("text/csv")
    assert 'filename="agreement-reviewers.csv"' in table.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(table.text)))
    outcome = next(r for r in rows if r["code"] == "outcome_3")
    assert (outcome["stories"], outcome["both_applied"], outcome["neither"]) == ("3", "1", "2")
    assert rows[-1]["code"] == "(all codes)"
    svg = client.get(f"{PAGE}?format=svg&table=model")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert ET.fromstring(svg.text).get("role") == "img"
    png = client.get(f"{PAGE}?format=png&table=reviewers")
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    model = list(csv.DictReader(io.StringIO(client.get(f"{PAGE}?format=csv&table=model").text)))
    assert {r["model_version"] for r in model} == {"m-1"}


def test_download_links_keep_the_filter(client, session, somerset, staff):
    log_in(client, _coded(session, somerset, staff))
    page = client.get(f"{PAGE}?unit_id={somerset.id}&date_from=2020-01-01")
    assert (
        f"unit_id={somerset.id}&amp;date_from=2020-01-01&amp;table=reviewers&amp;format=csv"
        in page.text
    )


def test_an_empty_filter_says_so(client, session, somerset, staff):
    log_in(client, _coded(session, somerset, staff))
    page = client.get(f"{PAGE}?date_from=2099-01-01")
    assert "No stories in this filter have been coded blind" in page.text
    assert "No model version has suggested codes" in page.text
    chart = client.get(f"{PAGE}?date_from=2099-01-01&format=svg&table=reviewers")
    assert "No stories in this filter" in chart.text


def test_staff_cannot_open_it(client, session, somerset, staff):
    log_in(client, staff)
    assert client.get(PAGE).status_code == 403


def test_the_agreement_tables_download_as_xlsx(client, session, somerset, staff):
    from io import BytesIO

    from openpyxl import load_workbook

    admin = make_user(session, roles=["admin"], name="Ada Admin")
    log_in(client, admin)
    for table in ("reviewers", "model"):
        response = client.get(f"/insights/agreement?format=xlsx&table={table}")
        assert response.status_code == 200
        book = load_workbook(BytesIO(response.content))
        assert book.active["A1"].value
