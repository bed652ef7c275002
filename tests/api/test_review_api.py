"""The review API: suggestions on submit, the queue, accept / reject / add / finish, and
the answers to bad, unauthorised and conflicting requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from storybank.models import Code, Coding, Suggestion, SuggestionRun, utcnow
from storybank.review import decision_counts, decisions_since
from tests.builders import make_story, token_headers
from tests.review_builders import installed, make_reviewer, suggest_now, suggested_story
from tests.suggesters import PhraseSuggester

API = "/api/v1/review"


@pytest.fixture
def reviewer(session, somerset):
    return make_reviewer(session, somerset)


@pytest.fixture
def rheaders(session, reviewer):
    return token_headers(session, reviewer)


def _by_key(review: dict) -> dict:
    return {s["code_key"]: s for s in review["suggestions"]}


def test_submitting_a_story_stores_suggestions_with_evidence_offsets(
    client, session, somerset, staff, headers, rheaders
):
    draft = make_story(session, site=somerset, author=staff, status="draft")
    suggester = PhraseSuggester()
    with installed(suggester):
        sent = client.post(
            f"/api/v1/stories/{draft.id}/submit", json={"version": 1}, headers=headers
        )
    assert sent.status_code == 200, sent.text
    review = client.get(f"{API}/stories/{draft.id}", headers=rheaders).json()
    assert review["suggestions_state"] == "ready"
    hub = _by_key(review)["community_hub"]
    assert hub["confidence"] == 0.91 and hub["model_version"] == "test-1"
    [evidence] = hub["evidence"]
    assert evidence["field"] == "what_happened"
    text = draft.what_happened or ""
    assert text[evidence["start"] : evidence["end"]] == "library hub" == evidence["text"]
    # The model was given the structured signals as well as the text.
    assert suggester.asked[0].contact_route == "hub_walk_in"
    assert suggester.asked[0].story_type == "success"


def test_without_a_model_suggestions_are_not_available_and_nothing_fails(
    client, session, somerset, staff, headers, rheaders
):
    draft = make_story(session, site=somerset, author=staff, status="draft")
    sent = client.post(f"/api/v1/stories/{draft.id}/submit", json={"version": 1}, headers=headers)
    assert sent.status_code == 200
    review = client.get(f"{API}/stories/{draft.id}", headers=rheaders).json()
    assert review["suggestions_state"] == "no_model"
    assert review["suggestions"] == []


def test_the_queue_lists_stories_awaiting_the_reviewer_oldest_first(
    client, session, somerset, derby, staff, rheaders, reviewer
):
    now = utcnow()
    newer = make_story(session, site=somerset, author=staff, title="Newer", submitted_at=now)
    older = make_story(
        session, site=somerset, author=staff, title="Older", submitted_at=now - timedelta(days=3)
    )
    coded = make_story(session, site=somerset, author=staff, title="Coded on import")
    session.add(Coding(story_id=coded.id, code_id=1, coder_id=staff.id))
    make_story(session, site=somerset, author=staff, title="A draft", status="draft")
    make_story(session, site=derby, author=staff, title="Another site")
    session.commit()
    queue = client.get(f"{API}/queue", headers=rheaders)
    assert queue.status_code == 200
    assert [item["title"] for item in queue.json()] == ["Older", "Newer"]
    client.post(f"{API}/stories/{older.id}/finish", headers=rheaders)
    assert [i["story_id"] for i in client.get(f"{API}/queue", headers=rheaders).json()] == [
        newer.id
    ]


def test_accepting_records_who_which_suggestion_model_and_confidence(
    client, session, somerset, staff, reviewer, rheaders
):
    story, made = suggested_story(session, somerset, staff)
    hub = next(s for s in made if s.confidence == 0.91)
    url = f"{API}/stories/{story.id}/suggestions/{hub.id}/decision"
    first = client.put(url, json={"decision": "accepted"}, headers=rheaders)
    again = client.put(url, json={"decision": "accepted"}, headers=rheaders)
    assert first.status_code == again.status_code == 200
    assert first.json()["decided_at"] == again.json()["decided_at"]  # idempotent
    [coding] = session.exec(select(Coding).where(Coding.story_id == story.id)).all()
    assert (coding.coder_id, coding.suggestion_id) == (reviewer.id, hub.id)
    assert (coding.model_version, coding.confidence, coding.source) == ("test-1", 0.91, "suggested")


def test_changing_a_decision_before_finishing_replaces_it(
    client, session, somerset, staff, rheaders
):
    story, made = suggested_story(session, somerset, staff)
    url = f"{API}/stories/{story.id}/suggestions/{made[0].id}/decision"
    client.put(url, json={"decision": "accepted"}, headers=rheaders)
    changed = client.put(url, json={"decision": "rejected"}, headers=rheaders)
    assert changed.json()["decision"] == "rejected"
    review = client.get(f"{API}/stories/{story.id}", headers=rheaders).json()
    assert review["my_codes"] == []


def test_finishing_makes_the_codes_final_and_settles_every_suggestion(
    client, session, somerset, staff, headers, rheaders
):
    story, made = suggested_story(session, somerset, staff)
    keep = next(s for s in made if s.confidence == 0.91)
    client.put(
        f"{API}/stories/{story.id}/suggestions/{keep.id}/decision",
        json={"decision": "accepted"},
        headers=rheaders,
    )
    added = client.post(
        f"{API}/stories/{story.id}/codes", json={"code_key": "outcome_1"}, headers=rheaders
    )
    assert added.status_code == 201
    assert client.get(f"/api/v1/stories/{story.id}", headers=headers).json()["codes"] == []
    done = client.post(f"{API}/stories/{story.id}/finish", headers=rheaders)
    assert done.status_code == 200 and done.json()["finished_at"]
    codes = client.get(f"/api/v1/stories/{story.id}", headers=headers).json()["codes"]
    assert [c["key"] for c in codes] == ["outcome_1", "community_hub"]
    session.expire_all()
    states = {s.id: s.state for s in session.exec(select(Suggestion)).all()}
    assert states[keep.id] == "accepted"
    assert sorted(states.values()) == ["accepted", "rejected", "rejected", "rejected"]
    late = client.put(
        f"{API}/stories/{story.id}/suggestions/{keep.id}/decision",
        json={"decision": "rejected"},
        headers=rheaders,
    )
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "suggestion_settled"
    again = client.post(f"{API}/stories/{story.id}/finish", headers=rheaders)
    assert again.status_code == 409 and again.json()["error"]["code"] == "review_finished"


def test_a_newer_models_suggestions_supersede_undecided_ones(
    client, session, somerset, staff, rheaders
):
    story, old = suggested_story(session, somerset, staff)
    decided, stale = old[0], old[1]
    client.put(
        f"{API}/stories/{story.id}/suggestions/{decided.id}/decision",
        json={"decision": "accepted"},
        headers=rheaders,
    )
    suggest_now(session, story, PhraseSuggester("test-2", {"wellbeing": ("friends", 0.7)}))
    answer = client.put(
        f"{API}/stories/{story.id}/suggestions/{stale.id}/decision",
        json={"decision": "accepted"},
        headers=rheaders,
    )
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "suggestion_superseded"
    review = client.get(f"{API}/stories/{story.id}", headers=rheaders).json()
    shown = {(s["code_key"], s["model_version"]) for s in review["suggestions"]}
    # The decided one stays; the undecided old ones give way to the new model's.
    assert shown == {(decided_key(session, decided), "test-1"), ("wellbeing", "test-2")}


def decided_key(session, suggestion) -> str:
    return session.get(Code, suggestion.code_id).key


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"code_key": "no_such_code"}, 404),
        ({"code_key": "Not A Key!"}, 422),
        ({"code_key": "x" * 65}, 422),
        ({"code_key": "outcome_1", "extra": 1}, 422),
        ({}, 422),
    ],
)
def test_adding_a_bad_code_is_refused_and_writes_nothing(
    client, session, somerset, staff, rheaders, body, status
):
    story = make_story(session, site=somerset, author=staff)
    answer = client.post(f"{API}/stories/{story.id}/codes", json=body, headers=rheaders)
    assert answer.status_code == status, answer.text
    assert session.exec(select(Coding)).all() == []


def test_adding_the_same_code_twice_is_a_conflict(client, session, somerset, staff, rheaders):
    story = make_story(session, site=somerset, author=staff)
    url = f"{API}/stories/{story.id}/codes"
    assert client.post(url, json={"code_key": "wellbeing"}, headers=rheaders).status_code == 201
    again = client.post(url, json={"code_key": "wellbeing"}, headers=rheaders)
    assert again.status_code == 409 and again.json()["error"]["code"] == "code_already_applied"
    removed = client.delete(f"{url}/wellbeing", headers=rheaders)
    assert removed.status_code == 204
    assert client.delete(f"{url}/wellbeing", headers=rheaders).status_code == 204


def test_a_bad_decision_value_is_refused(client, session, somerset, staff, rheaders):
    story, made = suggested_story(session, somerset, staff)
    url = f"{API}/stories/{story.id}/suggestions/{made[0].id}/decision"
    assert client.put(url, json={"decision": "maybe"}, headers=rheaders).status_code == 422
    other = f"{API}/stories/{story.id}/suggestions/999999/decision"
    assert client.put(other, json={"decision": "accepted"}, headers=rheaders).status_code == 404


def test_only_reviewers_of_the_site_code_its_stories(
    client, session, somerset, derby, staff, headers
):
    story, _made = suggested_story(session, somerset, staff)
    elsewhere = token_headers(session, make_reviewer(session, derby, "Dev Derby"))
    url = f"{API}/stories/{story.id}/codes"
    staff_try = client.post(url, json={"code_key": "wellbeing"}, headers=headers)
    assert staff_try.status_code == 403
    assert staff_try.json()["error"]["code"] == "not_a_reviewer"
    assert client.post(url, json={"code_key": "wellbeing"}, headers=elsewhere).status_code == 404
    assert client.post(url, json={"code_key": "wellbeing"}).status_code == 401
    assert session.exec(select(Coding)).all() == []


def test_a_draft_is_not_coded(client, session, somerset, staff, rheaders):
    draft = make_story(session, site=somerset, author=staff, status="draft")
    answer = client.post(f"{API}/stories/{draft.id}/finish", headers=rheaders)
    assert answer.status_code in (404, 409)


def test_decisions_are_counted_for_the_learning_loop(client, session, somerset, staff, rheaders):
    before = utcnow()
    story, made = suggested_story(session, somerset, staff)
    hub = next(s for s in made if s.confidence == 0.91)
    client.put(
        f"{API}/stories/{story.id}/suggestions/{hub.id}/decision",
        json={"decision": "accepted"},
        headers=rheaders,
    )
    client.post(f"{API}/stories/{story.id}/codes", json={"code_key": "wellbeing"}, headers=rheaders)
    client.post(f"{API}/stories/{story.id}/finish", headers=rheaders)
    # One accepted, three left undecided (counted as rejected), one code added by hand.
    assert decisions_since(session=session, since=before) == 5
    assert decisions_since(session=session, since=utcnow()) == 0
    counts = {c.code_key: c for c in decision_counts(session=session, model_version="test-1")}
    assert (counts["community_hub"].accepted, counts["community_hub"].rejected) == (1, 0)
    assert counts["community_hub"].acceptance_rate == 1.0
    assert counts["quick_response"].acceptance_rate == 0.0


def test_a_pending_run_is_shown_as_pending(client, session, somerset, staff, rheaders):
    story = make_story(session, site=somerset, author=staff)
    session.add(SuggestionRun(story_id=story.id))
    session.commit()
    review = client.get(f"{API}/stories/{story.id}", headers=rheaders).json()
    assert review["suggestions_state"] == "pending"


def test_erasing_a_story_removes_its_suggestions_and_review_records(
    client, session, somerset, staff, reviewer, rheaders
):
    from storybank.models import SuggestionDecision
    from tests.builders import make_user

    story, made = suggested_story(session, somerset, staff)
    client.put(
        f"{API}/stories/{story.id}/suggestions/{made[0].id}/decision",
        json={"decision": "accepted"},
        headers=rheaders,
    )
    admin = token_headers(session, make_user(session, roles=["admin"], name="Ari Admin"))
    erased = client.post(
        f"/api/v1/privacy/stories/{story.id}/erase", json={"reason": "request ref 9"}, headers=admin
    )
    assert erased.status_code == 200, erased.text
    session.expire_all()
    for table in (Suggestion, SuggestionDecision, SuggestionRun, Coding):
        assert session.exec(select(table)).all() == [], table
