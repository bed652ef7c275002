from tests.builders import COMPLETE_STORY, make_site, make_user, token_headers


def test_staff_can_create_and_submit_a_story(client, session):
    site = make_site(session, "Somerset")
    staff = make_user(session, roles=["staff"], sites=[site])
    headers = token_headers(session, staff)
    response = client.post(
        "/api/v1/stories", json={"site_id": site.id, **COMPLETE_STORY}, headers=headers
    )
    assert response.status_code == 201, response.text
    story = response.json()
    response = client.post(
        f"/api/v1/stories/{story['id']}/submit",
        json={"version": story["version"], "consent_level": "site_only"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "submitted"
