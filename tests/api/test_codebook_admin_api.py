"""The codebook API for admins: add, edit, retire, delete; clear 4xx answers."""

from __future__ import annotations

import pytest

from tests.builders import make_user, token_headers

THEME = {
    "key": "digital_inclusion",
    "label": "Getting online",
    "description": "The person learned to use a tablet, phone or computer.",
    "cue_phrases": ["tablet", "video call"],
}


@pytest.fixture
def admin_headers(session):
    return token_headers(session, make_user(session, roles=["admin"]))


def test_an_admin_adds_edits_and_retires_a_theme(client, admin_headers):
    added = client.post("/api/v1/codebook", json=THEME, headers=admin_headers)
    assert added.status_code == 201, added.text
    assert added.json()["key"] == "digital_inclusion" and added.json()["kind"] == "theme"

    edited = client.patch(
        "/api/v1/codebook/digital_inclusion",
        json={"cue_phrases": ["tablet", "zoom call"], "parent_key": "community_connections"},
        headers=admin_headers,
    )
    assert edited.status_code == 200
    assert edited.json()["cue_phrases"] == ["tablet", "zoom call"]
    assert edited.json()["parent_key"] == "community_connections"

    retired = client.patch(
        "/api/v1/codebook/digital_inclusion", json={"active": False}, headers=admin_headers
    )
    assert retired.json()["active"] is False
    listed = client.get("/api/v1/codebook", headers=admin_headers).json()
    assert "digital_inclusion" not in [c["key"] for c in listed]
    everything = client.get("/api/v1/codebook?include_inactive=true", headers=admin_headers)
    assert "digital_inclusion" in [c["key"] for c in everything.json()]


def test_a_duplicate_key_is_409_naming_it(client, admin_headers):
    answer = client.post(
        "/api/v1/codebook", json={**THEME, "key": "community_hub"}, headers=admin_headers
    )
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "duplicate_key"
    assert "community_hub" in answer.json()["error"]["message"]


@pytest.mark.parametrize("key", ["Community Hub", "1st_theme", "ab", "a-b-c"])
def test_a_bad_key_is_422(client, admin_headers, key):
    answer = client.post("/api/v1/codebook", json={**THEME, "key": key}, headers=admin_headers)
    assert answer.status_code == 422
    assert "key" in answer.text


def test_retiring_or_deleting_an_outcome_is_409_saying_why(client, admin_headers):
    retired = client.patch(
        "/api/v1/codebook/outcome_2", json={"active": False}, headers=admin_headers
    )
    assert retired.status_code == 409
    assert retired.json()["error"]["code"] == "outcome_fixed"
    assert "fixed" in retired.json()["error"]["message"]
    deleted = client.delete("/api/v1/codebook/outcome_2", headers=admin_headers)
    assert deleted.status_code == 409


def test_an_unknown_key_is_404_and_an_unused_theme_can_be_deleted(client, admin_headers):
    assert client.patch("/api/v1/codebook/nope", json={}, headers=admin_headers).status_code == 404
    client.post("/api/v1/codebook", json=THEME, headers=admin_headers)
    assert (
        client.delete("/api/v1/codebook/digital_inclusion", headers=admin_headers).status_code
        == 204
    )
    listed = client.get("/api/v1/codebook?include_inactive=true", headers=admin_headers).json()
    assert "digital_inclusion" not in [c["key"] for c in listed]


def test_numbers_and_kinds_cannot_be_sent(client, admin_headers):
    answer = client.patch(
        "/api/v1/codebook/outcome_2", json={"number": 7, "label": "Seven"}, headers=admin_headers
    )
    assert answer.status_code == 422 and "number" in answer.text
    listed = client.get("/api/v1/codebook?kind=outcome", headers=admin_headers).json()
    assert [c["number"] for c in listed] == [1, 2, 3, 4, 5, 6]


def test_staff_cannot_change_the_codebook(client, headers):
    assert client.post("/api/v1/codebook", json=THEME, headers=headers).status_code == 403
