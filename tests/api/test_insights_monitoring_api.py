"""Monitoring through the API: the figures as JSON, in the OpenAPI, for programme leads
only, bad choices refused naming the field."""

from __future__ import annotations

import pytest

from tests.builders import make_user, token_headers
from tests.monitoring_builders import build_bank

API = "/api/v1/insights/monitoring"


def test_a_lead_reads_the_monitoring_figures_as_json(client, session):
    bank = build_bank(session)
    lead = make_user(session, roles=["admin"], name="Lead Admin")
    body = client.get(API, headers=token_headers(session, lead)).json()
    assert (body["stories"], body["learning"]) == (6, 1)
    assert [(s["name"], s["stories"]) for s in body["sites"]] == [
        ("Somerset", 4),
        ("Bath", 1),
        ("Derby", 1),
    ]
    somerset = bank.sites["Somerset"].id
    assert body["sites"][0]["stories_url"] == (
        f"/api/v1/stories?status=submitted&site_id={somerset}"
    )
    assert [a["name"] for a in body["authors"]] == ["Ann Author", "Ben Writer"]
    # Every site has been quiet since June 2026; Quietvale has never submitted.
    assert body["quiet_sites"][0] == {
        "site_id": bank.sites["Quietvale"].id,
        "name": "Quietvale",
        "last_submitted": None,
        "days_quiet": None,
    }
    assert [r["outstanding"] for r in body["feedback_outstanding"]] == [3]
    assert body["backlog"]["awaiting"] == 3
    assert [b["name"] for b in body["backlog_by_site"]] == ["Somerset", "Bath"]
    assert body["levels"][0] == {
        "level": "site",
        "candidates": 5,
        "selected": 1,
        "stories": 6,
        "share": 0.8333,
    }


def test_filters_and_choices_narrow_the_figures(client, session):
    bank = build_bank(session)
    lead = make_user(session, roles=["admin"], name="Lead Admin")
    derby = bank.sites["Derby"].id
    body = client.get(
        API,
        params={"site_id": derby, "period": "quarter", "quiet_days": 3000},
        headers=token_headers(session, lead),
    ).json()
    assert body["stories"] == 1 and body["periods"] == [{"period": "2026-Q2", "stories": 1}]
    assert (body["quiet_days"], body["quiet_sites"]) == (3000, [])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "year"}, "period"),
        ({"quiet_days": "0"}, "quiet_days"),
        ({"theme": "nope"}, "theme"),
    ],
)
def test_bad_choices_are_refused_naming_the_field(client, session, params, field):
    lead = make_user(session, roles=["admin"], name="Lead Admin")
    response = client.get(API, params=params, headers=token_headers(session, lead))
    assert response.status_code == 422
    assert field in response.text


def test_staff_and_reviewers_are_refused(client, session, somerset, staff):
    reviewer = make_user(session, roles=["reviewer"], sites=[somerset], name="Rev")
    for person in (staff, reviewer):
        assert client.get(API, headers=token_headers(session, person)).status_code == 403


def test_the_route_is_in_the_openapi(client):
    spec = client.get("/openapi.json").json()
    assert "MonitoringOut" in spec["components"]["schemas"]
    assert API in spec["paths"]
