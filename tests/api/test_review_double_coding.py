"""Blind double coding through the API: neither coder sees the other's work, nobody else
sees codes until both finish, and disagreements are adjudicated into the final set."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storybank.models import Adjudication, ReviewAssignment
from tests.builders import make_user, token_headers
from tests.review_builders import make_reviewer, suggested_story

API = "/api/v1/review"


@pytest.fixture
def coders(session, somerset):
    """Two reviewers of Somerset and a third who adjudicates: (users, headers)."""
    users = [make_reviewer(session, somerset, name) for name in ("Ada One", "Ben Two", "Cy Judge")]
    return users, [token_headers(session, user) for user in users]


def _assign(client, story_id, users, headers):
    return client.put(
        f"{API}/stories/{story_id}/assignments",
        json={"reviewer_ids": [users[0].id, users[1].id]},
        headers=headers,
    )


def _decide(client, story_id, suggestion_id, decision, headers):
    return client.put(
        f"{API}/stories/{story_id}/suggestions/{suggestion_id}/decision",
        json={"decision": decision},
        headers=headers,
    )


def _code_keys(client, story_id, headers) -> list[str]:
    return [
        c["key"] for c in client.get(f"/api/v1/stories/{story_id}", headers=headers).json()["codes"]
    ]


def test_the_second_coder_sees_nothing_of_the_firsts_work(client, session, somerset, staff, coders):
    (ada, ben, _cy), (h_ada, h_ben, h_cy) = coders
    story, made = suggested_story(session, somerset, staff)
    assert _assign(client, story.id, [ada, ben], h_cy).status_code == 200
    hub = next(s for s in made if s.confidence == 0.91)
    assert _decide(client, story.id, hub.id, "accepted", h_ada).status_code == 200
    client.post(
        f"{API}/stories/{story.id}/codes", json={"code_key": "employment_finance"}, headers=h_ada
    )
    client.post(f"{API}/stories/{story.id}/finish", headers=h_ada)

    seen = client.get(f"{API}/stories/{story.id}", headers=h_ben).json()
    assert seen["my_codes"] == []
    assert {s["my_decision"] for s in seen["suggestions"]} == {None}
    assert {s["state"] for s in seen["suggestions"]} == {"pending"}
    assert seen["double_coded"] is True and seen["may_work"] is True
    assert "employment_finance" not in str(seen) and "Employment" not in str(seen)
    # Nobody sees codes while the second coder is at work: not the coders, not staff.
    for headers in (h_ada, h_ben, h_cy, token_headers(session, staff)):
        assert _code_keys(client, story.id, headers) == []
    # A reviewer who is not one of the two cannot code it.
    refused = client.post(
        f"{API}/stories/{story.id}/codes", json={"code_key": "confidence"}, headers=h_cy
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "assigned_to_others"


def test_disagreements_are_adjudicated_into_the_final_codes(
    client, session, somerset, staff, coders
):
    (ada, ben, _cy), (h_ada, h_ben, h_cy) = coders
    story, made = suggested_story(session, somerset, staff)
    _assign(client, story.id, [ada, ben], h_ada)
    hub = next(s for s in made if s.confidence == 0.91)
    for headers in (h_ada, h_ben):
        _decide(client, story.id, hub.id, "accepted", headers)
    client.post(f"{API}/stories/{story.id}/codes", json={"code_key": "wellbeing"}, headers=h_ada)
    client.post(f"{API}/stories/{story.id}/codes", json={"code_key": "confidence"}, headers=h_ben)
    early = client.get(f"{API}/stories/{story.id}/adjudication", headers=h_cy)
    assert early.status_code == 409 and early.json()["error"]["code"] == "coding_unfinished"
    for headers in (h_ada, h_ben):
        assert client.post(f"{API}/stories/{story.id}/finish", headers=headers).status_code == 200

    assert client.get(f"{API}/adjudications", headers=h_cy).json() == [story.id]
    sheet = client.get(f"{API}/stories/{story.id}/adjudication", headers=h_cy).json()
    assert sheet["agreed"] == ["community_hub"]
    assert {d["code_key"]: d["applied_by"] for d in sheet["disputed"]} == {
        "confidence": ["Ben Two"],
        "wellbeing": ["Ada One"],
    }
    assert _code_keys(client, story.id, h_cy) == []

    url = f"{API}/stories/{story.id}/adjudications"
    blank = client.post(
        url, json={"code_key": "wellbeing", "included": True, "reason": "  "}, headers=h_cy
    )
    assert blank.status_code == 422
    agreed = client.post(
        url, json={"code_key": "community_hub", "included": False, "reason": "No"}, headers=h_cy
    )
    assert agreed.status_code == 409 and agreed.json()["error"]["code"] == "not_disputed"
    reason = "She says her mood lifted once she had people to talk to."
    yes = client.post(
        url, json={"code_key": "wellbeing", "included": True, "reason": reason}, headers=h_cy
    )
    assert yes.status_code == 201
    twice = client.post(
        url, json={"code_key": "wellbeing", "included": False, "reason": "x"}, headers=h_cy
    )
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_adjudicated"
    assert _code_keys(client, story.id, h_cy) == []  # one disagreement is still open
    no = client.post(
        url,
        json={"code_key": "confidence", "included": False, "reason": "Not shown."},
        headers=h_cy,
    )
    assert no.status_code == 201 and no.json()["complete"] is True
    assert _code_keys(client, story.id, token_headers(session, staff)) == [
        "community_hub",
        "wellbeing",
    ]
    recorded = session.exec(select(Adjudication).where(Adjudication.code_id.is_not(None))).all()
    assert {(a.decided_by_id, a.reason) for a in recorded} >= {(_cy.id, reason)}
    assert client.get(f"{API}/adjudications", headers=h_cy).json() == []


@pytest.mark.parametrize(
    ("pick", "status"),
    [
        (lambda users: [users[0].id, users[0].id], 422),
        (lambda users: [users[0].id], 422),
        (lambda users: [users[0].id, 999999], 422),
        (lambda users: [users[0].id, users[3].id], 422),  # staff, not a reviewer
        (lambda users: ["one", "two"], 422),
    ],
)
def test_a_bad_pair_of_reviewers_is_refused(client, session, somerset, staff, coders, pick, status):
    users, headers = coders
    story, _ = suggested_story(session, somerset, staff)
    answer = client.put(
        f"{API}/stories/{story.id}/assignments",
        json={"reviewer_ids": pick([*users, staff])},
        headers=headers[2],
    )
    assert answer.status_code == status, answer.text
    assert session.exec(select(ReviewAssignment)).all() == []


def test_a_story_is_assigned_once_and_a_lone_coder_keeps_their_place(
    client, session, somerset, staff, coders
):
    (ada, ben, cy), (h_ada, _h_ben, h_cy) = coders
    story, _ = suggested_story(session, somerset, staff)
    client.post(f"{API}/stories/{story.id}/codes", json={"code_key": "wellbeing"}, headers=h_ada)
    without = client.put(
        f"{API}/stories/{story.id}/assignments",
        json={"reviewer_ids": [ben.id, cy.id]},
        headers=h_cy,
    )
    assert without.status_code == 409 and without.json()["error"]["code"] == "being_coded"
    made = client.put(
        f"{API}/stories/{story.id}/assignments",
        json={"reviewer_ids": [ben.id, ada.id]},
        headers=h_cy,
    )
    assert made.status_code == 200
    assert [(a["reviewer_id"], a["position"]) for a in made.json()] == [(ada.id, 1), (ben.id, 2)]
    again = _assign(client, story.id, [ada, ben], h_cy)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_assigned"


def test_staff_cannot_assign_double_coding(client, session, somerset, staff, coders):
    (ada, ben, _cy), _headers = coders
    story, _ = suggested_story(session, somerset, staff)
    answer = _assign(client, story.id, [ada, ben], token_headers(session, staff))
    assert answer.status_code == 403


def test_an_admin_needs_a_reviewer_grant_to_code(client, session, somerset, staff):
    admin = make_user(session, roles=["admin"], name="Ari Admin")
    story, _ = suggested_story(session, somerset, staff)
    answer = client.post(
        f"{API}/stories/{story.id}/codes",
        json={"code_key": "wellbeing"},
        headers=token_headers(session, admin),
    )
    assert answer.status_code == 403
