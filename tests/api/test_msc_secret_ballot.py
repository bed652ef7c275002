"""Secret ballots stay secret: after a secret round, no answer of any round route, no audit
entry or export and no log line puts a voter beside what they chose; only tallies."""

from __future__ import annotations

import logging

import pytest

from tests.api.msc_tree import build_tree, confirm_all, decide, move, new_round, vote

# Each test starts from its own copy of the MSC unit tree (built once per run).
pytestmark = pytest.mark.msc_tree

ROUND_ROUTES = (
    "",
    "/members",
    "/candidates",
    "/voters",
    "/results",
    "/results?pass_number=1",
    "/decisions",
    "/verifications",
    "/ballots",
)


def _identities(tree, name):
    user = tree.users[name]
    return [user.display_name, user.email, f'"user_id":{user.id}']


def _choices(tree, key):
    story = tree.stories[key]
    return [story.title, "[Person] " + story.title.split(" ", 1)[1], story.reference]


def _reveals(text, tree, votes):
    """Whether a text names a voter together with a story they could have chosen."""
    compact = text.replace(" ", "") if '"' in text else text
    for member in votes:
        named = any(i in text or i.replace(" ", "") in compact for i in _identities(tree, member))
        if named and any(c in text for key in votes.values() for c in _choices(tree, key)):
            return True
    return False


def test_no_route_audit_entry_or_log_reveals_who_voted_for_what(client, session, caplog):
    caplog.set_level(logging.DEBUG)
    tree = build_tree(session, client)
    h = tree.headers["fac_ashby"]
    rid = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1", "m2"), secret=True)["id"]
    assert move(client, h, rid, "reading").status_code == 200
    confirm_all(client, h, rid, tree.domain_id)
    assert move(client, h, rid, "voting").status_code == 200
    votes = {"m1": "a1", "m2": "a2"}
    for member, story in votes.items():
        assert vote(client, tree, rid, member, choice=tree.stories[story].id).status_code == 200
    named_paper = client.post(
        f"/api/v1/msc/rounds/{rid}/ballots",
        headers=h,
        json={"domain_id": tree.domain_id, "choice": tree.stories["a1"].id, "member_id": 1},
    )
    assert named_paper.status_code == 422  # no names on paper ballots in a secret round
    voters = client.get(f"/api/v1/msc/rounds/{rid}/voters", headers=h).json()
    assert all(v["voted"] for v in voters[0]["voters"])
    assert move(client, h, rid, "deciding").status_code == 200
    results = client.get(f"/api/v1/msc/rounds/{rid}/results", headers=h).json()
    assert results["secret"] is True and results["domains"][0]["ballots"] == []
    assert results["domains"][0]["tally"]["ballots"] == 2
    checked = _walk(client, tree, rid, votes)
    assert (
        decide(
            client,
            h,
            rid,
            tree.domain_id,
            tree.stories["a1"].id,
            tie_resolution="The chair decided after the panel talked it through.",
        ).status_code
        == 200
    )
    assert move(client, h, rid, "closed").status_code == 200
    checked += _walk(client, tree, rid, votes)
    assert checked > 40

    admin = tree.headers["admin"]
    events = client.get("/api/v1/audit?limit=200", headers=admin).json()["items"]
    member_ids = {tree.users[m].id for m in votes}
    ballot_events = [e for e in events if e["action"] == "msc.ballot.save"]
    assert {e["actor_id"] for e in ballot_events} == member_ids
    for event in events:
        if event["actor_id"] in member_ids:
            assert not any("story" in key or "choice" in key for key in event["details"]), event
        assert not _reveals(str(event), tree, votes), event
    export = client.get("/api/v1/audit/export.csv", headers=admin).text
    for line in export.splitlines():
        assert not _reveals(line, tree, votes), line
    for record in caplog.records:
        assert not _reveals(record.getMessage(), tree, votes), record.getMessage()


def _walk(client, tree, rid, votes) -> int:
    """GET every route of the round as everyone who reaches it; count the answers."""
    seen = 0
    for person in ("fac_ashby", "admin", "m1", "m2", "staff_ashby", "reviewer_ashby"):
        for route in ROUND_ROUTES:
            response = client.get(f"/api/v1/msc/rounds/{rid}{route}", headers=tree.headers[person])
            seen += 1
            if person in votes and route == "/ballots":
                continue  # a member's own ballots, shown to that member only
            assert not _reveals(response.text, tree, votes), (person, route, response.text)
        for path in ("/api/v1/msc/rounds", "/api/v1/msc/my-stories"):
            response = client.get(path, headers=tree.headers[person])
            assert not _reveals(response.text, tree, votes), (person, path)
            seen += 1
    return seen
