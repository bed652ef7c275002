"""Guest panel members: a one-time code for one round, which is all they reach, until the
round closes."""

from __future__ import annotations

import pytest

from storybank.models import User
from tests.api.msc_tree import build_tree, confirm_all, decide, move, new_round
from tests.builders import token_headers

# Each test starts from its own copy of the MSC unit tree (built once per run).
pytestmark = pytest.mark.msc_tree


def _guest(client, tree, rid, h):
    added = client.post(
        f"/api/v1/msc/rounds/{rid}/members", headers=h, json={"guest_name": "Gwen Visitor"}
    )
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["is_guest"] is True and len(body["guest_code"]) == 14
    return body


def test_a_guest_signs_in_once_and_reaches_only_their_rounds_pack_and_ballot(client, session):
    tree = build_tree(session, client)
    h = tree.headers["fac_ashby"]
    rid = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1",))["id"]
    other = new_round(client, tree, tree.brook, "fac_brook", members=("m1",))["id"]
    guest = _guest(client, tree, rid, h)
    listed = client.get(f"/api/v1/msc/rounds/{rid}/members", headers=h).json()
    assert guest["guest_code"] not in str(listed) and "guest_code" not in str(listed)
    assert move(client, h, rid, "reading").status_code == 200
    confirm_all(client, h, rid, tree.domain_id)
    assert move(client, h, rid, "voting").status_code == 200

    typed = guest["guest_code"].lower().replace("-", " ")
    signed_in = client.post("/api/v1/msc/guest-sessions", json={"code": typed})
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["round_id"] == rid
    assert "storybank_session" in signed_in.headers["set-cookie"]
    csrf = {"X-CSRF-Token": signed_in.json()["csrf_token"]}

    pack = client.get(f"/api/v1/msc/rounds/{rid}/candidates")
    assert pack.status_code == 200
    shown = {e["story_id"]: e for e in pack.json()}
    # A guest reads the de-identified version even at site level; a story without one is
    # listed with its text withheld.
    assert shown[tree.stories["a1"].id]["text_version"] == "deidentified"
    assert shown[tree.stories["a2"].id]["text_version"] == "withheld"
    assert shown[tree.stories["a2"].id]["texts"] == {}
    assert "Agnes" not in pack.text and "Bert" not in pack.text
    ballot = client.put(
        f"/api/v1/msc/rounds/{rid}/ballots/{tree.domain_id}",
        headers=csrf,
        json={"choice": tree.stories["a1"].id},
    )
    assert ballot.status_code == 200, ballot.text
    assert (
        client.put(
            f"/api/v1/msc/rounds/{rid}/ballots/{tree.domain_id}",
            json={"choice": tree.stories["a1"].id},
        ).status_code
        == 403
    )  # no CSRF
    assert [b["id"] for b in client.get(f"/api/v1/msc/rounds/{rid}/ballots").json()] == [
        ballot.json()["id"]
    ]
    for path in ("members", "voters", "results", "decisions"):
        assert client.get(f"/api/v1/msc/rounds/{rid}/{path}").status_code == 403, path
    assert client.get(f"/api/v1/msc/rounds/{other}").status_code == 404
    assert client.get(f"/api/v1/msc/rounds/{other}/candidates").status_code == 404
    assert [r["id"] for r in client.get("/api/v1/msc/rounds").json()] == [rid]
    assert client.get("/api/v1/stories").json()["items"] == []
    assert client.get("/api/v1/msc/my-stories").json() == []

    again = client.post("/api/v1/msc/guest-sessions", json={"code": guest["guest_code"]})
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "guest_code_failed"

    assert move(client, h, rid, "deciding").status_code == 200
    assert decide(client, h, rid, tree.domain_id, tree.stories["a1"].id).status_code == 200
    assert move(client, h, rid, "closed").status_code == 200
    assert client.get(f"/api/v1/msc/rounds/{rid}/candidates").status_code == 401
    client.cookies.clear()


def test_a_guest_code_of_a_closed_round_signs_nobody_in(client, session):
    tree = build_tree(session, client)
    h = tree.headers["fac_ashby"]
    rid = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1",))["id"]
    guest = _guest(client, tree, rid, h)
    assert move(client, h, rid, "reading").status_code == 200
    confirm_all(client, h, rid, tree.domain_id)
    assert move(client, h, rid, "voting").status_code == 200
    client.put(
        f"/api/v1/msc/rounds/{rid}/ballots/{tree.domain_id}",
        headers=tree.headers["m1"],
        json={"choice": tree.stories["a1"].id},
    )
    assert move(client, h, rid, "deciding").status_code == 200
    assert decide(client, h, rid, tree.domain_id, None).status_code == 200
    closed = move(client, h, rid, "closed")
    assert "Access ended for 1 guest(s)." in closed.json()["notes"]
    late = client.post("/api/v1/msc/guest-sessions", json={"code": guest["guest_code"]})
    assert late.status_code == 401
    assert "storybank_session" not in late.headers.get("set-cookie", "")


def test_wrong_guest_codes_are_throttled(client, session):
    for _attempt in range(3):
        assert client.post("/api/v1/msc/guest-sessions", json={"code": "NOPE"}).status_code == 401
    blocked = client.post("/api/v1/msc/guest-sessions", json={"code": "NOPE"})
    assert blocked.status_code == 429


def test_a_guest_account_is_never_brought_back_and_reaches_nothing_if_it_were(client, session):
    tree = build_tree(session, client)
    h = tree.headers["fac_ashby"]
    rid = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1",))["id"]
    guest = _guest(client, tree, rid, h)
    assert move(client, h, rid, "reading").status_code == 200
    confirm_all(client, h, rid, tree.domain_id)
    assert move(client, h, rid, "voting").status_code == 200
    client.put(
        f"/api/v1/msc/rounds/{rid}/ballots/{tree.domain_id}",
        headers=tree.headers["m1"],
        json={"choice": tree.stories["a1"].id},
    )
    assert move(client, h, rid, "deciding").status_code == 200
    assert decide(client, h, rid, tree.domain_id, None).status_code == 200
    assert move(client, h, rid, "closed").status_code == 200
    admin = tree.headers["admin"]
    for change in ({"is_active": True}, {"grants": [{"role": "staff", "unit_id": tree.ashby.id}]}):
        back = client.patch(f"/api/v1/users/{guest['user_id']}", headers=admin, json=change)
        assert back.status_code == 409, back.text
        assert back.json()["error"]["code"] == "guest_account"
    user = session.get(User, guest["user_id"])
    session.refresh(user)
    assert user is not None and not user.is_active and user.password_hash is None
    # Even an account switched back on behind the service's back reaches nothing.
    user.is_active = True
    session.add(user)
    session.commit()
    headers = token_headers(session, user)
    assert client.get(f"/api/v1/msc/rounds/{rid}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/msc/rounds/{rid}/candidates", headers=headers).status_code == 404
