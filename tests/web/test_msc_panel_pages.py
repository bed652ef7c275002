"""A panel member's MSC pages: their rounds, the reading pack, the ballot for each voting
method, a guest joining with a one-time code, and a storyteller's trail of their stories."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import select

from storybank.models import Ballot, RoundFeedback
from tests.api.msc_tree import (
    REASONS,
    build_tree,
    confirm_all,
    decide,
    move,
    new_round,
    run_site_round,
)
from tests.web.pages import csrf_token, log_in, text_of

# Each test starts from its own copy of the MSC unit tree (built once per run).
pytestmark = pytest.mark.msc_tree

CSS = Path(__file__).resolve().parents[2] / "web" / "static" / "css" / "storybank.css"
DOMAIN = "Changes in people's lives"
QUESTION = "What was the most significant change in people's lives?"


def _voting_round(client, tree, method: str = "single", **options):
    """An Ashby round with m1 on its panel, voting; its id."""
    made = new_round(
        client, tree, tree.ashby, "fac_ashby", members=("m1",), voting_method=method, **options
    )
    h = tree.headers["fac_ashby"]
    assert move(client, h, made["id"], "reading").status_code == 200
    confirm_all(client, h, made["id"], tree.domain_id)
    assert move(client, h, made["id"], "voting").status_code == 200
    return made["id"]


def _stored(session, rid):
    session.expire_all()
    return [b.content for b in session.exec(select(Ballot).where(Ballot.round_id == rid)).all()]


def _ballot_token(page) -> str:
    """The CSRF token of the ballot form itself."""
    match = re.search(
        r'action="/msc/rounds/\d+/ballot"[^>]*>\s*<input type="hidden" '
        r'name="csrf_token" value="([^"]+)"',
        page.text,
    )
    assert match, "the ballot form carries no CSRF token"
    return match.group(1)


def _fieldset(page, domain_id: int) -> str:
    """The HTML of one domain's fieldset on the ballot page."""
    match = re.search(
        rf'<fieldset[^>]*id="domain-{domain_id}".*?</fieldset>\s*'
        r'(?=<fieldset class="ballot-domain|<button)',
        page.text,
        re.S,
    )
    assert match, "no fieldset for that domain"
    return match.group(0)


def test_my_rounds_lists_the_rounds_a_member_sits_on_and_what_to_do(client, session):
    tree = build_tree(session, client)
    rid = _voting_round(client, tree)
    new_round(client, tree, tree.brook, "fac_brook", members=("m2",))
    log_in(client, tree.users["m1"])
    page = client.get("/msc/rounds")
    text = text_of(page)
    assert page.status_code == 200
    assert "Ashby Q1" in text and "Brook Q1" not in text
    assert "Voting is open: read the stories, then fill in your ballot." in text
    assert f'href="/msc/rounds/{rid}/ballot"' in page.text
    assert '<a href="/msc/rounds" aria-current="page">Rounds</a>' in page.text


def test_people_on_no_round_get_no_rounds_link_and_an_empty_list(client, session):
    tree = build_tree(session, client)
    _voting_round(client, tree)
    log_in(client, tree.users["staff_ashby"])
    page = client.get("/msc/rounds")
    assert "You do not sit on any selection round yet." in text_of(page)
    assert 'href="/msc/rounds"' not in page.text
    assert 'href="/msc/rounds"' not in client.get("/stories").text


def test_the_reading_pack_groups_stories_by_domain_with_de_identified_text(client, session):
    tree = build_tree(session, client)
    rid = _voting_round(client, tree)
    log_in(client, tree.users["m1"])
    page = client.get(f"/msc/rounds/{rid}/reading")
    text = text_of(page)
    assert page.status_code == 200
    assert f"<h2>{DOMAIN}</h2>".replace("'", "&#39;") in page.text
    assert QUESTION in text
    assert "[Person] rejoined the choir" in text
    assert "[Person]'s what happened." in text
    assert "Agnes" not in text and "Bert" not in text  # the originals stay in their site
    assert "style=" not in page.text  # no inline style: printing uses the stylesheet
    css = CSS.read_text()
    assert "@media print" in css and ".site-header, .site-footer" in css


