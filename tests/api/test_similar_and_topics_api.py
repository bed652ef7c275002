"""Similar stories, near duplicates on submit, and topics through the API."""

from __future__ import annotations

from tests.builders import make_story, make_user, token_headers
from tests.nlp.stories_for_topics import DEBT, LUNCH, TELECARE
from tests.storybank.test_similar_stories import HUB, OTHER, RETOLD, _story


def test_a_story_s_similar_stories(client, session, somerset, staff, headers):
    first = _story(session, somerset, staff, HUB)
    retold = _story(session, somerset, staff, RETOLD)
    _story(session, somerset, staff, OTHER)

    answer = client.get(f"/api/v1/stories/{first.id}/similar", headers=headers)

    assert answer.status_code == 200
    assert answer.json()[0]["id"] == retold.id
    assert set(answer.json()[0]) == {"id", "title", "site_id", "site_name", "score", "text_version"}
    assert len(answer.json()) <= 5


def test_a_story_the_reader_cannot_see_is_404(client, session, derby, headers):
    derby_staff = make_user(session, roles=["staff"], sites=[derby])
    theirs = _story(session, derby, derby_staff, HUB, consent_level="site_only")
    assert client.get(f"/api/v1/stories/{theirs.id}/similar", headers=headers).status_code == 404
    answer = client.get(f"/api/v1/stories/{theirs.id}/near-duplicates", headers=headers)
    assert answer.status_code == 404


def test_submitting_a_story_told_again_returns_its_near_duplicates(
    client, session, somerset, staff, headers
):
    submitted = _story(session, somerset, staff, HUB)
    draft = _story(session, somerset, staff, RETOLD, status="draft", consent_level=None)

    before = client.get(f"/api/v1/stories/{draft.id}/near-duplicates", headers=headers)
    answer = client.post(
        f"/api/v1/stories/{draft.id}/submit",
        json={"version": 1, "consent_level": "site_only"},
        headers=headers,
    )

    assert [s["id"] for s in before.json()] == [submitted.id]
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "submitted"
    assert [s["id"] for s in answer.json()["near_duplicates"]] == [submitted.id]


def test_a_new_story_has_no_near_duplicates_on_submit(client, session, somerset, staff, headers):
    _story(session, somerset, staff, HUB)
    draft = _story(session, somerset, staff, OTHER, status="draft", consent_level=None)
    answer = client.post(
        f"/api/v1/stories/{draft.id}/submit",
        json={"version": 1, "consent_level": "site_only"},
        headers=headers,
    )
    assert answer.status_code == 200 and answer.json()["near_duplicates"] == []


def test_topics_of_the_stories_the_reader_may_read(client, session, somerset, staff, headers):
    for n, text in enumerate(LUNCH + TELECARE + DEBT):
        make_story(session, site=somerset, author=staff, title=f"Story {n}", what_happened=text)

    answer = client.get(f"/api/v1/topics?unit_id={somerset.id}&n_topics=3", headers=headers)

    assert answer.status_code == 200
    body = answer.json()
    assert body["stories"] == 12 and len(body["topics"]) == 3
    topic = body["topics"][0]
    assert {"number", "terms", "share", "story_count", "examples", "proposal"} <= set(topic)
    assert topic["examples"][0]["title"].startswith("Story")


def test_bad_topic_filters_are_422(client, session, headers):
    assert client.get("/api/v1/topics?n_topics=0", headers=headers).status_code == 422
    assert client.get("/api/v1/topics?n_topics=99", headers=headers).status_code == 422
    assert client.get("/api/v1/topics?date_from=soon", headers=headers).status_code == 422
    unknown = client.get("/api/v1/topics?unit_id=987654", headers=headers)
    assert unknown.status_code == 422 and "unit" in unknown.text


def test_an_evaluator_sees_topics_only_from_shared_deidentified_text(client, session, somerset):
    staff = make_user(session, roles=["staff"], sites=[somerset])
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset])
    for n, text in enumerate(LUNCH + TELECARE):
        make_story(session, site=somerset, author=staff, title=f"Story {n}", what_happened=text)
    for n, text in enumerate(DEBT):
        kept = {"title": f"Kept {n}", "what_happened": text, "consent_level": "site_only"}
        make_story(session, site=somerset, author=staff, **kept)
    answer = client.get("/api/v1/topics?n_topics=3", headers=token_headers(session, evaluator))
    assert answer.json()["stories"] == 8
    assert not any("arrear" in t for topic in answer.json()["topics"] for t in topic["terms"])
