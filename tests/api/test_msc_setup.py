"""MSC set-up: domains (the open one always there), periods that stay closed, who sets up
a round, and verification of stories selected above site level."""

from __future__ import annotations

import pytest

from tests.api.msc_tree import (
    build_tree,
    confirm_all,
    decide,
    move,
    new_round,
    run_site_round,
    vote,
)

# Each test starts from its own copy of the MSC unit tree (built once per run).
pytestmark = pytest.mark.msc_tree


def test_the_open_domain_always_exists_and_stays_active(client, session):
    tree = build_tree(session, client)
    listed = client.get("/api/v1/msc/domains", headers=tree.headers["m1"]).json()
    [open_domain] = [d for d in listed if d["is_open"]]
    assert open_domain["name"] == "Any other change" and open_domain["question"]
    refused = client.patch(
        f"/api/v1/msc/domains/{open_domain['id']}",
        headers=tree.headers["admin"],
        json={"active": False},
    )
    assert refused.status_code == 409
    assert "always stays in use" in refused.json()["error"]["message"]
    renamed = client.patch(
        f"/api/v1/msc/domains/{tree.domain_id}",
        headers=tree.headers["admin"],
        json={"question": "What changed most in people's lives?"},
    )
    assert renamed.status_code == 200 and renamed.json()["question"].startswith("What changed")
    duplicate = client.post(
        "/api/v1/msc/domains",
        headers=tree.headers["admin"],
        json={"name": "Changes in people's lives"},
    )
    assert duplicate.status_code == 409
    made = new_round(client, tree, tree.ashby, "fac_ashby")
    assert {d["id"] for d in made["domains"]} == {tree.domain_id, open_domain["id"]}


def test_a_closed_period_stays_closed_and_dates_run_forwards(client, session):
    tree = build_tree(session, client)
    h = tree.headers["admin"]
    closed = client.post(f"/api/v1/msc/periods/{tree.period_id}/close", headers=h)
    assert closed.status_code == 200 and closed.json()["closed_at"]
    again = client.post(f"/api/v1/msc/periods/{tree.period_id}/close", headers=h)
    assert again.status_code == 409 and "stays closed" in again.json()["error"]["message"]
    backwards = client.post(
        "/api/v1/msc/periods",
        headers=h,
        json={"name": "Odd", "opens_on": "2026-05-01", "closes_on": "2026-04-01"},
    )
    assert backwards.status_code == 422
    assert backwards.json()["error"]["problems"][0]["field"] == "closes_on"
    assert (
        client.post(
            f"/api/v1/msc/periods/{tree.period_id}/close", headers=tree.headers["fac_ashby"]
        ).status_code
        == 403
    )


