"""The stories API: drafts, consent, submit, withdraw, reading and listing, bad input."""

from __future__ import annotations

from sqlmodel import func, select

from storybank.models import AuditChange, AuditEvent, Story
from tests.builders import COMPLETE_STORY, make_site, make_story, make_user, token_headers


def _draft(client, headers, site, **fields):
    response = client.post("/api/v1/stories", json={"site_id": site.id, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _story_count(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Story)).one()


def _problem_fields(response) -> set[str]:
    return {p["field"] for p in response.json()["error"]["problems"]}


def test_create_draft_records_author_site_and_audit_event(
    client, session, headers, somerset, staff
):
    story = _draft(client, headers, somerset, title="A first draft")
    assert story["status"] == "draft"
    assert story["version"] == 1
    assert story["author_name"] == "Sam Staff"
    assert story["site_name"] == "Somerset"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "story.create")).one()
    assert event.actor_id == staff.id
    assert event.entity_id == str(story["id"])
    assert "A first draft" not in str(event.details), "audit details must hold no story text"


def test_draft_with_bad_fields_is_rejected_naming_each_field(client, session, headers, somerset):
    response = client.post(
        "/api/v1/stories",
        headers=headers,
        json={
            "site_id": somerset.id,
            "perspective": "martian",
            "change_date": "2999-01-01",
            "title": "x" * 201,
            "weekly_cost_before": -5,
            "colour": "blue",
        },
    )
    assert response.status_code == 422
    assert _problem_fields(response) == {
        "perspective",
        "change_date",
        "title",
        "weekly_cost_before",
        "colour",
    }
    assert _story_count(session) == 0


def test_draft_without_site_is_rejected(client, headers):
    response = client.post("/api/v1/stories", json={"title": "No site"}, headers=headers)
    assert response.status_code == 422
    assert _problem_fields(response) == {"site_id"}


