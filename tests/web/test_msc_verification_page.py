"""The verification page: checks of the stories a closed region round selected, recorded
by its facilitator or an evaluator of the story's site, with who, how and a note."""

from __future__ import annotations

import pytest

from tests.api.msc_tree import Tree, build_tree, confirm_all, decide, move, new_round, vote
from tests.builders import make_user
from tests.web.pages import log_in, text_of

# Each test starts from its own copy of the MSC unit tree (built once per run).
pytestmark = pytest.mark.msc_tree


@pytest.fixture
def tree(session, client) -> Tree:
    tree = build_tree(session, client)
    tree.users["evaluator"] = make_user(
        session, roles=["evaluator"], sites=[tree.ashby], name="Eve Evaluator"
    )
    return tree


def _closed_region_round(client, tree: Tree) -> int:  # type: ignore[no-untyped-def]
    """The North round, closed, having selected Agnes's story."""
    made = new_round(client, tree, tree.north, "fac_north", members=("m1",))
    rid, headers = made["id"], tree.headers["fac_north"]
    assert move(client, headers, rid, "reading").status_code == 200
    confirm_all(client, headers, rid, tree.domain_id)
    assert move(client, headers, rid, "voting").status_code == 200
    assert vote(client, tree, rid, "m1", choice=tree.stories["a1"].id).status_code == 200
    assert move(client, headers, rid, "deciding").status_code == 200
    assert decide(client, headers, rid, tree.domain_id, tree.stories["a1"].id).status_code == 200
    assert move(client, headers, rid, "closed").status_code == 200
    return rid  # type: ignore[no-any-return]


def _check(status: str = "verified", method: str = "Phoned Agnes with her worker.") -> dict:
    return {"status": status, "method": method, "note": "She confirmed the choir dates."}


def test_the_facilitator_records_a_check_and_sees_who_how_and_the_note(client, tree):
    rid = _closed_region_round(client, tree)
    csrf = log_in(client, tree.users["fac_north"])
    page = text_of(client.get(f"/msc/rounds/{rid}/verification"))
    assert "Verification: North Q1" in page and "[Person] rejoined the choir" in page
    assert "Not checked yet." in page and "Agnes" not in page
    story_id = tree.stories["a1"].id
    done = client.post(
        f"/msc/rounds/{rid}/verification/{story_id}",
        data={"csrf_token": csrf, **_check()},
        follow_redirects=True,
    )
    shown = text_of(done)
    assert "The check has been recorded." in shown
    assert (
        "Verified Nia North Phoned Agnes with her worker. She confirmed the choir dates." in shown
    )
    listed = client.get(
        f"/api/v1/msc/rounds/{rid}/verifications", headers=tree.headers["fac_north"]
    )
    assert [(c["status"], c["method"]) for c in listed.json()] == [
        ("verified", "Phoned Agnes with her worker.")
    ]


def test_an_evaluator_of_the_site_records_a_dispute(client, tree):
    rid = _closed_region_round(client, tree)
    csrf = log_in(client, tree.users["evaluator"])
    story_id = tree.stories["a1"].id
    done = client.post(
        f"/msc/rounds/{rid}/verification/{story_id}",
        data={"csrf_token": csrf, **_check("disputed", "Read the hub's visit log.")},
        follow_redirects=True,
    )
    assert "Disputed Eve Evaluator Read the hub's visit log." in text_of(done)


def test_a_check_without_a_method_or_outcome_is_refused_and_nothing_is_kept(client, tree):
    rid = _closed_region_round(client, tree)
    csrf = log_in(client, tree.users["fac_north"])
    url = f"/msc/rounds/{rid}/verification/{tree.stories['a1'].id}"
    no_method = client.post(url, data={"csrf_token": csrf, **_check(method="  ")})
    assert (
        no_method.status_code == 422
        and "Say how the story was checked (1 to 2000 characters)." in text_of(no_method)
    )
    no_status = client.post(url, data={"csrf_token": csrf, **_check(status="probably")})
    assert no_status.status_code == 422
    assert "Choose verified, needs correction or disputed." in text_of(no_status)
    assert "Not checked yet." in text_of(client.get(f"/msc/rounds/{rid}/verification"))


def test_a_site_round_says_why_its_stories_are_not_verified_and_staff_are_refused(client, tree):
    made = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1",))
    log_in(client, tree.users["fac_ashby"])
    page = text_of(client.get(f"/msc/rounds/{made['id']}/verification"))
    assert "this is a site round and it is draft" in page
    client.cookies.clear()
    log_in(client, tree.users["staff_ashby"])
    assert client.get(f"/msc/rounds/{made['id']}/verification").status_code == 403
