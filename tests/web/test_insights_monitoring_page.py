"""The monitoring page: each figure's table with its chart beside it, CSV and XLSX
downloads honouring the filter, linked from /insights, for programme leads only."""

from __future__ import annotations

import base64
import csv
import io
import re

from openpyxl import load_workbook

from tests.builders import make_user
from tests.monitoring_builders import build_bank
from tests.web.pages import log_in, text_of

_CHART = re.compile(r'<img src="data:image/svg\+xml;base64,([^"]+)"')


def test_a_lead_sees_each_table_with_its_chart(client, session):
    build_bank(session)
    lead = make_user(session, roles=["admin"], name="Lead Admin")
    log_in(client, lead)
    page = client.get("/insights/monitoring")
    assert page.status_code == 200
    text = text_of(page)
    assert "6 submitted stories in this filter; 1 of 6 (17%) are learning stories" in text
    assert "Somerset 4" in text and "South West 5" in text
    assert "Quietvale never" in text
    assert "Somerset round Somerset site 2026 Q1 2026-06-15 3" in text
    assert "All stories in the filter 3 2026-03-01" in text
    charts = [base64.b64decode(c).decode() for c in _CHART.findall(page.text)]
    assert len(charts) == 7 and all(c.startswith("<svg") for c in charts)
    assert "Stories per site" in charts[0]


def test_tables_download_as_csv_and_xlsx_with_the_filter(client, session):
    bank = build_bank(session)
    lead = make_user(session, roles=["admin"], name="Lead Admin")
    log_in(client, lead)
    rows = list(csv.reader(io.StringIO(client.get("/insights/monitoring/download/sites.csv").text)))
    assert rows[:4] == [["site", "stories"], ["Somerset", "4"], ["Bath", "1"], ["Derby", "1"]]
    derby = bank.sites["Derby"].id
    book = load_workbook(
        io.BytesIO(
            client.get(f"/insights/monitoring/download/backlog.xlsx?site_id={derby}").content
        )
    )
    assert [c.value for c in book.active[2]][:2] == ["All stories in the filter", 0]
    svg = client.get("/insights/monitoring/download/levels.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")


def test_the_insights_page_links_to_monitoring_and_the_briefing(client, session, somerset):
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset], name="Eve")
    log_in(client, evaluator)
    page = client.get("/insights?story_type=learning")
    assert 'href="/insights/monitoring"' in page.text
    assert 'href="/insights/briefing?story_type=learning"' in page.text


def test_staff_are_refused(client, session, staff):
    log_in(client, staff)
    assert client.get("/insights/monitoring").status_code == 403
