"""Every permission is decided for the pair (role, site): staff here, evaluator there."""

from __future__ import annotations

from tests.builders import make_site, make_story, make_user, token_headers


def test_staff_at_one_site_and_evaluator_at_another_gets_no_staff_rights_there(client, session):
    somerset = make_site(session, "Somerset", region="South West England")
    leeds = make_site(session, "Leeds", region="Yorkshire and the Humber")
    leeds_staff = make_user(session, roles=["staff"], sites=[leeds])
    local = make_story(
        session, site=leeds, author=leeds_staff, title="Leeds local", consent_level="site_only"
    )
    shared = make_story(session, site=leeds, author=leeds_staff, title="Leeds shared")
    two_hats = make_user(session, grants=[("staff", somerset), ("evaluator", leeds)])
    headers = token_headers(session, two_hats)

    assert client.get(f"/api/v1/stories/{local.id}", headers=headers).status_code == 404
    withdraw = client.post(
        f"/api/v1/stories/{shared.id}/withdraw", headers=headers, json={"version": 1}
    )
    assert withdraw.status_code == 403
    draft = client.post("/api/v1/stories", headers=headers, json={"site_id": leeds.id})
    assert draft.status_code == 403
    read = client.get(f"/api/v1/stories/{shared.id}", headers=headers)
    assert read.status_code == 200
    assert read.json()["title"] == "[redacted] Leeds shared"
    assert read.json()["text_version"] == "deidentified"
    own = client.post("/api/v1/stories", headers=headers, json={"site_id": somerset.id})
    assert own.status_code == 201


def test_a_grant_at_a_region_covers_every_site_below_it_and_no_other(client, session):
    somerset = make_site(session, "Somerset", region="South West England")
    torbay = make_site(session, "Torbay", region="South West England")
    leeds = make_site(session, "Leeds", region="Yorkshire and the Humber")
    author = make_user(session, roles=["staff"], sites=[somerset, torbay, leeds])
    for site in (somerset, torbay, leeds):
        make_story(
            session, site=site, author=author, title=f"{site.name} local", consent_level="site_only"
        )
    region = next(
        u
        for u in client.get("/api/v1/units", headers=token_headers(session, author)).json()
        if u["name"] == "South West England"
    )
    from storybank.models import Unit

    reviewer = make_user(session, grants=[("reviewer", session.get(Unit, region["id"]))])
    listed = client.get("/api/v1/stories", headers=token_headers(session, reviewer)).json()
    assert sorted(i["title"] for i in listed["items"]) == ["Somerset local", "Torbay local"]
    assert {i["text_version"] for i in listed["items"]} == {"original"}


def test_an_unconfirmed_or_lapsed_deidentified_version_keeps_the_story_in_its_site(client, session):
    leeds = make_site(session, "Leeds")
    staff = make_user(session, roles=["staff"], sites=[leeds])
    evaluator = make_user(session, roles=["evaluator"], sites=[leeds])
    story = make_story(
        session, site=leeds, author=staff, title="Maggie's allotment", deidentified=False
    )
    staff_headers, evaluator_headers = (
        token_headers(session, staff),
        token_headers(session, evaluator),
    )
    assert client.get(f"/api/v1/stories/{story.id}", headers=evaluator_headers).status_code == 404
    prefilled = client.get(f"/api/v1/stories/{story.id}/deidentified", headers=staff_headers)
    assert prefilled.json()["title"] == "Maggie's allotment" and not prefilled.json()["saved"]
    assert (
        client.get(
            f"/api/v1/stories/{story.id}/deidentified", headers=evaluator_headers
        ).status_code
        == 404
    )
    saved = client.put(
        f"/api/v1/stories/{story.id}/deidentified",
        headers=staff_headers,
        json={"version": 0, "title": "[Person A]'s allotment", "confirm": True},
    )
    assert saved.status_code == 200 and saved.json()["confirmed"]
    stale = client.put(
        f"/api/v1/stories/{story.id}/deidentified",
        headers=staff_headers,
        json={"version": 0, "title": "again", "confirm": True},
    )
    assert stale.status_code == 409
    seen = client.get(f"/api/v1/stories/{story.id}", headers=evaluator_headers).json()
    assert seen["title"] == "[Person A]'s allotment"
    assert (
        client.get("/api/v1/stories", params={"q": "Maggie"}, headers=evaluator_headers).json()[
            "total"
        ]
        == 0
    )
    from sqlmodel import select

    from storybank.models import AuditEvent

    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "story.deidentified_confirm")
    ).one()
    assert event.actor_id == staff.id and "Maggie" not in str(event.details)
