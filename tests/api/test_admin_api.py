"""Accounts, tokens, admin user management, audit browsing, privacy duties, consent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from storybank.models import AuditChange, AuditEvent, Coding, Story, Unit, utcnow
from tests.builders import make_site, make_story, make_user, token_headers


@pytest.fixture
def site(session):
    return make_site(session, "Derby")


@pytest.fixture
def admin(session):
    return make_user(session, roles=["admin"], name="Ada Admin")


@pytest.fixture
def admin_headers(session, admin):
    return token_headers(session, admin)


def test_token_is_shown_once_works_and_stops_working_when_revoked(client, session, site):
    staff = make_user(session, roles=["staff"], sites=[site])
    headers = token_headers(session, staff)
    created = client.post("/api/v1/tokens", json={"name": "my script", "days": 7}, headers=headers)
    assert created.status_code == 201
    raw = created.json()["token"]
    assert raw.startswith("sbk_")
    listed = client.get("/api/v1/tokens", headers=headers).json()
    assert all("token" not in item for item in listed)
    mine = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/me", headers=mine).json()["roles"] == ["staff"]
    revoked = client.delete(f"/api/v1/tokens/{created.json()['id']}", headers=headers)
    assert revoked.status_code == 200
    assert client.get("/api/v1/me", headers=mine).status_code == 401


def test_expired_token_is_refused(client, session, site):
    staff = make_user(session, roles=["staff"], sites=[site])
    headers = token_headers(session, staff)
    from storybank.models import ApiToken

    assert client.get("/api/v1/me", headers=headers).status_code == 200, "works until it expires"
    token = session.exec(select(ApiToken)).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    session.add(token)
    session.commit()
    refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == "That API token is unknown, expired or revoked."


def test_bad_token_requests_are_422(client, session, site):
    headers = token_headers(session, make_user(session, roles=["staff"], sites=[site]))
    response = client.post("/api/v1/tokens", json={"name": "", "days": 999}, headers=headers)
    assert response.status_code == 422
    assert {p["field"] for p in response.json()["error"]["problems"]} == {"name", "days"}


def test_admin_adds_user_changes_grants_and_disables_them(client, session, site, admin_headers):
    leeds = make_site(session, "Leeds")
    created = client.post(
        "/api/v1/users",
        headers=admin_headers,
        json={
            "email": "New.Person@Example.org",
            "display_name": "New Person",
            "password": "a long enough password",
            "grants": [{"role": "reviewer", "unit_id": site.id}],
        },
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert (user["email"], user["grants"]) == (
        "new.person@example.org",
        [{"role": "reviewer", "unit_id": site.id}],
    )
    duplicate = client.post(
        "/api/v1/users",
        headers=admin_headers,
        json={
            "email": "new.person@example.org",
            "display_name": "Again",
            "password": "a long enough password",
            "grants": [{"role": "staff", "unit_id": site.id}],
        },
    )
    assert duplicate.status_code == 409
    changed = client.patch(
        f"/api/v1/users/{user['id']}",
        headers=admin_headers,
        json={
            "grants": [
                {"role": "reviewer", "unit_id": site.id},
                {"role": "evaluator", "unit_id": leeds.id},
            ]
        },
    )
    assert changed.status_code == 200
    assert changed.json()["grants"] == [
        {"role": "evaluator", "unit_id": leeds.id},
        {"role": "reviewer", "unit_id": site.id},
    ]
    added = client.post(
        f"/api/v1/users/{user['id']}/grants",
        headers=admin_headers,
        json={"role": "staff", "unit_id": leeds.id},
    )
    assert added.status_code == 201
    again = client.post(
        f"/api/v1/users/{user['id']}/grants",
        headers=admin_headers,
        json={"role": "staff", "unit_id": leeds.id},
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate_grant"
    revoked = client.delete(
        f"/api/v1/users/{user['id']}/grants/evaluator/{leeds.id}", headers=admin_headers
    )
    assert revoked.status_code == 200
    assert {"role": "evaluator", "unit_id": leeds.id} not in revoked.json()["grants"]
    bad = client.patch(
        f"/api/v1/users/{user['id']}",
        headers=admin_headers,
        json={"grants": [{"role": "wizard", "unit_id": 99999}]},
    )
    assert bad.status_code == 422
    unknown_unit = client.patch(
        f"/api/v1/users/{user['id']}",
        headers=admin_headers,
        json={"grants": [{"role": "staff", "unit_id": 99999}]},
    )
    assert unknown_unit.status_code == 422
    assert "unknown: [99999]" in unknown_unit.json()["error"]["message"]
    from storybank.models import User

    person = session.get(User, user["id"])
    person_headers = token_headers(session, person)
    disabled = client.patch(
        f"/api/v1/users/{user['id']}", headers=admin_headers, json={"is_active": False}
    )
    assert disabled.json()["is_active"] is False
    assert client.get("/api/v1/me", headers=person_headers).status_code == 401


def test_a_refused_user_change_writes_nothing(client, session, site, admin, admin_headers):
    # Grants and a refused self-disable in one request: nothing of it is saved.
    before = client.get("/api/v1/users", headers=admin_headers).json()
    response = client.patch(
        f"/api/v1/users/{admin.id}",
        headers=admin_headers,
        json={
            "grants": [{"role": "admin", "unit_id": 1}, {"role": "staff", "unit_id": site.id}],
            "is_active": False,
        },
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "self_disable"
    assert client.get("/api/v1/users", headers=admin_headers).json() == before
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "user.grants")).all()
    assert events == []


def test_admin_role_is_granted_only_at_the_top_unit(client, session, site, admin_headers):
    response = client.post(
        "/api/v1/users",
        headers=admin_headers,
        json={
            "email": "site.admin@example.org",
            "display_name": "Site Admin",
            "password": "a long enough password",
            "grants": [{"role": "admin", "unit_id": site.id}],
        },
    )
    assert response.status_code == 422
    assert "grant it at the top unit" in response.json()["error"]["message"]


def test_non_admins_cannot_manage_users_or_read_the_audit_log(client, session, site):
    for role in ("staff", "reviewer", "evaluator", "facilitator", "panel_member"):
        headers = token_headers(session, make_user(session, roles=[role], sites=[site]))
        users = client.get("/api/v1/users", headers=headers)
        assert users.status_code == 403
        assert users.json()["error"] == {
            "code": "forbidden",
            "message": "This needs the admin role.",
            "problems": [],
        }
        assert client.get("/api/v1/audit", headers=headers).status_code == 403
        unit = {"name": "X", "level": "site"}
        assert client.post("/api/v1/units", json=unit, headers=headers).status_code == 403
    assert session.exec(select(Unit).where(Unit.name == "X")).all() == [], "no unit was added"


def test_audit_log_is_filterable_exportable_and_has_no_write_endpoint(
    client, session, site, admin, admin_headers
):
    client.post("/api/v1/units", json={"name": "Leeds", "level": "site"}, headers=admin_headers)
    page = client.get(
        "/api/v1/audit", params={"action": "unit.create"}, headers=admin_headers
    ).json()
    assert page["total"] == 1
    assert page["items"][0]["actor"] == "Ada Admin"
    assert page["items"][0]["details"] == {"name": "Leeds", "level": "site", "parent_id": None}
    export = client.get(
        "/api/v1/audit/export.csv", params={"action": "unit.create"}, headers=admin_headers
    )
    assert export.status_code == 200
    lines = export.text.strip().splitlines()
    assert lines[0].startswith("id,at,actor_id,actor,action")
    assert len(lines) == 2 and "unit.create" in lines[1]
    event_id = page["items"][0]["id"]
    for method in ("put", "patch", "delete"):
        response = client.request(method, f"/api/v1/audit/{event_id}", headers=admin_headers)
        assert response.status_code in (404, 405)


def test_narrowing_consent_hides_the_story_from_evaluators_at_once(client, session, site):
    staff = make_user(session, roles=["staff"], sites=[site])
    evaluator = make_user(session, roles=["evaluator"], sites=[site])
    story = make_story(session, site=site, author=staff, title="Shared story")
    evaluator_headers = token_headers(session, evaluator)
    assert client.get(f"/api/v1/stories/{story.id}", headers=evaluator_headers).status_code == 200
    response = client.put(
        f"/api/v1/stories/{story.id}/consent",
        headers=token_headers(session, staff),
        json={"level": "site_only", "version": story.version},
    )
    assert response.status_code == 200
    assert client.get(f"/api/v1/stories/{story.id}", headers=evaluator_headers).status_code == 404
    listed = client.get("/api/v1/stories", headers=evaluator_headers).json()
    assert listed["total"] == 0
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "story.consent")).one()
    assert event.details == {"from": "programme_anonymised", "to": "site_only"}


def test_subject_export_and_erasure_leave_a_tombstone_and_no_text(
    client, session, site, admin_headers
):
    staff = make_user(session, roles=["staff"], sites=[site], name="Writer")
    staff_headers = token_headers(session, staff)
    draft = client.post(
        "/api/v1/stories",
        headers=staff_headers,
        json={"site_id": site.id, "title": "Private title", "what_happened": "Mrs Q moved flat."},
    ).json()
    client.patch(
        f"/api/v1/stories/{draft['id']}",
        headers=staff_headers,
        json={"version": 1, "what_happened": "Mrs Q moved to a new flat."},
    )
    exported = client.get(f"/api/v1/privacy/stories/{draft['id']}", headers=admin_headers)
    assert exported.status_code == 200
    assert exported.headers["content-disposition"] == (
        f'attachment; filename="storybank-story-{draft["id"]}.json"'
    )
    data = exported.json()
    assert data["story"]["title"] == "Private title"
    assert [e["action"] for e in data["audit"]] == [
        "story.create",
        "story.update",
        "privacy.export_story",
    ]
    person = client.get(f"/api/v1/privacy/users/{staff.id}", headers=admin_headers).json()
    assert person["account"]["email"] == staff.email
    assert "password_hash" not in person["account"]
    assert [s["id"] for s in person["stories_written"]] == [draft["id"]]

    no_reason = client.post(
        f"/api/v1/privacy/stories/{draft['id']}/erase", headers=admin_headers, json={"reason": ""}
    )
    assert no_reason.status_code == 422
    erased = client.post(
        f"/api/v1/privacy/stories/{draft['id']}/erase",
        headers=admin_headers,
        json={"reason": "erasure request ref 41"},
    )
    assert erased.status_code == 200
    session.expire_all()
    story = session.get(Story, draft["id"])
    assert story.what_happened == "" and story.title == "[erased]"
    assert session.exec(select(AuditChange).where(AuditChange.story_id == story.id)).all() == []
    assert session.exec(select(Coding).where(Coding.story_id == story.id)).all() == []
    tombstone = session.exec(select(AuditEvent).where(AuditEvent.action == "story.erase")).one()
    assert tombstone.details["tombstone"] is True
    assert client.get(f"/api/v1/stories/{story.id}", headers=staff_headers).status_code == 404
    again = client.post(
        f"/api/v1/privacy/stories/{draft['id']}/erase",
        headers=admin_headers,
        json={"reason": "again"},
    )
    assert again.status_code == 409


def test_retention_review_lists_only_stories_past_the_period(
    client, session, site, admin_headers, settings
):
    staff = make_user(session, roles=["staff"], sites=[site])
    old = make_story(
        session,
        site=site,
        author=staff,
        title="Old",
        created_at=utcnow() - timedelta(days=settings.retention_days + 1),
    )
    make_story(session, site=site, author=staff, title="New")
    response = client.get("/api/v1/privacy/retention", headers=admin_headers)
    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == [old.id]


def test_the_last_active_admin_cannot_be_disabled_or_demoted(client, session, admin, admin_headers):
    other = make_user(session, roles=["admin"], name="Second Admin")
    disable_self = client.patch(
        f"/api/v1/users/{admin.id}", headers=admin_headers, json={"is_active": False}
    )
    assert disable_self.status_code == 409
    assert disable_self.json()["error"]["code"] == "self_disable"
    assert (
        client.patch(
            f"/api/v1/users/{other.id}", headers=admin_headers, json={"is_active": False}
        ).status_code
        == 200
    )
    demote = client.patch(
        f"/api/v1/users/{admin.id}",
        headers=admin_headers,
        json={"grants": [{"role": "staff", "unit_id": 1}]},
    )
    assert demote.status_code == 409
    assert demote.json()["error"]["code"] == "last_admin"
    assert client.get("/api/v1/me", headers=admin_headers).json()["roles"] == ["admin"]


def test_adding_a_user_reports_every_bad_field_at_once(client, session, admin_headers):
    response = client.post(
        "/api/v1/users",
        headers=admin_headers,
        json={
            "email": "not-an-email",
            "display_name": " ",
            "password": "long enough pw",
            "grants": [{"role": "staff", "unit_id": 4242}],
        },
    )
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["error"]["problems"]}
    assert fields == {"email", "display_name", "grants"}
    assert client.get("/api/v1/users", headers=admin_headers).json()[-1]["email"] != (
        "not-an-email"
    )