def test_only_a_facilitator_covering_the_unit_sets_up_its_round(client, session):
    tree = build_tree(session, client)
    body = {
        "name": "Ashby Q1",
        "unit_id": tree.ashby.id,
        "period_id": tree.period_id,
        "facilitator_id": tree.users["fac_ashby"].id,
    }
    for name in ("fac_brook", "reviewer_ashby", "staff_ashby", "m1"):
        response = client.post("/api/v1/msc/rounds", headers=tree.headers[name], json=body)
        assert response.status_code == 403, (name, response.text)
    elsewhere = client.post(
        "/api/v1/msc/rounds",
        headers=tree.headers["fac_ashby"],
        json={**body, "facilitator_id": tree.users["fac_brook"].id},
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json()["error"]["problems"][0]["field"] == "facilitator_id"
    assert (
        client.post("/api/v1/msc/rounds", headers=tree.headers["fac_north"], json=body).status_code
        == 201
    )
    twice = client.post("/api/v1/msc/rounds", headers=tree.headers["fac_ashby"], json=body)
    assert twice.status_code == 409 and "one round per unit and period" in twice.text
    outline = client.get("/api/v1/msc/rounds", headers=tree.headers["staff_ashby"]).json()
    assert [r["name"] for r in outline] == ["Ashby Q1"]
    assert client.get("/api/v1/msc/rounds", headers=tree.headers["staff_brook"]).json() == []


def test_staff_suggest_a_domain_and_the_facilitator_confirms_it(client, session):
    tree = build_tree(session, client)
    rid = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1",))["id"]
    assert move(client, tree.headers["fac_ashby"], rid, "reading").status_code == 200
    a1 = tree.stories["a1"].id
    suggested = client.post(
        f"/api/v1/msc/rounds/{rid}/candidates",
        headers=tree.headers["staff_ashby"],
        json={"story_id": a1, "domain_id": tree.domain_id},
    )
    assert suggested.status_code == 200, suggested.text
    assert suggested.json()["suggested_domain_id"] == tree.domain_id
    assert suggested.json()["domain_id"] is None
    not_theirs = client.put(
        f"/api/v1/msc/rounds/{rid}/candidates/{suggested.json()['id']}",
        headers=tree.headers["staff_ashby"],
        json={"domain_id": tree.domain_id},
    )
    assert not_theirs.status_code == 403
    confirmed = client.put(
        f"/api/v1/msc/rounds/{rid}/candidates/{suggested.json()['id']}",
        headers=tree.headers["fac_ashby"],
        json={"domain_id": tree.domain_id},
    )
    assert confirmed.status_code == 200 and confirmed.json()["domain_id"] == tree.domain_id
    old = client.post(
        f"/api/v1/msc/rounds/{rid}/candidates",
        headers=tree.headers["fac_ashby"],
        json={"story_id": tree.stories["a_old"].id},
    )
    assert old.status_code == 404  # outside the period: not an eligible candidate


def test_stories_selected_above_site_level_are_verified(client, session):
    tree = build_tree(session, client)
    north = new_round(client, tree, tree.north, "fac_north", members=("m1",))
    site = run_site_round(client, tree, tree.ashby, "fac_ashby", "a1")
    b1 = tree.stories["b1"].id
    at_site = client.post(
        f"/api/v1/msc/rounds/{site['round']['id']}/verifications",
        headers=tree.headers["fac_ashby"],
        json={
            "story_id": tree.stories["a1"].id,
            "status": "verified",
            "method": "Phoned the person",
        },
    )
    assert at_site.status_code == 409 and "above site level" in at_site.text
    run_site_round(client, tree, tree.brook, "fac_brook", "b1")
    h = tree.headers["fac_north"]
    assert move(client, h, north["id"], "reading").status_code == 200
    assert move(client, h, north["id"], "voting").status_code == 200
    assert vote(client, tree, north["id"], "m1", choice=b1).status_code == 200
    assert move(client, h, north["id"], "deciding").status_code == 200
    assert decide(client, h, north["id"], tree.domain_id, b1).status_code == 200
    assert move(client, h, north["id"], "closed").status_code == 200
    checked = client.post(
        f"/api/v1/msc/rounds/{north['id']}/verifications",
        headers=h,
        json={
            "story_id": b1,
            "status": "needs_correction",
            "method": "Read the case notes with the worker",
            "note": "The date of the change was a month later.",
        },
    )
    assert checked.status_code == 201, checked.text
    assert checked.json()["checked_by_id"] == tree.users["fac_north"].id
    unselected = client.post(
        f"/api/v1/msc/rounds/{north['id']}/verifications",
        headers=h,
        json={"story_id": tree.stories["a1"].id, "status": "verified", "method": "Phoned"},
    )
    assert unselected.status_code == 404
    listed = client.get(f"/api/v1/msc/rounds/{north['id']}/verifications", headers=h).json()
    assert [(v["story_id"], v["status"]) for v in listed] == [(b1, "needs_correction")]
    trail = client.get("/api/v1/msc/my-stories", headers=tree.headers["staff_brook"]).json()
    assert trail[0]["verifications"] == ["needs_correction"]


def test_taking_a_domain_out_of_play_unplaces_its_candidates(client, session):
    tree = build_tree(session, client)
    h = tree.headers["fac_ashby"]
    rid = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1",))["id"]
    assert move(client, h, rid, "reading").status_code == 200
    confirm_all(client, h, rid, tree.domain_id)
    version = client.get(f"/api/v1/msc/rounds/{rid}", headers=h).json()["version"]
    changed = client.patch(
        f"/api/v1/msc/rounds/{rid}", headers=h, json={"version": version, "domain_ids": []}
    )
    assert changed.status_code == 200, changed.text
    assert [d["is_open"] for d in changed.json()["domains"]] == [True]
    pack = client.get(f"/api/v1/msc/rounds/{rid}/candidates", headers=h).json()
    assert {e["domain_id"] for e in pack} == {None}
    refused = move(client, h, rid, "voting")
    assert refused.status_code == 409 and "no confirmed domain" in refused.text
