"""Bad input is a 4xx naming the field: numbers past 64 bits, NUL characters anywhere."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from storybank.models import Story
from tests.builders import make_story, make_user, token_headers
from tests.register.files import good_row, write_csv_file
from tests.web.pages import log_in

HUGE = 18446744073709551616  # 2**64


def _story_count(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Story)).one()


def _fields(response) -> list[str]:
    return [p["field"] for p in response.json()["error"]["problems"]]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("GET", f"/api/v1/stories/{HUGE}", None, "story_id"),
        ("GET", f"/api/v1/stories?site_id={10**19}", None, "site_id"),
        ("GET", "/api/v1/exports/stories.csv?site_id=99999999999999999999", None, "site_id"),
        ("POST", "/api/v1/stories", {"site_id": HUGE}, "site_id"),
        ("POST", "/api/v1/stories/1/submit", {"version": 10**30}, "version"),
        ("PATCH", "/api/v1/stories/1", {"version": -(10**30)}, "version"),
        ("DELETE", f"/api/v1/tokens/{HUGE}", None, "token_id"),
    ],
)
def test_numbers_beyond_64_bits_are_refused_naming_the_field(
    client, headers, method, path, body, field
):
    response = client.request(method, path, json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert _fields(response) == [field]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/v1/audit?offset={10**22}", "offset"),
        (f"/api/v1/audit?actor_id={HUGE}", "actor_id"),
        (f"/api/v1/privacy/stories/{HUGE}", "story_id"),
    ],
)
def test_admin_numbers_beyond_64_bits_are_refused(client, session, path, field):
    admin = token_headers(session, make_user(session, roles=["admin"]))
    response = client.get(path, headers=admin)
    assert response.status_code == 422, response.text
    assert _fields(response) == [field]


def test_a_story_page_with_a_huge_number_is_a_422_page(client, staff):
    log_in(client, staff)
    response = client.get(f"/stories/{HUGE}")
    assert response.status_code == 422
    assert "story_id" in response.text and "Traceback" not in response.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Joan\u0000"}, "title"),
        ({"what_happened": "She came \u0000 in"}, "what_happened"),
        ({"community_solutions": ["lunch club", "walk\u0000"]}, "community_solutions.1"),
        ({"unknown\u0000": "x"}, "body"),
    ],
)
def test_nul_characters_in_a_json_body_are_refused_naming_the_field(
    client, session, headers, somerset, body, field
):
    response = client.post(
        "/api/v1/stories", json={"site_id": somerset.id, **body}, headers=headers
    )
    assert response.status_code == 422, response.text
    assert _fields(response) == [field]
    assert "NUL" in response.json()["error"]["problems"][0]["message"]
    assert _story_count(session) == 0


def test_nul_characters_in_an_edit_write_nothing(client, session, headers, somerset, staff):
    story = make_story(session, site=somerset, author=staff, status="draft")
    response = client.patch(
        f"/api/v1/stories/{story.id}",
        json={"version": 1, "what_changed": "a\u0000b"},
        headers=headers,
    )
    assert response.status_code == 422 and _fields(response) == ["what_changed"]
    session.expire_all()
    assert session.get(Story, story.id).version == 1


@pytest.mark.parametrize(
    "path",
    ["/api/v1/stories?q=lunch%00club", "/api/v1/exports/stories.csv?q=%00"],
)
def test_nul_characters_in_a_query_string_are_refused(client, headers, path):
    response = client.get(path, headers=headers)
    assert response.status_code == 422
    assert _fields(response) == ["q"]


def test_nul_characters_in_a_path_are_refused(client, headers):
    response = client.get("/api/v1/stories/1%00", headers=headers)
    assert response.status_code == 422
    assert _fields(response) == ["path"]


def test_nul_characters_in_a_story_form_post_are_refused_naming_the_field(
    client, session, somerset, staff
):
    csrf = log_in(client, staff)
    form = {"csrf_token": csrf, "site_id": str(somerset.id), "title": "Joan\x00 at the hub"}
    response = client.post("/stories/new", data=form, follow_redirects=False)
    assert response.status_code == 422
    assert "title" in response.text and "not valid" in response.text
    assert _story_count(session) == 0


def test_a_nul_in_an_import_cell_is_a_bad_row(tmp_path, client, session, headers, somerset):
    rows = [good_row("Somerset"), good_row("Somerset", what_happened="She came\x00 in")]
    content = write_csv_file(tmp_path / "stories.csv", rows)

    checked = client.post(
        "/api/v1/imports?dry_run=true", files={"file": ("s.csv", content)}, headers=headers
    )
    imported = client.post("/api/v1/imports", files={"file": ("s.csv", content)}, headers=headers)

    assert checked.status_code == 200, checked.text
    problems = checked.json()["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(3, "what_happened")]
    assert "NUL" in problems[0]["message"]
    assert imported.status_code == 422
    assert imported.json()["report"]["good_rows"] == 1
    assert _story_count(session) == 0
