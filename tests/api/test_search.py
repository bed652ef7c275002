"""Searching the story list: stemmed words, quoted phrases, the text each reader may read,
kept in step with edits, erasure and imports; nothing typed is ever a server error."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storybank.models import StoryDeidentified, utcnow
from tests.builders import make_story, make_user, token_headers
from tests.register.files import good_row, write_csv_file


def _found(client, headers, q: str) -> tuple[int, list[str]]:
    response = client.get("/api/v1/stories", params={"q": q}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    return body["total"], sorted(item["title"] for item in body["items"])


def test_a_plural_finds_the_singular_and_words_are_all_needed(
    client, session, headers, staff, somerset
):
    make_story(
        session,
        site=somerset,
        author=staff,
        title="Beans",
        what_happened="She grows beans on an allotment.",
    )
    make_story(session, site=somerset, author=staff, title="Walking", what_happened="A walk.")

    assert _found(client, headers, "Allotments") == (1, ["Beans"])
    assert _found(client, headers, "allotment growing") == (1, ["Beans"])
    assert _found(client, headers, "allotment walking") == (0, [])
    assert _found(client, headers, "walked") == (1, ["Walking"])


def test_a_quoted_phrase_needs_its_words_together_and_in_order(
    client, session, headers, staff, somerset
):
    make_story(session, site=somerset, author=staff, title="Together", what_changed="A lunch club.")
    make_story(
        session,
        site=somerset,
        author=staff,
        title="Apart",
        what_changed="The club served lunch.",
    )

    assert _found(client, headers, "lunch club") == (2, ["Apart", "Together"])
    assert _found(client, headers, '"lunch club"') == (1, ["Together"])
    assert _found(client, headers, '"club lunch" apart') == (0, [])


def test_a_reader_outside_the_site_finds_only_words_of_the_de_identified_text(
    client, session, staff, somerset
):
    story = make_story(
        session,
        site=somerset,
        author=staff,
        title="Mrs Quillfeather moved",
        what_happened="Mrs Quillfeather moved nearer her allotment.",
        deidentified=False,
    )
    session.add(
        StoryDeidentified(
            story_id=story.id,
            title="[Person A] moved",
            what_happened="[Person A] moved nearer her allotment.",
            confirmed_at=utcnow(),
            confirmed_by_id=staff.id,
        )
    )
    session.commit()
    evaluator = token_headers(session, make_user(session, roles=["evaluator"], sites=[somerset]))

    assert _found(client, evaluator, "Quillfeather") == (0, [])
    assert _found(client, evaluator, "allotments") == (1, ["[Person A] moved"])
    assert _found(client, token_headers(session, staff), "Quillfeather") == (
        1,
        ["Mrs Quillfeather moved"],
    )


def test_an_edit_is_searchable_at_once_and_the_old_words_are_gone(
    client, session, headers, staff, somerset
):
    draft = client.post(
        "/api/v1/stories",
        headers=headers,
        json={"site_id": somerset.id, "title": "Draft", "what_happened": "A brass band."},
    ).json()
    assert _found(client, headers, "brass") == (1, ["Draft"])

    edited = client.patch(
        f"/api/v1/stories/{draft['id']}",
        headers=headers,
        json={"version": 1, "what_happened": "A choir."},
    )

    assert edited.status_code == 200
    assert _found(client, headers, "brass") == (0, [])
    assert _found(client, headers, "choirs") == (1, ["Draft"])


def test_an_erased_story_is_found_by_none_of_its_words_and_leaves_the_index(
    client, session, engine, backend, staff, somerset
):
    make_story(
        session,
        site=somerset,
        author=staff,
        title="Brackenmoor garden",
        what_happened="She met Mr Brackenmoor at the garden.",
    )
    admin_user = make_user(session, roles=["admin"])
    admin = token_headers(session, admin_user)
    (story_id,) = [i["id"] for i in client.get("/api/v1/stories", headers=admin).json()["items"]]
    assert _found(client, admin, "Brackenmoor") == (1, ["Brackenmoor garden"])

    erased = client.post(
        f"/api/v1/privacy/stories/{story_id}/erase",
        headers=admin,
        json={"reason": "erasure request ref 9"},
    )

    assert erased.status_code == 200
    assert _found(client, admin, "Brackenmoor") == (0, [])
    assert _found(client, admin, "garden") == (0, [])
    if backend == "sqlite":
        with engine.connect() as connection:
            blobs = connection.execute(
                text(
                    "SELECT block FROM story_search_data UNION ALL "
                    "SELECT block FROM story_deidentified_search_data"
                )
            ).scalars()
            assert not any(b"brackenmoor" in bytes(block or b"") for block in blobs)


def test_imported_stories_are_searchable(tmp_path, client, headers, somerset):
    rows = [good_row("Somerset", title="Orchard", what_happened="Apples in the orchards.")]
    content = write_csv_file(tmp_path / "stories.csv", rows)

    imported = client.post(
        "/api/v1/imports",
        params={"dry_run": "false"},
        files={"file": ("stories.csv", content, "text/csv")},
        headers=headers,
    )

    assert imported.status_code == 200, imported.text
    assert _found(client, headers, "orchard apple") == (1, ["Orchard"])


WEIRD = [
    '"',
    "-",
    "*",
    '""',
    '"lunch',
    'lunch"club',
    "AND",
    "OR NOT",
    "NEAR(",
    "a:b",
    "^",
    "(",
    ")",
    "'",
    "\\",
    "%",
    "_",
    "title:lunch",
    "lunch*",
    "-lunch",
    "{x}",
    "💬",
    "&",
]


@pytest.mark.parametrize("q", WEIRD)
def test_search_syntax_typed_alone_is_a_list_never_an_error(
    client, session, headers, staff, somerset, q
):
    make_story(session, site=somerset, author=staff, title="Lunch", what_changed="A lunch club.")

    api = client.get("/api/v1/stories", params={"q": q}, headers=headers)

    assert api.status_code == 200, api.text
    assert api.json()["total"] in (0, 1)