def test_malformed_json_is_a_clear_422(client, headers):
    response = client.post(
        "/api/v1/stories",
        content=b"{not json",
        headers={**headers, "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_oversized_body_is_refused_with_413_and_writes_nothing(client, session, headers, somerset):
    response = client.post(
        "/api/v1/stories",
        headers=headers,
        json={"site_id": somerset.id, "what_happened": "word " * 300_000},
    )
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["error"]["message"]
    assert _story_count(session) == 0


def test_requests_without_a_valid_token_are_401(client, somerset):
    assert client.get("/api/v1/stories").status_code == 401
    response = client.get("/api/v1/stories", headers={"Authorization": "Bearer sbk_nope"})
    assert response.status_code == 401
    assert "token" in response.json()["error"]["message"]


def test_staff_cannot_write_a_story_for_another_site(client, session, headers):
    leeds = make_site(session, "Leeds")
    response = client.post("/api/v1/stories", json={"site_id": leeds.id}, headers=headers)
    assert response.status_code == 403
    assert _story_count(session) == 0


def test_unknown_site_and_story_are_404(client, headers):
    assert (
        client.post("/api/v1/stories", json={"site_id": 9999}, headers=headers).status_code == 404
    )
    response = client.get("/api/v1/stories/9999", headers=headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_stale_version_is_a_conflict_and_keeps_the_first_edit(client, headers, somerset):
    story = _draft(client, headers, somerset, title="Original")
    first = client.patch(
        f"/api/v1/stories/{story['id']}",
        headers=headers,
        json={"version": 1, "title": "First editor"},
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    second = client.patch(
        f"/api/v1/stories/{story['id']}",
        headers=headers,
        json={"version": 1, "title": "Second editor"},
    )
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "stale_version"
    current = client.get(f"/api/v1/stories/{story['id']}", headers=headers).json()
    assert current["title"] == "First editor"


def test_edit_records_before_and_after_apart_from_the_event(client, session, headers, somerset):
    story = _draft(client, headers, somerset, title="Before title")
    client.patch(
        f"/api/v1/stories/{story['id']}",
        headers=headers,
        json={"version": 1, "title": "After title"},
    )
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "story.update")).one()
    assert event.details == {"fields": ["title"]}
    change = session.exec(select(AuditChange).where(AuditChange.event_id == event.id)).one()
    assert (change.before, change.after) == ({"title": "Before title"}, {"title": "After title"})


def test_submit_without_consent_is_rejected(client, session, headers, somerset):
    story = _draft(client, headers, somerset, **COMPLETE_STORY)
    response = client.post(
        f"/api/v1/stories/{story['id']}/submit", headers=headers, json={"version": 1}
    )
    assert response.status_code == 422
    assert _problem_fields(response) == {"consent_level"}
    assert client.get(f"/api/v1/stories/{story['id']}", headers=headers).json()["status"] == (
        "draft"
    )


def test_submit_names_every_missing_field_and_records_nothing(client, session, headers, somerset):
    story = _draft(client, headers, somerset, title="Half written")
    response = client.post(
        f"/api/v1/stories/{story['id']}/submit",
        headers=headers,
        json={"version": 1, "consent_level": "site_only"},
    )
    assert response.status_code == 422
    assert _problem_fields(response) == {
        "perspective",
        "contact_route",
        "what_happened",
        "what_changed",
        "why_significant",
        "story_type",
        "change_date",
    }
    current = client.get(f"/api/v1/stories/{story['id']}", headers=headers).json()
    assert current["consent_level"] is None, "a failed submit must not record consent"
    assert current["version"] == 1


def test_submit_with_consent_then_submit_again_conflicts(client, headers, staff, somerset):
    story = _draft(client, headers, somerset, **COMPLETE_STORY)
    response = client.post(
        f"/api/v1/stories/{story['id']}/submit",
        headers=headers,
        json={"version": 1, "consent_level": "programme_anonymised"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "submitted"
    assert body["consent_level"] == "programme_anonymised"
    assert body["consent_recorded_by_id"] == staff.id
    assert body["submitted_at"] is not None
    again = client.post(
        f"/api/v1/stories/{story['id']}/submit", headers=headers, json={"version": body["version"]}
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "wrong_status"


def test_consent_endpoint_records_level_and_submitted_story_cannot_be_edited(
    client, headers, somerset
):
    story = _draft(client, headers, somerset, **COMPLETE_STORY)
    consent = client.put(
        f"/api/v1/stories/{story['id']}/consent",
        headers=headers,
        json={"level": "site_only", "version": 1},
    )
    assert consent.status_code == 200
    assert consent.json()["consent_level"] == "site_only"
    assert consent.json()["consent_recorded_at"] is not None
    submitted = client.post(
        f"/api/v1/stories/{story['id']}/submit",
        headers=headers,
        json={"version": consent.json()["version"]},
    )
    assert submitted.status_code == 200
    edit = client.patch(
        f"/api/v1/stories/{story['id']}",
        headers=headers,
        json={"version": submitted.json()["version"], "title": "Changed"},
    )
    assert edit.status_code == 409
    error = edit.json()["error"]
    assert error["code"] == "not_editable"
    assert "submitted stories cannot be edited" in error["message"]
    assert "withdraw it" in error["message"] and "ask an admin" in error["message"]


def test_withdraw_then_withdraw_again_conflicts(client, headers, somerset):
    story = _draft(client, headers, somerset, title="To withdraw")
    response = client.post(
        f"/api/v1/stories/{story['id']}/withdraw",
        headers=headers,
        json={"version": 1, "reason": "Person asked us to"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    again = client.post(
        f"/api/v1/stories/{story['id']}/withdraw", headers=headers, json={"version": 2}
    )
    assert again.status_code == 409


def test_list_filters_search_and_paginates_with_a_total(client, session, headers, staff, somerset):
    make_story(
        session,
        site=somerset,
        author=staff,
        title="Hub visit",
        change_date="2025-02-01",
        what_happened="She came to the café hub on market day.",
    )
    make_story(
        session,
        site=somerset,
        author=staff,
        title="Carer break",
        story_type="learning",
        perspective="family_carer",
        contact_route="gp_health",
        change_date="2025-06-01",
    )
    make_story(
        session,
        site=somerset,
        author=staff,
        title="Draft one",
        status="draft",
        change_date="2025-09-01",
    )

    def titles(**params):
        response = client.get("/api/v1/stories", params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        return body["total"], sorted(item["title"] for item in body["items"])

    assert titles() == (3, ["Carer break", "Draft one", "Hub visit"])
    assert titles(status="draft") == (1, ["Draft one"])
    assert titles(story_type="learning") == (1, ["Carer break"])
    assert titles(perspective="family_carer", contact_route="gp_health") == (1, ["Carer break"])
    assert titles(date_from="2025-05-01", date_to="2025-07-01") == (1, ["Carer break"])
    assert titles(q="CAFÉ market") == (1, ["Hub visit"])
    assert titles(q="100%_") == (0, [])
    page = client.get(
        "/api/v1/stories", params={"limit": 2, "offset": 2, "sort": "title"}, headers=headers
    ).json()
    assert (page["total"], [i["title"] for i in page["items"]]) == (3, ["Hub visit"])
    bad = client.get("/api/v1/stories", params={"limit": 0, "status": "lost"}, headers=headers)
    assert bad.status_code == 422
    assert _problem_fields(bad) == {"limit", "status"}


def test_list_shows_only_what_each_role_may_read(client, session, staff, somerset):
    leeds = make_site(session, "Leeds")
    make_story(
        session, site=somerset, author=staff, title="Site only story", consent_level="site_only"
    )
    make_story(session, site=somerset, author=staff, title="Shareable story")
    make_story(session, site=somerset, author=staff, title="Somerset draft", status="draft")
    other_author = make_user(session, roles=["staff"], sites=[leeds])
    make_story(session, site=leeds, author=other_author, title="Leeds story")
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset, leeds])
    reviewer = make_user(session, roles=["reviewer"], sites=[somerset])

    def visible(user):
        response = client.get("/api/v1/stories", headers=token_headers(session, user))
        return sorted(item["title"] for item in response.json()["items"])

    assert visible(staff) == ["Shareable story", "Site only story", "Somerset draft"]
    assert visible(reviewer) == ["Shareable story", "Site only story"]
    assert visible(evaluator) == ["[redacted] Leeds story", "[redacted] Shareable story"]


def test_codebook_lists_six_outcomes_then_twenty_themes(client, headers):
    response = client.get("/api/v1/codebook", headers=headers)
    assert response.status_code == 200
    codes = response.json()
    assert [c["number"] for c in codes[:6]] == [1, 2, 3, 4, 5, 6]
    assert len([c for c in codes if c["kind"] == "theme"]) == 20
    assert {"community_hub", "learning_from_failure"} <= {c["key"] for c in codes}


def test_consent_on_a_withdrawn_story_is_a_conflict_and_same_level_changes_nothing(
    client, session, headers, somerset
):
    story = _draft(client, headers, somerset, **COMPLETE_STORY)
    first = client.put(
        f"/api/v1/stories/{story['id']}/consent",
        headers=headers,
        json={"level": "site_only", "version": 1},
    ).json()
    same = client.put(
        f"/api/v1/stories/{story['id']}/consent",
        headers=headers,
        json={"level": "site_only", "version": first["version"]},
    )
    assert same.status_code == 200
    assert same.json()["version"] == first["version"]
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "story.consent")).all()
    assert len(events) == 1
    stale = client.put(
        f"/api/v1/stories/{story['id']}/consent",
        headers=headers,
        json={"level": "site_only", "version": 1},
    )
    assert stale.status_code == 409
    client.post(
        f"/api/v1/stories/{story['id']}/withdraw",
        headers=headers,
        json={"version": first["version"]},
    )
    after = client.put(
        f"/api/v1/stories/{story['id']}/consent",
        headers=headers,
        json={"level": "publishable_anonymised", "version": first["version"] + 1},
    )
    assert after.status_code == 409
    assert after.json()["error"]["code"] == "wrong_status"
