"""A period's selection from site to region to programme through the API: candidates by
consent and period, the reading pack in de-identified text above site level, promotion
with the selection trail, and feedback to the storytellers."""

from __future__ import annotations

import pytest

from tests.api.msc_tree import (
    REASONS,
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


def _pack(client, headers, round_id):
    response = client.get(f"/api/v1/msc/rounds/{round_id}/candidates", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_site_region_programme_selection_promotes_with_trail_and_feeds_back(client, session):
    tree = build_tree(session, client)
    s = tree.stories
    north = new_round(client, tree, tree.north, "fac_north", members=("m1", "m2"))
    programme = new_round(client, tree, tree.programme, "fac_prog", members=("m1",))
    ashby = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1", "m2"))
    early = move(client, tree.headers["fac_north"], north["id"], "reading")
    assert early.status_code == 409
    assert "below it has not closed yet (it is draft)" in early.json()["error"]["message"]

    # Site rounds: every submitted story of the site in the period, whatever its consent.
    moved = move(client, tree.headers["fac_ashby"], ashby["id"], "reading")
    assert moved.status_code == 200, moved.text
    in_pack = {e["story_id"] for e in _pack(client, tree.headers["fac_ashby"], ashby["id"])}
    assert in_pack == {s["a1"].id, s["a2"].id}  # not the one outside the period
    closed = _finish(client, tree, ashby["id"], "fac_ashby", s["a1"].id)
    assert f"Story {s['a1'].id} promoted to {north['name']}." in closed["notes"]
    brook = run_site_round(client, tree, tree.brook, "fac_brook", "b1")
    assert f"Story {s['b1'].id} promoted to {north['name']}." in brook["notes"]

    # Region round: only what the site rounds selected, only in de-identified text.
    h_north = tree.headers["fac_north"]
    assert move(client, h_north, north["id"], "reading").status_code == 200
    pack = _pack(client, tree.headers["m1"], north["id"])
    assert {e["story_id"] for e in pack} == {s["a1"].id, s["b1"].id}
    for entry in pack:
        assert entry["text_version"] == "deidentified"
        assert entry["texts"]["title"].startswith("[Person] ")
        assert entry["texts"]["what_happened"] == "[Person]'s what happened."
        assert entry["domain_id"] == tree.domain_id  # carried up from the site's decision
        assert entry["source_round_id"] in (ashby["id"], brook["round"]["id"])
        [step] = entry["trail"]
        assert step["level"] == "site" and step["reasons"] == REASONS
    # The facilitator reads it de-identified too, though the region grant covers the sites.
    assert all(e["text_version"] == "deidentified" for e in _pack(client, h_north, north["id"]))
    region = _finish(client, tree, north["id"], "fac_north", s["b1"].id, confirm=False)
    assert f"Story {s['b1'].id} promoted to {programme['name']}." in region["notes"]

    # Programme round: the region's selection, with its two-step trail.
    h_prog = tree.headers["fac_prog"]
    assert move(client, h_prog, programme["id"], "reading").status_code == 200
    [entry] = _pack(client, tree.headers["m1"], programme["id"])
    assert entry["story_id"] == s["b1"].id
    assert [step["level"] for step in entry["trail"]] == ["site", "region"]
    assert entry["source_round_id"] == north["id"]

    # Feedback: the Ashby storyteller sees both stories' rounds, selected or not, and why.
    trails = client.get("/api/v1/msc/my-stories", headers=tree.headers["staff_ashby"]).json()
    by_story = {t["story_id"]: t for t in trails}
    assert set(by_story) == {s["a1"].id, s["a2"].id}
    a1_rounds = {r["level"]: r for r in by_story[s["a1"].id]["rounds"]}
    assert a1_rounds["site"]["selected"] is True and a1_rounds["region"]["selected"] is False
    assert a1_rounds["region"]["reasons"] == REASONS
    [a2_round] = by_story[s["a2"].id]["rounds"]
    assert a2_round["selected"] is False and a2_round["reasons"] == REASONS
    assert a2_round["read_at"] is None and a2_round["sent_at"]
    read = client.post(
        f"/api/v1/msc/my-stories/{a2_round['feedback_id']}/read",
        headers=tree.headers["staff_ashby"],
    )
    assert read.status_code == 200 and read.json()["read_at"]
    again = client.get("/api/v1/msc/my-stories", headers=tree.headers["staff_ashby"]).json()
    assert [
        r["read_at"]
        for t in again
        for r in t["rounds"]
        if r["feedback_id"] == a2_round["feedback_id"]
    ] != [None]
    other = client.post(
        f"/api/v1/msc/my-stories/{a2_round['feedback_id']}/read",
        headers=tree.headers["staff_brook"],
    )
    assert other.status_code == 404
    assert (
        client.get("/api/v1/msc/my-stories", headers=tree.headers["staff_brook"]).json()[0][
            "story_id"
        ]
        == s["b1"].id
    )


def _finish(client, tree, round_id, facilitator, chosen, *, confirm=True):
    """From reading to closed: confirm domains, both members vote, decide, close."""
    h = tree.headers[facilitator]
    if confirm:
        confirm_all(client, h, round_id, tree.domain_id)
    assert move(client, h, round_id, "voting").status_code == 200
    for member in ("m1", "m2"):
        assert vote(client, tree, round_id, member, choice=chosen).status_code == 200
    assert move(client, h, round_id, "deciding").status_code == 200
    assert decide(client, h, round_id, tree.domain_id, chosen).status_code == 200
    closed = move(client, h, round_id, "closed")
    assert closed.status_code == 200, closed.text
    assert closed.json()["round"]["state"] == "closed"
    return closed.json()


def test_a_site_only_story_selected_at_its_site_stays_there(client, session):
    tree = build_tree(session, client)
    north = new_round(client, tree, tree.north, "fac_north", members=("m1",))
    closed = run_site_round(client, tree, tree.ashby, "fac_ashby", "a2")
    assert f"Story {tree.stories['a2'].id} stays in its site" in " ".join(closed["notes"])
    run_site_round(client, tree, tree.brook, "fac_brook", "b1")
    assert move(client, tree.headers["fac_north"], north["id"], "reading").status_code == 200
    pack = _pack(client, tree.headers["fac_north"], north["id"])
    assert [e["story_id"] for e in pack] == [tree.stories["b1"].id]


def test_a_region_round_without_child_rounds_reads_only_consented_deidentified_stories(
    client, session
):
    tree = build_tree(session, client)
    north = new_round(client, tree, tree.north, "fac_north", members=("m1",))
    assert move(client, tree.headers["fac_north"], north["id"], "reading").status_code == 200
    pack = _pack(client, tree.headers["m1"], north["id"])
    # a2 is site only, b2 has no confirmed de-identified version, a_old is out of the period.
    assert {e["story_id"] for e in pack} == {tree.stories["a1"].id, tree.stories["b1"].id}
    assert "Agnes" not in str(pack) and "Joan" not in str(pack)
    assert {e["texts"]["title"] for e in pack} == {
        "[Person] rejoined the choir",
        "[Person] walks to the market",
    }


def test_closing_freezes_ballots_candidates_and_decisions(client, session):
    tree = build_tree(session, client)
    closed = run_site_round(client, tree, tree.ashby, "fac_ashby", "a1")
    rid, h = closed["round"]["id"], tree.headers["fac_ashby"]
    candidate = _pack(client, h, rid)[0]["candidate_id"]
    attempts = [
        vote(client, tree, rid, "m1", choice=tree.stories["a2"].id),
        decide(client, h, rid, tree.domain_id, tree.stories["a2"].id),
        client.put(
            f"/api/v1/msc/rounds/{rid}/candidates/{candidate}",
            headers=h,
            json={"domain_id": tree.domain_id},
        ),
        client.post(
            f"/api/v1/msc/rounds/{rid}/ballots",
            headers=h,
            json={"domain_id": tree.domain_id, "choice": tree.stories["a2"].id},
        ),
        client.patch(f"/api/v1/msc/rounds/{rid}", headers=h, json={"version": 1, "name": "x"}),
    ]
    for response in attempts:
        assert response.status_code == 409, response.text
        assert "this one is closed" in response.json()["error"]["message"]
    [decision] = client.get(f"/api/v1/msc/rounds/{rid}/decisions", headers=h).json()
    assert decision["story_id"] == tree.stories["a1"].id
