"""GET /api/v1/stories/{id}/deidentified proposes a de-identified version from the
personal-data detector while none is saved; saving stays a person's act."""

from __future__ import annotations

from tests.builders import make_site, make_story, make_user, token_headers


def test_the_detector_proposes_a_version_and_lists_what_it_found(client, session):
    leeds = make_site(session, "Leeds")
    staff = make_user(session, roles=["staff"], sites=[leeds])
    story = make_story(
        session,
        site=leeds,
        author=staff,
        title="Bukola back at choir",
        what_happened="Bukola Adeyemi rang the hub on 07700 900123. Her son Tunde came too.",
        what_changed="Bukola sings every Sunday again.",
        community_solutions=["Tunde's lift to church"],
        deidentified=False,
    )
    headers = token_headers(session, staff)
    answer = client.get(f"/api/v1/stories/{story.id}/deidentified", headers=headers)
    assert answer.status_code == 200
    body = answer.json()
    assert not body["saved"] and body["title"] == "Bukola back at choir"
    proposed = body["proposed"]
    assert proposed["title"] == "[Person A] back at choir"
    assert proposed["what_happened"] == (
        "[Person A] rang the hub on [phone]. Her son [Person B] came too."
    )
    assert proposed["what_changed"] == "[Person A] sings every Sunday again."
    assert proposed["community_solutions"] == ["[Person B]'s lift to church"]
    phone = {
        "field": "what_happened",
        "kind": "phone",
        "start": 31,
        "end": 43,
        "text": "07700 900123",
        "replacement": "[phone]",
    }
    assert phone in body["found"]
    assert {item["kind"] for item in body["found"]} == {"person_name", "phone"}

    saved = client.put(
        f"/api/v1/stories/{story.id}/deidentified",
        headers=headers,
        json={**{k: v for k, v in proposed.items()}, "version": 0},
    )
    assert saved.status_code == 200 and not saved.json()["confirmed"]
    again = client.get(f"/api/v1/stories/{story.id}/deidentified", headers=headers).json()
    assert again["saved"] and again["proposed"] is None and again["found"] == []
    assert again["title"] == "[Person A] back at choir"
