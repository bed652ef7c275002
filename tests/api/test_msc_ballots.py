"""Ballots: one per member, domain and pass (the database says so too), safe under
concurrent saves, checked against the voting method; paper ballots; passes kept."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storybank.models import Ballot, RoundMember
from tests.api.msc_tree import build_tree, confirm_all, decide, move, new_round, vote

# Each test starts from its own copy of the MSC unit tree (built once per run).
pytestmark = pytest.mark.msc_tree


def _voting_round(client, session, method="single", secret=False, members=("m1", "m2")):
    tree = build_tree(session, client)
    made = new_round(
        client, tree, tree.ashby, "fac_ashby", members=members, voting_method=method, secret=secret
    )
    h = tree.headers["fac_ashby"]
    assert move(client, h, made["id"], "reading").status_code == 200
    confirm_all(client, h, made["id"], tree.domain_id)
    assert move(client, h, made["id"], "voting").status_code == 200
    return tree, made["id"], h


def test_a_member_changes_their_ballot_until_voting_closes(client, session):
    tree, rid, h = _voting_round(client, session)
    a1, a2 = tree.stories["a1"].id, tree.stories["a2"].id
    assert vote(client, tree, rid, "m1", choice=a1).json()["content"] == {"choice": a1}
    assert vote(client, tree, rid, "m1", choice=a2).json()["content"] == {"choice": a2}
    mine = client.get(f"/api/v1/msc/rounds/{rid}/ballots", headers=tree.headers["m1"]).json()
    assert [b["content"] for b in mine] == [{"choice": a2}]
    assert move(client, h, rid, "deciding").status_code == 200
    late = vote(client, tree, rid, "m1", choice=a1)
    assert late.status_code == 409
    assert "only while the round is voting; this one is deciding" in late.json()["error"]["message"]


def test_concurrent_saves_of_one_members_ballot_leave_one_row_the_last_write(
    client, session, engine
):
    tree, rid, _h = _voting_round(client, session)
    choices = [tree.stories["a1"].id, tree.stories["a2"].id] * 3
    start = threading.Barrier(len(choices))
    answers: list = [None] * len(choices)

    def save(n: int) -> None:
        start.wait()
        answers[n] = vote(client, tree, rid, "m1", choice=choices[n])

    threads = [threading.Thread(target=save, args=(n,)) for n in range(len(choices))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200] * len(choices), [a.text for a in answers]
    with Session(engine) as fresh:
        rows = fresh.exec(select(Ballot).where(Ballot.round_id == rid)).all()
    assert len(rows) == 1
    last = max((a.json() for a in answers), key=lambda body: body["updated_at"])
    assert rows[0].content == last["content"]


def test_the_database_refuses_a_second_ballot_for_one_member_domain_and_pass(client, session):
    tree, rid, _h = _voting_round(client, session)
    assert vote(client, tree, rid, "m1", choice=tree.stories["a1"].id).status_code == 200
    member = session.exec(
        select(RoundMember).where(RoundMember.user_id == tree.users["m1"].id)
    ).one()
    session.add(
        Ballot(
            round_id=rid,
            pass_number=1,
            domain_id=tree.domain_id,
            member_id=member.id,
            kind="single",
            content={"choice": 1},
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


@pytest.mark.parametrize(
    ("method", "good", "bad"),
    [
        ("single", lambda a, b: {"choice": a}, lambda a, b: {"approved": [a]}),
        ("approval", lambda a, b: {"approved": [a, b]}, lambda a, b: {"approved": [a, a]}),
        (
            "score",
            lambda a, b: {"scores": {str(a): 5, str(b): 0}},
            lambda a, b: {"scores": {str(a): 4}},
        ),
        ("ranking", lambda a, b: {"ranking": [b, a]}, lambda a, b: {"ranking": [a]}),
    ],
)
def test_ballots_follow_the_voting_method(client, session, method, good, bad):
    tree, rid, _h = _voting_round(client, session, method=method, members=("m1",))
    a, b = tree.stories["a1"].id, tree.stories["a2"].id
    refused = vote(client, tree, rid, "m1", **bad(a, b))
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["problems"][0]["field"] in (
        "choice",
        "approved",
        "scores",
        "ranking",
    )
    saved = vote(client, tree, rid, "m1", **good(a, b))
    assert saved.status_code == 200, saved.text
    assert saved.json()["kind"] == method
    outsider = vote(client, tree, rid, "m1", choice=tree.stories["b1"].id)
    assert outsider.status_code == 422


def test_paper_ballots_count_and_a_tie_needs_its_resolution(client, session):
    tree, rid, h = _voting_round(client, session, members=("m1",))
    a1, a2 = tree.stories["a1"].id, tree.stories["a2"].id
    assert vote(client, tree, rid, "m1", choice=a1).status_code == 200
    paper = client.post(
        f"/api/v1/msc/rounds/{rid}/ballots",
        headers=h,
        json={"domain_id": tree.domain_id, "choice": a2, "count": 1},
    )
    assert paper.status_code == 201 and paper.json()["on_behalf"] is True
    voters = client.get(f"/api/v1/msc/rounds/{rid}/voters", headers=h).json()
    [domain] = voters
    assert domain["paper_ballots"] == 1 and domain["voters"][0]["voted"] is True
    assert move(client, h, rid, "deciding").status_code == 200
    results = client.get(f"/api/v1/msc/rounds/{rid}/results", headers=h).json()
    tally = results["domains"][0]["tally"]
    assert tally["points"] == {str(a1): 1.0, str(a2): 1.0} and tally["top"] == [a1, a2]
    # An open round shows each ballot with its voter (an unnamed paper ballot has none).
    shown = {(b["voter"], b["content"]["choice"]) for b in results["domains"][0]["ballots"]}
    assert shown == {("Morwenna Quill", a1), (None, a2)}
    untied = decide(client, h, rid, tree.domain_id, a1)
    assert untied.status_code == 422
    assert untied.json()["error"]["problems"][0]["field"] == "tie_resolution"
    short = decide(client, h, rid, tree.domain_id, a1, tie_resolution="")
    assert short.status_code == 422
    thin = client.put(
        f"/api/v1/msc/rounds/{rid}/decisions/{tree.domain_id}",
        headers=h,
        json={
            "story_id": a1,
            "reasons": "More sustainable.",
            "criteria": [{"name": "Sustainability"}],
            "tie_resolution": "The chair chose.",
        },
    )
    assert thin.status_code == 422 and thin.json()["error"]["problems"][0]["field"] == "reasons"
    decided = decide(
        client,
        h,
        rid,
        tree.domain_id,
        a1,
        tie_resolution="The chair decided after the panel talked it through.",
        dissent="Two members preferred the allotment story.",
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["dissent"].startswith("Two members")


def test_another_pass_on_a_shortlist_keeps_every_pass(client, session):
    tree, rid, h = _voting_round(client, session)
    a1, a2 = tree.stories["a1"].id, tree.stories["a2"].id
    vote(client, tree, rid, "m1", choice=a1)
    vote(client, tree, rid, "m2", choice=a2)
    assert move(client, h, rid, "deciding").status_code == 200
    version = client.get(f"/api/v1/msc/rounds/{rid}", headers=h).json()["version"]
    one = client.post(
        f"/api/v1/msc/rounds/{rid}/passes",
        headers=h,
        json={"version": version, "shortlist": {str(tree.domain_id): [a1]}},
    )
    assert one.status_code == 422  # a shortlist of one is a decision, not a vote
    opened = client.post(
        f"/api/v1/msc/rounds/{rid}/passes",
        headers=h,
        json={"version": version, "shortlist": {str(tree.domain_id): [a1, a2]}},
    )
    assert opened.status_code == 200, opened.text
    assert opened.json()["state"] == "voting" and opened.json()["current_pass"] == 2
    assert [p["number"] for p in opened.json()["passes"]] == [1, 2]
    vote(client, tree, rid, "m1", choice=a1)
    vote(client, tree, rid, "m2", choice=a1)
    assert move(client, h, rid, "deciding").status_code == 200
    first = client.get(f"/api/v1/msc/rounds/{rid}/results?pass_number=1", headers=h).json()
    second = client.get(f"/api/v1/msc/rounds/{rid}/results", headers=h).json()
    assert first["domains"][0]["tally"]["top"] == [a1, a2]
    assert second["pass_number"] == 2 and second["domains"][0]["tally"]["top"] == [a1]
    mine = client.get(f"/api/v1/msc/rounds/{rid}/ballots", headers=tree.headers["m1"]).json()
    assert [b["pass_number"] for b in mine] == [1, 2]


def test_results_wait_until_voting_closes(client, session):
    tree, rid, h = _voting_round(client, session)
    vote(client, tree, rid, "m1", choice=tree.stories["a1"].id)
    early = client.get(f"/api/v1/msc/rounds/{rid}/results", headers=h)
    assert early.status_code == 409
    assert "once voting has closed; this round is voting" in early.json()["error"]["message"]
