"""Erasing a story removes its text from every table: no withdraw reason, no
de-identified version, no edit history survives in the audit log."""

from __future__ import annotations

from sqlalchemy import inspect, text

from tests.builders import make_site, make_user, token_headers

MARKERS = ("Quillfeather", "Brackenmoor", "Wexcombe", "Tansyvale")


def _every_text_cell(engine) -> str:
    """Every value of every table, as one string to search."""
    found = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                found.extend(str(value) for value in row)
    return "\n".join(found)


def test_erasing_a_story_leaves_its_text_in_no_table(client, session, engine):
    site = make_site(session, "Derby")
    staff = make_user(session, roles=["staff"], sites=[site])
    admin = make_user(session, roles=["admin"])
    headers = token_headers(session, staff)
    story = client.post(
        "/api/v1/stories",
        headers=headers,
        json={
            "site_id": site.id,
            "title": f"Mrs {MARKERS[0]} moved",
            "what_happened": "She moved.",
        },
    ).json()
    client.patch(
        f"/api/v1/stories/{story['id']}",
        headers=headers,
        json={"version": 1, "what_happened": f"She moved to {MARKERS[1]}."},
    )
    saved = client.put(
        f"/api/v1/stories/{story['id']}/deidentified",
        headers=headers,
        json={"version": 0, "title": f"[Person A] moved ({MARKERS[3]})", "confirm": False},
    )
    assert saved.status_code == 200
    withdrawn = client.post(
        f"/api/v1/stories/{story['id']}/withdraw",
        headers=headers,
        json={"version": 2, "reason": f"Her son {MARKERS[2]} asked us to stop"},
    )
    assert withdrawn.status_code == 200
    before = _every_text_cell(engine)
    assert all(marker in before for marker in MARKERS), "the test text was stored"

    erased = client.post(
        f"/api/v1/privacy/stories/{story['id']}/erase",
        headers=token_headers(session, admin),
        json={"reason": "erasure request ref 7"},
    )

    assert erased.status_code == 200
    after = _every_text_cell(engine)
    assert [marker for marker in MARKERS if marker in after] == []
    assert "erasure request ref 7" in after, "the tombstone stays"


def test_the_withdraw_reason_is_not_in_the_append_only_log(client, session, engine):
    site = make_site(session, "Derby")
    staff = make_user(session, roles=["staff"], sites=[site])
    headers = token_headers(session, staff)
    story = client.post("/api/v1/stories", headers=headers, json={"site_id": site.id}).json()
    client.post(
        f"/api/v1/stories/{story['id']}/withdraw",
        headers=headers,
        json={"version": 1, "reason": f"{MARKERS[2]} changed his mind"},
    )
    with engine.connect() as connection:
        details = connection.execute(
            text("SELECT details FROM audit_events WHERE action = 'story.withdraw'")
        ).scalar_one()
    assert MARKERS[2] not in str(details)
    assert "reason_given" in str(details)


def test_unit_names_are_one_rule_on_both_databases(client, session):
    admin = make_user(session, roles=["admin"])
    headers = token_headers(session, admin)
    first = client.post("/api/v1/units", headers=headers, json={"name": "Émile", "level": "site"})
    assert first.status_code == 201
    for same in ("émile", "ÉMILE", "E\u0301mile"):  # the last is the decomposed form
        again = client.post("/api/v1/units", headers=headers, json={"name": same, "level": "site"})
        assert again.status_code == 409, same
        assert again.json()["error"]["code"] == "duplicate_unit"
    other = client.post("/api/v1/units", headers=headers, json={"name": "Emile", "level": "site"})
    assert other.status_code == 201, "a different letter is a different name"
