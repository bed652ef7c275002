"""Every move a round refuses is a 409 that says why."""

from __future__ import annotations

import pytest

from tests.api.msc_tree import build_tree, confirm_all, decide, move, new_round, vote

# Each test starts from its own copy of the MSC unit tree (built once per run).
pytestmark = pytest.mark.msc_tree


def _refused(response, words):
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] in ("refused_transition", "stale_version")
    assert words in response.json()["error"]["message"]


@pytest.fixture
def site_round(client, session):
    tree = build_tree(session, client)
    made = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1",))
    return tree, made["id"], tree.headers["fac_ashby"]


def test_moves_out_of_order_are_refused_with_the_reason(client, site_round):
    _tree, rid, h = site_round
    _refused(
        move(client, h, rid, "voting"),
        "A round moves to voting only from reading; this one is draft.",
    )
    _refused(
        move(client, h, rid, "closed"),
        "A round moves to closed only from deciding; this one is draft.",
    )
    _refused(move(client, h, rid, "draft"), "The round is already draft.")
    assert move(client, h, rid, "reading").status_code == 200
    _refused(
        move(client, h, rid, "draft"),
        "A round only moves forward: this one is reading, so it cannot go back to draft.",
    )
    _refused(
        move(client, h, rid, "deciding"),
        "A round moves to deciding only from voting; this one is reading.",
    )


def test_each_move_says_what_it_still_needs(client, session, site_round):
    tree, rid, h = site_round
    empty = new_round(client, tree, tree.brook, "fac_brook")
    _refused(
        move(client, tree.headers["fac_brook"], empty["id"], "reading"),
        "The round cannot move to reading: its panel has no members yet.",
    )
    assert move(client, h, rid, "reading").status_code == 200
    _refused(
        move(client, h, rid, "voting"),
        "Voting cannot open: 2 candidate(s) have no confirmed domain yet",
    )
    confirm_all(client, h, rid, tree.domain_id)
    assert move(client, h, rid, "voting").status_code == 200
    _refused(
        move(client, h, rid, "deciding"),
        'Voting cannot close: nobody has voted in the domain "Changes in people\'s lives" yet.',
    )
    assert vote(client, tree, rid, "m1", choice=tree.stories["a1"].id).status_code == 200
    assert move(client, h, rid, "deciding").status_code == 200
    _refused(
        move(client, h, rid, "voting"),
        "Voting does not reopen as it was: to vote again, open another pass",
    )
    _refused(
        move(client, h, rid, "closed"),
        'The round cannot close: the domain "Changes in people\'s lives" has no decision',
    )
    assert decide(client, h, rid, tree.domain_id, None).status_code == 200  # none selected
    assert move(client, h, rid, "closed").status_code == 200
    for target in ("draft", "reading", "voting", "deciding", "closed"):
        _refused(
            move(client, h, rid, target), "This round is closed, and a closed round stays closed."
        )


def test_voting_needs_a_story_to_vote_on(client, session):
    tree = build_tree(session, client)
    quiet = new_round(client, tree, tree.brook, "fac_brook", members=("m1",))
    h = tree.headers["fac_brook"]
    for story in ("b1", "b2"):
        client.post(
            f"/api/v1/stories/{tree.stories[story].id}/withdraw",
            headers=tree.headers["staff_brook"],
            json={"version": 1},
        )
    assert move(client, h, quiet["id"], "reading").status_code == 200
    _refused(
        move(client, h, quiet["id"], "voting"),
        "Voting cannot open: no domain has a candidate to vote on.",
    )


def test_a_stale_version_is_refused(client, site_round):
    _tree, rid, h = site_round
    response = client.post(
        f"/api/v1/msc/rounds/{rid}/transition", headers=h, json={"to": "reading", "version": 7}
    )
    _refused(response, "The round changed since you loaded it")
    assert client.get(f"/api/v1/msc/rounds/{rid}", headers=h).json()["state"] == "draft"


def test_only_a_facilitator_covering_the_unit_moves_a_round(client, site_round):
    tree, rid, _h = site_round
    for name in ("fac_brook", "reviewer_ashby", "m1"):
        response = client.post(
            f"/api/v1/msc/rounds/{rid}/transition",
            headers=tree.headers[name],
            json={"to": "reading", "version": 1},
        )
        assert response.status_code in (403, 404), (name, response.text)
    assert move(client, tree.headers["fac_north"], rid, "reading").status_code == 200
