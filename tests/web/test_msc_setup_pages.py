"""Changing a round before voting from its control page: the set-up (name, domains,
method, secrecy, facilitator), taking a member or a candidate out, and a guest's new
one-time code (the old code stops working); the same through the API."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storybank.models import RoundCandidate, RoundMember, SelectionRound, User
from tests.api.msc_tree import Tree, build_tree, confirm_all, move, new_round
from tests.builders import make_user
from tests.web.pages import csrf_token, log_in, text_of

# Each test starts from its own copy of the MSC unit tree (built once per run).
pytestmark = pytest.mark.msc_tree


@pytest.fixture
def tree(session, client) -> Tree:
    tree = build_tree(session, client)
    tree.users["fac_ashby2"] = make_user(
        session, roles=["facilitator"], sites=[tree.ashby], name="Flo Ashby"
    )
    return tree


def _control(client, rid: int) -> str:  # type: ignore[no-untyped-def]
    page = client.get(f"/msc/facilitate/rounds/{rid}")
    assert page.status_code == 200
    return text_of(page)


def _setup_form(csrf: str, tree: Tree, version: int, **changes: str) -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "version": str(version),
        "name": "Ashby spring panel",
        f"domain_{tree.domain_id}": "1",
        "voting_method": "ranking",
        "secret": "yes",
        "facilitator_id": str(tree.users["fac_ashby2"].id),
        **changes,
    }


def test_the_facilitator_changes_a_draft_rounds_setup_on_its_page(client, session, tree):
    rid = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1",))["id"]
    csrf = log_in(client, tree.users["fac_ashby"])
    shown = _control(client, rid)
    assert "Set-up" in shown and "Flo Ashby" in shown and "Save the set-up" in shown
    saved = client.post(
        f"/msc/facilitate/rounds/{rid}/setup",
        data=_setup_form(csrf, tree, 1),
        follow_redirects=True,
    )
    assert "The round's set-up has been saved." in text_of(saved)
    assert "Rank every story, secret ballot" in text_of(saved)
    found = session.get(SelectionRound, rid)
    session.refresh(found)
    assert found is not None
    assert (found.name, found.voting_method, found.secret) == (
        "Ashby spring panel",
        "ranking",
        True,
    )
    assert found.facilitator_id == tree.users["fac_ashby2"].id
    stale = client.post(f"/msc/facilitate/rounds/{rid}/setup", data=_setup_form(csrf, tree, 1))
    assert stale.status_code == 409 and "changed since you loaded it" in text_of(stale)


def test_a_setup_with_a_bad_field_names_it_and_changes_nothing(client, session, tree):
    rid = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1",))["id"]
    csrf = log_in(client, tree.users["fac_ashby"])
    url = f"/msc/facilitate/rounds/{rid}/setup"
    nameless = client.post(url, data=_setup_form(csrf, tree, 1, name="  "))
    assert nameless.status_code == 422 and "1 to 200 characters" in text_of(nameless)
    no_method = client.post(url, data=_setup_form(csrf, tree, 1, voting_method="loudest"))
    assert no_method.status_code == 422 and "Choose a voting method." in text_of(no_method)
    outsider = make_user(session, roles=["facilitator"], sites=[tree.brook], name="Out Sider")
    wrong = client.post(url, data=_setup_form(csrf, tree, 1, facilitator_id=str(outsider.id)))
    assert wrong.status_code == 422 and "Needs a facilitator grant here." in text_of(wrong)
    found = session.get(SelectionRound, rid)
    session.refresh(found)
    assert found is not None and (found.name, found.version) == ("Ashby Q1", 1)


def test_members_and_candidates_come_off_before_voting_only(client, session, tree):
    rid = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1", "m2"))["id"]
    h = tree.headers["fac_ashby"]
    csrf = log_in(client, tree.users["fac_ashby"])
    m2 = session.exec(
        select(RoundMember).where(
            RoundMember.round_id == rid, RoundMember.user_id == tree.users["m2"].id
        )
    ).one()
    gone = client.post(
        f"/msc/facilitate/rounds/{rid}/members/{m2.id}/remove",
        data={"csrf_token": csrf},
        follow_redirects=True,
    )
    assert "The member has been taken off the panel." in text_of(gone)
    assert "Tobias Fenwright" not in text_of(gone)
    assert move(client, h, rid, "reading").status_code == 200
    bert = session.exec(
        select(RoundCandidate).where(
            RoundCandidate.round_id == rid, RoundCandidate.story_id == tree.stories["a2"].id
        )
    ).one()
    out = client.post(
        f"/msc/facilitate/rounds/{rid}/candidates/{bert.id}/remove",
        data={"csrf_token": csrf},
        follow_redirects=True,
    )
    assert "The story is no longer a candidate in this round." in text_of(out)
    pack = client.get(f"/api/v1/msc/rounds/{rid}/candidates", headers=h).json()
    assert [e["story_id"] for e in pack] == [tree.stories["a1"].id]
    confirm_all(client, h, rid, tree.domain_id)
    assert move(client, h, rid, "voting").status_code == 200
    m1 = session.exec(select(RoundMember).where(RoundMember.round_id == rid)).one()
    late = client.post(
        f"/msc/facilitate/rounds/{rid}/members/{m1.id}/remove", data={"csrf_token": csrf}
    )
    assert late.status_code == 409
    assert "take a member off the panel only while the round is draft or reading" in text_of(late)
    assert client.delete(f"/api/v1/msc/rounds/{rid}/members/{m1.id}", headers=h).status_code == 409
    assert "Set-up" not in _control(client, rid)


def test_a_candidate_removed_in_draft_would_come_back_so_it_waits_for_reading(client, tree):
    rid = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1",))["id"]
    h = tree.headers["fac_ashby"]
    added = client.post(
        f"/api/v1/msc/rounds/{rid}/candidates",
        headers=h,
        json={"story_id": tree.stories["a1"].id, "domain_id": tree.domain_id},
    )
    assert added.status_code == 200, added.text
    refused = client.delete(f"/api/v1/msc/rounds/{rid}/candidates/{added.json()['id']}", headers=h)
    assert refused.status_code == 409
    assert "only while the round is reading" in refused.json()["error"]["message"]


def test_a_new_guest_code_replaces_the_old_one_and_ends_its_session(client, session, tree):
    rid = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1",))["id"]
    h = tree.headers["fac_ashby"]
    first = client.post(
        f"/api/v1/msc/rounds/{rid}/members", headers=h, json={"guest_name": "Gwen Visitor"}
    ).json()
    assert client.post("/api/v1/msc/guest-sessions", json={"code": first["guest_code"]}).is_success
    assert client.get(f"/api/v1/msc/rounds/{rid}/candidates").status_code == 200
    client.cookies.clear()
    csrf = log_in(client, tree.users["fac_ashby"])
    page = client.post(
        f"/msc/facilitate/rounds/{rid}/members/{first['id']}/code", data={"csrf_token": csrf}
    )
    shown = text_of(page)
    assert page.status_code == 200 and "the old code and link no longer work" in shown
    assert "Gwen Visitor (guest, code not used yet)" in shown
    new_code = shown.split("Give Gwen Visitor this code: ")[1].split(" ")[0]
    assert len(new_code) == 14 and new_code != first["guest_code"]
    client.cookies.clear()
    old = client.post("/api/v1/msc/guest-sessions", json={"code": first["guest_code"]})
    assert old.status_code == 401
    join = client.get(f"/msc/join?code={new_code}")
    signed_in = client.post(
        "/msc/join",
        data={"code": new_code, "csrf_token": csrf_token(join)},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == f"/msc/rounds/{rid}/reading"
    again = client.post(f"/api/v1/msc/rounds/{rid}/members/{first['id']}/code", headers=h)
    assert again.status_code == 200 and len(again.json()["guest_code"]) == 14
    m1 = session.exec(select(RoundMember).where(RoundMember.user_id == tree.users["m1"].id)).one()
    not_guest = client.post(f"/api/v1/msc/rounds/{rid}/members/{m1.id}/code", headers=h)
    assert not_guest.status_code == 409 and not_guest.json()["error"]["code"] == "not_a_guest"


def test_a_removed_guest_can_no_longer_sign_in(client, session, tree):
    rid = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1",))["id"]
    h = tree.headers["fac_ashby"]
    guest = client.post(
        f"/api/v1/msc/rounds/{rid}/members", headers=h, json={"guest_name": "Gwen Visitor"}
    ).json()
    assert (
        client.delete(f"/api/v1/msc/rounds/{rid}/members/{guest['id']}", headers=h).status_code
        == 204
    )
    user = session.get(User, guest["user_id"])
    session.refresh(user)
    assert user is not None and not user.is_active
    late = client.post("/api/v1/msc/guest-sessions", json={"code": guest["guest_code"]})
    assert late.status_code == 401


def test_admins_cannot_make_or_revive_guest_accounts(client, session, tree):
    admin = tree.headers["admin"]
    made = client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "email": "someone@guests.invalid",
            "display_name": "Fake guest",
            "password": "a long enough password",
            "grants": [],
        },
    )
    assert made.status_code == 422 and "kept for guest members" in made.text
    rid = new_round(client, tree, tree.ashby, "fac_ashby")["id"]
    guest = client.post(
        f"/api/v1/msc/rounds/{rid}/members",
        headers=tree.headers["fac_ashby"],
        json={"guest_name": "Gwen Visitor"},
    ).json()
    password = client.post(
        f"/api/v1/users/{guest['user_id']}/password",
        headers=admin,
        json={"password": "a long enough password"},
    )
    assert password.status_code == 409 and password.json()["error"]["code"] == "guest_account"
    csrf = log_in(client, tree.users["admin"])
    page = client.post(
        f"/admin/users/{guest['user_id']}/active", data={"csrf_token": csrf, "active": "true"}
    )
    assert page.status_code == 409 and "guest member's account" in text_of(page)