def test_people_off_the_panel_get_not_found(client, session):
    tree = build_tree(session, client)
    rid = _voting_round(client, tree)
    for name in ("m2", "staff_ashby", "staff_brook"):
        token = log_in(client, tree.users[name])
        for path in ("reading", "ballot"):
            assert client.get(f"/msc/rounds/{rid}/{path}").status_code == 404, (name, path)
        posted = client.post(f"/msc/rounds/{rid}/ballot", data={"csrf_token": token})
        assert posted.status_code == 404, name
    assert client.get("/msc/rounds/999999/reading").status_code == 404


def test_a_single_choice_ballot_is_saved_shown_again_and_changeable(client, session):
    tree = build_tree(session, client)
    rid = _voting_round(client, tree)
    a1, a2 = tree.stories["a1"].id, tree.stories["a2"].id
    log_in(client, tree.users["m1"])
    form = client.get(f"/msc/rounds/{rid}/ballot")
    fieldset = _fieldset(form, tree.domain_id)
    assert (
        f'type="radio" id="d{tree.domain_id}_s{a1}" name="d{tree.domain_id}" value="{a1}"'
        in fieldset
    )
    assert "<legend>" in fieldset and DOMAIN.replace("'", "&#39;") in fieldset
    field = f"d{tree.domain_id}"
    saved = client.post(
        f"/msc/rounds/{rid}/ballot",
        data={"csrf_token": _ballot_token(form), field: str(a1)},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/msc/rounds/{rid}/ballot?saved=1"
    page = client.get(saved.headers["location"])
    assert "Your ballot is saved. You can change it until voting closes." in text_of(page)
    assert f'value="{a1}" checked' in page.text
    assert _stored(session, rid) == [{"choice": a1}]
    client.post(
        f"/msc/rounds/{rid}/ballot", data={"csrf_token": _ballot_token(page), field: str(a2)}
    )
    assert _stored(session, rid) == [{"choice": a2}]


def test_the_ballot_form_needs_its_csrf_token(client, session):
    tree = build_tree(session, client)
    rid = _voting_round(client, tree)
    log_in(client, tree.users["m1"])
    data = {f"d{tree.domain_id}": str(tree.stories["a1"].id)}
    refused = client.post(f"/msc/rounds/{rid}/ballot", data={**data, "csrf_token": "x" * 43})
    assert refused.status_code == 403
    assert "security token is missing or out of date" in text_of(refused)
    assert client.post(f"/msc/rounds/{rid}/ballot", data=data).status_code == 403
    assert _stored(session, rid) == []


def test_an_empty_ballot_is_refused_with_a_message(client, session):
    tree = build_tree(session, client)
    rid = _voting_round(client, tree)
    token = log_in(client, tree.users["m1"])
    page = client.post(f"/msc/rounds/{rid}/ballot", data={"csrf_token": token})
    assert page.status_code == 422
    assert "Choose at least one story in a domain before saving your ballot." in text_of(page)


def test_a_bad_ranking_is_shown_beside_its_domain_and_a_good_one_is_kept(client, session):
    tree = build_tree(session, client)
    rid = _voting_round(client, tree, "ranking")
    a1, a2 = tree.stories["a1"].id, tree.stories["a2"].id
    token = log_in(client, tree.users["m1"])
    form = client.get(f"/msc/rounds/{rid}/ballot")
    assert f'<select id="d{tree.domain_id}_s{a1}" name="d{tree.domain_id}_s{a1}">' in form.text
    assert '<option value="2">2</option>' in form.text
    twice_first = {
        "csrf_token": token,
        f"d{tree.domain_id}_s{a1}": "1",
        f"d{tree.domain_id}_s{a2}": "1",
    }
    page = client.post(f"/msc/rounds/{rid}/ballot", data=twice_first)
    assert page.status_code == 422
    fieldset = _fieldset(page, tree.domain_id)
    assert f'id="domain-{tree.domain_id}-error"' in fieldset
    assert (
        "Changes in people&#39;s lives: Give every story voted on in this domain, each once"
        in fieldset
    )
    assert _stored(session, rid) == []
    good = {"csrf_token": token, f"d{tree.domain_id}_s{a1}": "2", f"d{tree.domain_id}_s{a2}": "1"}
    assert (
        client.post(f"/msc/rounds/{rid}/ballot", data=good, follow_redirects=False).status_code
        == 303
    )
    assert _stored(session, rid) == [{"ranking": [a2, a1]}]
    shown = client.get(f"/msc/rounds/{rid}/ballot")
    assert re.search(
        rf'name="d{tree.domain_id}_s{a1}">.*?<option value="2" selected>', shown.text, re.S
    )


def test_score_and_approval_ballots_are_stored_as_the_round_counts_them(client, session):
    tree = build_tree(session, client)
    a1, a2 = tree.stories["a1"].id, tree.stories["a2"].id
    rid = _voting_round(client, tree, "score")
    token = log_in(client, tree.users["m1"])
    form = client.get(f"/msc/rounds/{rid}/ballot")
    assert f'id="d{tree.domain_id}_s{a1}-5" name="d{tree.domain_id}_s{a1}" value="5"' in form.text
    data = {"csrf_token": token, f"d{tree.domain_id}_s{a1}": "5", f"d{tree.domain_id}_s{a2}": "0"}
    assert (
        client.post(f"/msc/rounds/{rid}/ballot", data=data, follow_redirects=False).status_code
        == 303
    )
    assert _stored(session, rid) == [{"scores": {str(a1): 5, str(a2): 0}}]


def test_an_approval_ballot_uses_a_checkbox_per_story(client, session):
    tree = build_tree(session, client)
    a1, a2 = tree.stories["a1"].id, tree.stories["a2"].id
    rid = _voting_round(client, tree, "approval")
    token = log_in(client, tree.users["m1"])
    form = client.get(f"/msc/rounds/{rid}/ballot")
    assert f'type="checkbox" id="d{tree.domain_id}_s{a2}"' in form.text
    data = {"csrf_token": token, f"d{tree.domain_id}_s{a1}": "1", f"d{tree.domain_id}_s{a2}": "1"}
    assert (
        client.post(f"/msc/rounds/{rid}/ballot", data=data, follow_redirects=False).status_code
        == 303
    )
    assert _stored(session, rid) == [{"approved": sorted([a1, a2])}]
    assert (
        f'name="d{tree.domain_id}_s{a1}" value="1" checked'
        in client.get(f"/msc/rounds/{rid}/ballot").text
    )


def test_after_voting_closes_the_member_sees_their_secret_ballot_but_cannot_change_it(
    client, session
):
    tree = build_tree(session, client)
    rid = _voting_round(client, tree, secret=True)
    a1 = tree.stories["a1"].id
    token = log_in(client, tree.users["m1"])
    client.post(
        f"/msc/rounds/{rid}/ballot", data={"csrf_token": token, f"d{tree.domain_id}": str(a1)}
    )
    assert move(client, tree.headers["fac_ashby"], rid, "deciding").status_code == 200
    page = client.get(f"/msc/rounds/{rid}/ballot")
    text = text_of(page)
    assert "Voting has closed, so your ballot can no longer be changed." in text
    assert "only you see what you chose" in text
    assert "What you chose" in text and "[Person] rejoined the choir" in text
    assert '<form method="post" action="/msc/rounds' not in page.text
    late = client.post(
        f"/msc/rounds/{rid}/ballot", data={"csrf_token": token, f"d{tree.domain_id}": str(a1)}
    )
    assert late.status_code == 409
    assert _stored(session, rid) == [{"choice": a1}]


def _guest_code(client, tree, rid) -> str:
    added = client.post(
        f"/api/v1/msc/rounds/{rid}/members",
        headers=tree.headers["fac_ashby"],
        json={"guest_name": "Gwen Visitor"},
    )
    assert added.status_code == 201, added.text
    return str(added.json()["guest_code"])


def _join(client, code: str):
    form = client.get("/msc/join")
    return client.post(
        "/msc/join", data={"code": code, "csrf_token": csrf_token(form)}, follow_redirects=False
    )


def test_a_guest_joins_with_their_code_and_reaches_only_their_round(client, session):
    tree = build_tree(session, client)
    rid = _voting_round(client, tree)
    other = _voting_round_at_brook(client, tree)
    code = _guest_code(client, tree, rid)
    prefilled = client.get(f"/msc/join?code={code}")
    assert f'value="{code}"' in prefilled.text and '<label for="code">' in prefilled.text
    joined = _join(client, code)
    assert joined.status_code == 303
    assert joined.headers["location"] == f"/msc/rounds/{rid}/reading"
    pack = client.get(joined.headers["location"])
    assert pack.status_code == 200 and "[Person] rejoined the choir" in text_of(pack)
    assert client.get(f"/msc/rounds/{other}/reading").status_code == 404
    assert client.get(f"/msc/rounds/{other}/ballot").status_code == 404
    rounds = text_of(client.get("/msc/rounds"))
    assert "Ashby Q1" in rounds and "Brook Q1" not in rounds and "you are a guest member" in rounds
    ballot = client.get(f"/msc/rounds/{rid}/ballot")
    choice = {"csrf_token": _ballot_token(ballot), f"d{tree.domain_id}": str(tree.stories["a1"].id)}
    assert client.post(f"/msc/rounds/{rid}/ballot", data=choice).status_code == 200
    assert _stored(session, rid) == [{"choice": tree.stories["a1"].id}]
    h = tree.headers["fac_ashby"]
    assert move(client, h, rid, "deciding").status_code == 200
    assert decide(client, h, rid, tree.domain_id, tree.stories["a1"].id).status_code == 200
    assert move(client, h, rid, "closed").status_code == 200
    ended = client.get(f"/msc/rounds/{rid}/reading", follow_redirects=False)
    assert ended.status_code == 303 and ended.headers["location"].startswith("/login")


def _voting_round_at_brook(client, tree):
    made = new_round(client, tree, tree.brook, "fac_brook", members=("m2",))
    h = tree.headers["fac_brook"]
    assert move(client, h, made["id"], "reading").status_code == 200
    confirm_all(client, h, made["id"], tree.domain_id)
    assert move(client, h, made["id"], "voting").status_code == 200
    return made["id"]


def test_a_wrong_code_is_told_beside_the_field_then_throttled(client, session):
    tree = build_tree(session, client)
    _voting_round(client, tree)
    wrong = _join(client, "AAAA-BBBB-CCCC")
    assert wrong.status_code == 401
    field = re.search(r'<div class="field field--error">.*?</div>', wrong.text, re.S)
    assert field and 'id="code-error"' in field.group(0)
    assert 'value="AAAA-BBBB-CCCC"' in wrong.text
    assert "storybank_session" not in client.cookies
    for _ in range(5):
        last = _join(client, "AAAA-BBBB-CCCC")
        if last.status_code == 429:
            break
    assert last.status_code == 429
    assert last.headers["retry-after"]
    assert "Wait a few minutes, then try again." in text_of(last)


def test_joining_without_the_forms_cookie_is_refused(client, session):
    response = client.post("/msc/join", data={"code": "AAAA-BBBB-CCCC", "csrf_token": "y" * 43})
    assert response.status_code == 403


def test_storytellers_see_their_stories_trail_and_feedback_is_marked_read(client, session):
    tree = build_tree(session, client)
    run_site_round(client, tree, tree.ashby, "fac_ashby", "a1")
    log_in(client, tree.users["staff_ashby"])
    page = client.get("/msc/my-stories")
    text = text_of(page)
    assert page.status_code == 200
    assert "Agnes rejoined the choir" in text and "Bert kept his allotment" in text
    assert "Selected by the panel." in text and "Not selected." in text
    assert f"The panel's reasons: {REASONS}" in text
    assert text.count("New") == 2
    session.expire_all()
    assert all(f.read_at is not None for f in session.exec(select(RoundFeedback)).all())
    assert "New" not in text_of(client.get("/msc/my-stories"))


def test_the_story_page_lists_the_rounds_it_reached(client, session):
    tree = build_tree(session, client)
    run_site_round(client, tree, tree.ashby, "fac_ashby", "a1")
    a1 = tree.stories["a1"].id
    log_in(client, tree.users["staff_ashby"])
    text = text_of(client.get(f"/stories/{a1}"))
    assert "Most Significant Change" in text
    assert "Ashby Q1 (Ashby, 2026 Q1), domain “Changes in people's lives”: selected" in text
    log_in(client, tree.users["reviewer_ashby"])
    text = text_of(client.get(f"/stories/{a1}"))
    assert "This story was selected by these panels: Ashby Q1 (Ashby, 2026 Q1)" in text
    log_in(client, tree.users["staff_brook"])
    assert client.get(f"/stories/{a1}").status_code == 404


def test_someone_with_no_stories_in_rounds_is_told_what_will_appear(client, session):
    tree = build_tree(session, client)
    log_in(client, tree.users["m1"])
    assert "None of your stories has reached a closed selection round yet." in text_of(
        client.get("/msc/my-stories")
    )
