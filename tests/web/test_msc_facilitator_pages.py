"""The facilitator's and admin's MSC pages: domains, periods, starting and running a round,
its results side by side, the closing decisions and the printable report."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from storybank.models import MscDomain, ReportingPeriod, RoundMember, SelectionRound
from tests.api.msc_tree import (
    REASONS,
    Tree,
    build_tree,
    confirm_all,
    decide,
    move,
    new_round,
    vote,
)
from tests.web.pages import log_in, text_of

# Each test starts from its own copy of the MSC unit tree (built once per run).
pytestmark = pytest.mark.msc_tree

SHORT_REASONS = "More sustainable."
DISSENT = "Two members preferred Bert's story."


@pytest.fixture
def tree(session, client) -> Tree:
    return build_tree(session, client)


def _page(client, path: str):  # type: ignore[no-untyped-def]
    page = client.get(path, follow_redirects=False)
    assert page.status_code == 200, (path, page.status_code, page.text[:400])
    return text_of(page)


def _voting_round(client, tree: Tree, **options) -> int:  # type: ignore[no-untyped-def]
    """An Ashby round with its two Q1 candidates confirmed, voting open."""
    made = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1", "m2"), **options)
    headers = tree.headers["fac_ashby"]
    assert move(client, headers, made["id"], "reading").status_code == 200
    confirm_all(client, headers, made["id"], tree.domain_id)
    assert move(client, headers, made["id"], "voting").status_code == 200
    return made["id"]  # type: ignore[no-any-return]


def _tied_ranking_round(client, tree: Tree) -> int:  # type: ignore[no-untyped-def]
    """A ranking round whose two members rank the two stories in opposite orders."""
    rid = _voting_round(client, tree, voting_method="ranking")
    a1, a2 = tree.stories["a1"].id, tree.stories["a2"].id
    assert vote(client, tree, rid, "m1", ranking=[a1, a2]).status_code == 200
    assert vote(client, tree, rid, "m2", ranking=[a2, a1]).status_code == 200
    assert move(client, tree.headers["fac_ashby"], rid, "deciding").status_code == 200
    return rid


# Admin: domains and periods.


def test_admin_adds_edits_and_retires_a_domain_but_not_the_open_one(client, session, tree):
    csrf = log_in(client, tree.users["admin"])
    assert "Domains of change" in _page(client, "/admin")
    shown = _page(client, "/admin/msc/domains")
    assert "Any other change (open domain)" in shown and "Changes in people's lives" in shown
    added = client.post(
        "/admin/msc/domains",
        data={"csrf_token": csrf, "name": "Changes in services", "question": "What changed?"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    domain = session.exec(select(MscDomain).where(MscDomain.name == "Changes in services")).one()
    edit = {"csrf_token": csrf, "name": "Changes in how services work", "question": "Q?"}
    saved = client.post(f"/admin/msc/domains/{domain.id}", data=edit, follow_redirects=True)
    assert "The domain has been saved." in text_of(saved)
    retired = client.post(
        f"/admin/msc/domains/{domain.id}",
        data={"csrf_token": csrf, "deactivate": "1"},
        follow_redirects=True,
    )
    assert "Changes in how services work (no longer offered)" in text_of(retired)
    open_domain = session.exec(select(MscDomain).where(MscDomain.is_open)).one()
    refused = client.post(
        f"/admin/msc/domains/{open_domain.id}", data={"csrf_token": csrf, "deactivate": "1"}
    )
    assert refused.status_code == 409
    assert "The open domain (any other change) always stays in use" in text_of(refused)
    session.refresh(open_domain)
    assert open_domain.active


def test_admin_adds_a_period_with_date_boxes_and_closes_it(client, session, tree):
    csrf = log_in(client, tree.users["admin"])
    form = {
        "csrf_token": csrf,
        "name": "2026 Q2",
        **{"opens_on_day": "1", "opens_on_month": "4", "opens_on_year": "2026"},
        **{"closes_on_day": "30", "closes_on_month": "6", "closes_on_year": "2026"},
    }
    wrong = client.post("/admin/msc/periods", data={**form, "closes_on_day": "31"})
    assert wrong.status_code == 422 and "Enter a real date" in text_of(wrong)
    added = client.post("/admin/msc/periods", data=form, follow_redirects=True)
    assert "The period has been added." in text_of(added)
    assert "2026 Q2 1 April 2026 30 June 2026 Open" in text_of(added)
    period = session.exec(select(ReportingPeriod).where(ReportingPeriod.name == "2026 Q2")).one()
    closed = client.post(
        f"/admin/msc/periods/{period.id}/close", data={"csrf_token": csrf}, follow_redirects=True
    )
    assert "The period is closed." in text_of(closed)
    again = client.post(f"/admin/msc/periods/{period.id}/close", data={"csrf_token": csrf})
    assert again.status_code == 409 and "already closed" in text_of(again)


@pytest.mark.parametrize("path", ["/admin/msc/domains", "/admin/msc/periods"])
def test_msc_admin_pages_are_for_admins_only(client, tree, path):
    log_in(client, tree.users["fac_ashby"])
    assert client.get(path).status_code == 403


# Starting a round.


def test_facilitator_sees_only_their_units_and_starts_a_round(client, session, tree):
    csrf = log_in(client, tree.users["fac_ashby"])
    shown = _page(client, "/msc/facilitate")
    assert "Facilitate" in shown and "Start a round" in shown
    assert "Ashby (site)" in shown and "Brook (site)" not in shown
    started = client.post(
        "/msc/facilitate",
        data={
            "csrf_token": csrf,
            "name": "Ashby spring round",
            "unit_id": str(tree.ashby.id),
            "period_id": str(tree.period_id),
            f"domain_{tree.domain_id}": "1",
            "voting_method": "ranking",
            "secret": "yes",
        },
        follow_redirects=False,
    )
    assert started.status_code == 303
    made = session.exec(select(SelectionRound)).one()
    assert (made.name, made.voting_method, made.secret) == ("Ashby spring round", "ranking", True)
    control = _page(client, started.headers["location"])
    assert "State Draft" in control and "Open the round for reading" in control
    assert "Ashby spring round" in _page(client, "/msc/facilitate")


def test_a_second_round_for_the_unit_and_period_is_refused_with_the_reason(client, tree):
    new_round(client, tree, tree.ashby, "fac_ashby")
    csrf = log_in(client, tree.users["fac_ashby"])
    form = {"csrf_token": csrf, "name": "Again", "unit_id": str(tree.ashby.id)}
    again = client.post("/msc/facilitate", data={**form, "period_id": str(tree.period_id)})
    assert again.status_code == 409
    assert "There is a problem" in text_of(again)


def test_facilitate_link_only_for_people_who_run_rounds(client, tree):
    log_in(client, tree.users["staff_ashby"])
    assert "Facilitate" not in _page(client, "/stories")
    assert client.get("/msc/facilitate").status_code == 403
    log_in(client, tree.users["fac_north"])
    assert "Facilitate" in _page(client, "/stories")


# Running it.


def test_refusals_for_other_facilitators_and_panel_members(client, tree):
    rid = _tied_ranking_round(client, tree)
    pages = ["", "/results", "/close", "/report"]
    log_in(client, tree.users["fac_brook"])
    for tail in pages:
        assert client.get(f"/msc/facilitate/rounds/{rid}{tail}").status_code == 404
    log_in(client, tree.users["m1"])
    for tail in pages:
        refused = client.get(f"/msc/facilitate/rounds/{rid}{tail}")
        assert refused.status_code == 403
        assert "Only a facilitator whose grant covers the round's unit" in text_of(refused)


def test_a_refused_move_shows_the_services_reason(client, tree):
    made = new_round(client, tree, tree.ashby, "fac_ashby")
    csrf = log_in(client, tree.users["fac_ashby"])
    refused = client.post(
        f"/msc/facilitate/rounds/{made['id']}/transition",
        data={"csrf_token": csrf, "to": "closed", "version": str(made["version"])},
    )
    assert refused.status_code == 409
    assert "A round moves to closed only from deciding; this one is draft." in text_of(refused)
    no_panel = client.post(
        f"/msc/facilitate/rounds/{made['id']}/transition",
        data={"csrf_token": csrf, "to": "reading", "version": str(made["version"])},
    )
    assert no_panel.status_code == 409
    assert "The round cannot move to reading: its panel has no members yet." in text_of(no_panel)
    client.post(
        f"/msc/facilitate/rounds/{made['id']}/members",
        data={"csrf_token": csrf, "email": tree.users["m1"].email},
    )
    moved = client.post(
        f"/msc/facilitate/rounds/{made['id']}/transition",
        data={"csrf_token": csrf, "to": "reading", "version": str(made["version"])},
        follow_redirects=True,
    )
    shown = text_of(moved)
    assert "The round has moved on." in shown and "State Reading" in shown
    assert "Agnes rejoined the choir" in shown and "Bert kept his allotment" in shown


def test_the_guest_code_is_shown_once_with_its_join_link(client, session, tree):
    made = new_round(client, tree, tree.ashby, "fac_ashby")
    csrf = log_in(client, tree.users["fac_ashby"])
    added = client.post(
        f"/msc/facilitate/rounds/{made['id']}/members",
        data={"csrf_token": csrf, "guest_name": "Gwen Guest"},
    )
    assert added.status_code == 200
    shown = text_of(added)
    code = re.search(r"code=([A-Z0-9-]{14})", added.text)
    assert code, shown
    assert "shown once only" in shown and f"/msc/join?code={code.group(1)}" in shown
    again = _page(client, f"/msc/facilitate/rounds/{made['id']}")
    assert code.group(1) not in again and "Gwen Guest (guest, code not used yet)" in again


def test_facilitator_adds_a_member_by_email_and_confirms_a_domain(client, session, tree):
    made = new_round(client, tree, tree.ashby, "fac_ashby")
    csrf = log_in(client, tree.users["fac_ashby"])
    base = f"/msc/facilitate/rounds/{made['id']}"
    unknown = client.post(f"{base}/members", data={"csrf_token": csrf, "email": "no@x.org"})
    assert unknown.status_code == 422 and "There is no account with this email" in text_of(unknown)
    email = tree.users["m1"].email
    added = client.post(
        f"{base}/members", data={"csrf_token": csrf, "email": email}, follow_redirects=True
    )
    assert "The member has been added to the panel." in text_of(added)
    assert "Morwenna Quill" in _page(client, base)
    assert move(client, tree.headers["fac_ashby"], made["id"], "reading").status_code == 200
    pack = client.get(
        f"/api/v1/msc/rounds/{made['id']}/candidates", headers=tree.headers["fac_ashby"]
    ).json()
    confirmed = client.post(
        f"{base}/candidates/{pack[0]['candidate_id']}",
        data={"csrf_token": csrf, "domain_id": str(tree.domain_id)},
        follow_redirects=True,
    )
    assert "The candidate's domain has been saved." in text_of(confirmed)
    assert "(confirmed: Changes in people's lives)" in text_of(confirmed)


def test_paper_ballots_count_and_who_has_voted_never_how(client, session, tree):
    rid = _voting_round(client, tree)
    assert vote(client, tree, rid, "m1", choice=tree.stories["a1"].id).status_code == 200
    csrf = log_in(client, tree.users["fac_ashby"])
    entered = client.post(
        f"/msc/facilitate/rounds/{rid}/ballots",
        data={
            "csrf_token": csrf,
            "domain_id": str(tree.domain_id),
            "choice": str(tree.stories["a2"].id),
            "count": "3",
        },
        follow_redirects=True,
    )
    shown = text_of(entered)
    assert "entered on the members' behalf" in shown
    assert "Morwenna Quill: has voted" in shown and "Tobias Fenwright: has not voted yet" in shown
    assert "Paper ballots entered: 3" in shown
    too_many = client.post(
        f"/msc/facilitate/rounds/{rid}/ballots",
        data={"csrf_token": csrf, "domain_id": str(tree.domain_id), "choice": "1", "count": "0"},
    )
    assert too_many.status_code == 422 and "Enter 1 to 500 identical ballots" in text_of(too_many)


def test_results_show_each_method_side_by_side_ties_and_the_matrix(client, tree):
    rid = _tied_ranking_round(client, tree)
    log_in(client, tree.users["fac_ashby"])
    shown = _page(client, f"/msc/facilitate/rounds/{rid}/results")
    for method in ("Plurality (first choices)", "Borda points", "Copeland points", "Schulze"):
        assert method in shown
    assert "2 ballots counted." in shown
    tie = "tie between Agnes rejoined the choir and Bert kept his allotment"
    assert shown.count(tie) == 4
    assert "Head to head: how many voters ranked the row" in shown


def test_paper_rankings_are_counted_by_every_method(client, tree):
    rid = _voting_round(client, tree, voting_method="ranking")
    a1, a2 = tree.stories["a1"].id, tree.stories["a2"].id
    assert vote(client, tree, rid, "m1", ranking=[a2, a1]).status_code == 200
    csrf = log_in(client, tree.users["fac_ashby"])
    paper = {"csrf_token": csrf, "domain_id": str(tree.domain_id), "count": "3"}
    entered = client.post(
        f"/msc/facilitate/rounds/{rid}/ballots",
        data={**paper, f"mark_{a1}": "1", f"mark_{a2}": "2"},
        follow_redirects=False,
    )
    assert entered.status_code == 303
    assert move(client, tree.headers["fac_ashby"], rid, "deciding").status_code == 200
    shown = _page(client, f"/msc/facilitate/rounds/{rid}/results")
    assert "4 ballots counted." in shown
    assert "Winner Agnes rejoined the choir Agnes rejoined the choir" in shown
    assert "tie between" not in shown
    assert "Agnes rejoined the choir 3 3 1 1" in shown  # first places, Borda, Copeland, Schulze


def test_results_wait_until_voting_has_closed(client, tree):
    rid = _voting_round(client, tree)
    log_in(client, tree.users["fac_ashby"])
    shown = _page(client, f"/msc/facilitate/rounds/{rid}/results")
    assert "Results are shown once voting has closed; this round is voting." in shown


def test_another_pass_on_a_shortlist(client, session, tree):
    rid = _tied_ranking_round(client, tree)
    csrf = log_in(client, tree.users["fac_ashby"])
    found = session.get(SelectionRound, rid)
    session.refresh(found)
    opened = client.post(
        f"/msc/facilitate/rounds/{rid}/passes",
        data={
            "csrf_token": csrf,
            "version": str(found.version),
            f"short_{tree.domain_id}_{tree.stories['a1'].id}": "1",
            f"short_{tree.domain_id}_{tree.stories['a2'].id}": "1",
        },
        follow_redirects=True,
    )
    shown = text_of(opened)
    assert "Another pass of voting is open on the shortlist." in shown
    assert "State Voting, pass 2" in shown


def test_closing_needs_full_reasons_and_a_tie_resolution_then_the_report_shows_them(
    client, session, tree
):
    rid = _tied_ranking_round(client, tree)
    csrf = log_in(client, tree.users["fac_ashby"])
    close = _page(client, f"/msc/facilitate/rounds/{rid}/close")
    assert "Write full sentences naming the criteria that mattered" in close
    assert "How the tie was resolved" in close
    decision = {
        "csrf_token": csrf,
        "story_id": str(tree.stories["a1"].id),
        "reasons": SHORT_REASONS,
        "criterion_1": "Lasting change",
        "weight_1": "5",
    }
    path = f"/msc/facilitate/rounds/{rid}/close/{tree.domain_id}"
    short = client.post(path, data=decision)
    assert short.status_code == 422
    assert "Write the panel's reasons in full sentences" in text_of(short)
    assert SHORT_REASONS in short.text  # what was typed is kept
    untied = client.post(path, data={**decision, "reasons": REASONS})
    assert untied.status_code == 422 and "The vote is tied at the top" in text_of(untied)
    tie = "The chair chose Agnes's story after the panel talked it through."
    saved = client.post(
        path,
        data={
            **decision,
            "reasons": REASONS,
            "tie_resolution": tie,
            "dissent": DISSENT,
        },
        follow_redirects=True,
    )
    assert "The decision in Changes in people's lives has been saved." in text_of(saved)
    found = session.get(SelectionRound, rid)
    session.refresh(found)
    closed = client.post(
        f"/msc/facilitate/rounds/{rid}/transition",
        data={"csrf_token": csrf, "to": "closed", "version": str(found.version)},
        follow_redirects=True,
    )
    assert "State Closed" in text_of(closed) and "This round is closed." in text_of(closed)
    report = client.get(f"/msc/facilitate/rounds/{rid}/report")
    shown = text_of(report)
    assert "Round report: Ashby Q1" in shown and "Ashby (site level)" in shown
    assert "Panel size 2" in shown and "2026 Q1" in shown
    assert "Selected story Agnes rejoined the choir" in shown
    assert REASONS in shown and tie in shown and DISSENT in shown
    assert "Lasting change (weight 5)" in shown and "Borda points" in shown
    assert "/static/css/msc-report.css" in report.text and "style=" not in report.text


def test_report_above_site_level_shows_the_deidentified_text(client, session, tree):
    made = new_round(client, tree, tree.north, "fac_north", members=("m1",))
    rid, headers = made["id"], tree.headers["fac_north"]
    assert move(client, headers, rid, "reading").status_code == 200
    confirm_all(client, headers, rid, tree.domain_id)
    assert move(client, headers, rid, "voting").status_code == 200
    assert vote(client, tree, rid, "m1", choice=tree.stories["a1"].id).status_code == 200
    assert move(client, headers, rid, "deciding").status_code == 200
    assert decide(client, headers, rid, tree.domain_id, tree.stories["a1"].id).status_code == 200
    log_in(client, tree.users["fac_north"])
    shown = _page(client, f"/msc/facilitate/rounds/{rid}/report")
    assert "Round report: North Q1" in shown and "North (region level)" in shown
    assert "Panel size 1" in shown
    assert "Selected story [Person] rejoined the choir" in shown
    assert "[Person]'s what happened." in shown and "de-identified version" in shown
    assert "Agnes" not in shown


FORM_POSTS = [
    ("/admin/msc/domains", "admin"),
    ("/admin/msc/domains/{domain}", "admin"),
    ("/admin/msc/periods", "admin"),
    ("/admin/msc/periods/{period}/close", "admin"),
    ("/msc/facilitate", "fac_ashby"),
    ("/msc/facilitate/rounds/{round}/transition", "fac_ashby"),
    ("/msc/facilitate/rounds/{round}/members", "fac_ashby"),
    ("/msc/facilitate/rounds/{round}/candidates/1", "fac_ashby"),
    ("/msc/facilitate/rounds/{round}/passes", "fac_ashby"),
    ("/msc/facilitate/rounds/{round}/ballots", "fac_ashby"),
    ("/msc/facilitate/rounds/{round}/close/{domain}", "fac_ashby"),
]


@pytest.mark.parametrize(("path", "who"), FORM_POSTS)
def test_every_form_needs_its_csrf_token(client, session, tree, path, who):
    made = new_round(client, tree, tree.ashby, "fac_ashby", members=("m1",))
    log_in(client, tree.users[who])
    url = path.format(round=made["id"], domain=tree.domain_id, period=tree.period_id)
    forged = {"name": "Forged", "guest_name": "Forged", "to": "reading", "version": "1"}
    refused = client.post(url, data=forged)
    assert refused.status_code == 403
    assert "security token is missing or out of date" in text_of(refused)
    assert len(session.exec(select(RoundMember)).all()) == 1
    assert session.get(SelectionRound, made["id"]).state == "draft"
    assert not session.exec(select(MscDomain).where(MscDomain.name == "Forged")).all()


def test_an_admin_without_a_facilitator_grant_can_open_the_pages(client, session, tree):
    rid = _tied_ranking_round(client, tree)
    log_in(client, tree.users["admin"])
    assert "Facilitate" in _page(client, "/stories")
    assert "Ashby Q1" in _page(client, "/msc/facilitate")
    assert "Borda points" in _page(client, f"/msc/facilitate/rounds/{rid}/results")
