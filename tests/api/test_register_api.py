"""The register API: uploads with a dry run, all-or-nothing imports, streamed downloads."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import func, select

from api.app import create_app
from storybank.models import AuditEvent, Story
from tests.builders import make_story, make_user, token_headers
from tests.register.files import good_row, write_csv_file, write_xlsx_file

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _story_count(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Story)).one()


def _upload(client, headers, name, content, dry_run=None, content_type="text/csv"):
    params = {} if dry_run is None else {"dry_run": str(dry_run).lower()}
    return client.post(
        "/api/v1/imports",
        params=params,
        files={"file": (name, content, content_type)},
        headers=headers,
    )


def test_dry_run_reports_every_bad_row_and_writes_nothing(
    tmp_path, client, session, headers, somerset
):
    rows = [good_row("Somerset"), good_row("Somerset", change_date="2026-13-01", outcomes="9")]
    content = write_csv_file(tmp_path / "stories.csv", rows)

    response = _upload(client, headers, "stories.csv", content, dry_run=True)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["dry_run"] is True
    assert (body["format"], body["rows"], body["good_rows"]) == ("csv", 2, 1)
    assert [(p["row"], p["column"]) for p in body["problems"]] == [
        (3, "change_date"),
        (3, "outcomes"),
    ]
    assert body["created_story_ids"] == []
    assert _story_count(session) == 0


def test_real_import_writes_every_story_and_returns_their_ids(
    tmp_path, client, session, headers, somerset, staff
):
    content = write_csv_file(tmp_path / "stories.csv", [good_row("Somerset")] * 2)

    response = _upload(client, headers, "stories.csv", content, dry_run=False)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["dry_run"], body["good_rows"], body["problems"]) == (False, 2, [])
    assert len(body["created_story_ids"]) == 2
    story = session.get(Story, body["created_story_ids"][0])
    assert (story.author_id, story.status) == (staff.id, "submitted")
    session.expire_all()
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "register.import")).one()


def test_rows_matching_a_story_are_listed_skipped_or_with_update_true_update_it(
    tmp_path, client, session, headers, somerset, staff
):
    story = make_story(session, site=somerset, author=staff, title="Old title")
    headers_row = ["reference", "site", "title", "submitted_at"]
    row = {"reference": story.reference, "site": "Somerset", "title": "New title"}
    content = write_csv_file(tmp_path / "stories.csv", [row], headers=headers_row)

    dry = client.post(
        "/api/v1/imports",
        params={"dry_run": "true"},
        files={"file": ("stories.csv", content, "text/csv")},
        headers=headers,
    )
    updated = client.post(
        "/api/v1/imports",
        params={"update": "true"},
        files={"file": ("stories.csv", content, "text/csv")},
        headers=headers,
    )

    assert dry.status_code == 200, dry.text
    assert [(m["row"], m["story_id"], m["action"]) for m in dry.json()["matches"]] == [
        (2, story.id, "skip")
    ]
    assert dry.json()["notes"][0].startswith("Only an admin's import keeps")
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert (body["created_story_ids"], body["updated_story_ids"]) == ([], [story.id])
    assert body["matches"][0]["message"] == f"Matches story {story.id}; updates title."
    session.refresh(story)
    assert story.title == "New title"
    assert _story_count(session) == 1


def test_xlsx_upload_is_imported(tmp_path, client, session, headers, somerset):
    content = write_xlsx_file(tmp_path / "stories.xlsx", [good_row("Somerset", outcomes=3)])

    response = _upload(client, headers, "stories.xlsx", content, content_type=XLSX_TYPE)

    assert response.status_code == 200, response.text
    assert response.json()["format"] == "xlsx"
    assert _story_count(session) == 1


def test_real_import_with_bad_rows_is_422_with_every_problem_and_writes_nothing(
    tmp_path, client, session, headers, somerset, derby
):
    rows = [good_row("Somerset"), good_row("Derby"), good_row("Somerset", title="x" * 300)]
    content = write_csv_file(tmp_path / "stories.csv", rows)

    response = _upload(client, headers, "stories.csv", content)

    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "import_rejected"
    assert [p["field"] for p in body["error"]["problems"]] == ["row 3: site", "row 4: title"]
    assert [(p["row"], p["column"]) for p in body["report"]["problems"]] == [
        (3, "site"),
        (4, "title"),
    ]
    assert "own sites" in body["report"]["problems"][0]["message"]
    assert _story_count(session) == 0


def test_unknown_column_is_422_naming_it(tmp_path, client, session, headers, somerset):
    content = write_csv_file(
        tmp_path / "s.csv", [{"site": "Somerset", "mood": "good"}], headers=["site", "mood"]
    )

    response = _upload(client, headers, "s.csv", content)

    assert response.status_code == 422
    assert response.json()["report"]["problems"][0]["column"] == "mood"


@pytest.mark.parametrize(
    ("name", "content"),
    [("stories.pdf", b"%PDF-1.7"), ("stories.docx", b"PK\x03\x04 a word file")],
)
def test_a_file_that_is_not_csv_or_xlsx_is_415(client, headers, name, content):
    response = _upload(client, headers, name, content, content_type="application/octet-stream")

    assert response.status_code == 415
    body = response.json()["error"]
    assert body["code"] == "unsupported_file_type"
    assert "CSV" in body["message"] and "xlsx" in body["message"]


def test_an_empty_file_is_422(client, headers):
    response = _upload(client, headers, "stories.csv", b"")

    assert response.status_code == 422
    assert "empty" in response.json()["error"]["message"]


def test_an_upload_without_the_file_field_is_422(client, headers):
    response = client.post("/api/v1/imports", data={"other": "x"}, headers=headers)

    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["field"] == "file"


@pytest.fixture
def small_client(settings, engine):
    limited = settings.model_copy(update={"max_import_bytes": 2_000, "max_import_rows": 3})
    with TestClient(create_app(settings=limited, engine=engine)) as client:
        yield client


def test_a_file_over_the_import_size_limit_is_413(
    tmp_path, small_client, session, headers, somerset
):
    content = write_csv_file(tmp_path / "big.csv", [good_row("Somerset")] * 10)
    assert len(content) > 2_000

    response = _upload(small_client, headers, "big.csv", content)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert _story_count(session) == 0


def test_more_rows_than_the_limit_is_413(tmp_path, small_client, session, headers, somerset):
    row = good_row("Somerset", what_happened="x", what_changed="y", why_significant="z")
    row.update(what_mattered="", before_cls="", community_solutions="")
    content = write_csv_file(tmp_path / "rows.csv", [row] * 4)
    assert len(content) < 2_000

    response = _upload(small_client, headers, "rows.csv", content, dry_run=True)

    assert response.status_code == 413
    assert "more than 3 stories" in response.json()["error"]["message"]


def test_people_without_the_staff_role_cannot_import(tmp_path, client, session, somerset):
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset])
    content = write_csv_file(tmp_path / "s.csv", [good_row("Somerset")])

    response = _upload(client, token_headers(session, evaluator), "s.csv", content, dry_run=True)

    assert response.status_code == 403


def test_import_needs_a_login(client):
    response = _upload(client, {}, "s.csv", b"site\nSomerset\n")

    assert response.status_code == 401


@pytest.fixture
def bank(session, somerset, derby, staff):
    other = make_user(session, roles=["staff"], sites=[derby])
    make_story(session, site=somerset, author=staff, title="Somerset shared")
    make_story(
        session, site=somerset, author=staff, title="Somerset local", consent_level="site_only"
    )
    make_story(session, site=derby, author=other, title="Derby shared")


def _csv_titles(response) -> set[str]:
    table = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
    return {row["title"] for row in table}


def test_csv_export_is_a_dated_attachment_of_the_stories_the_actor_may_read(client, headers, bank):
    response = client.get("/api/v1/exports/stories.csv", headers=headers)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    filename = f"story-register-{date.today():%Y%m%d}.csv"
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert _csv_titles(response) == {"Somerset shared", "Somerset local"}


def test_xlsx_export_is_a_workbook_of_the_stories_the_actor_may_read(
    client, session, bank, somerset, derby
):
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset, derby])

    response = client.get("/api/v1/exports/stories.xlsx", headers=token_headers(session, evaluator))

    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_TYPE
    assert response.headers["content-disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    titles = {row[6] for row in book["Story register"].iter_rows(min_row=2, values_only=True)}
    # An evaluator reads from outside the sites: the confirmed de-identified text only.
    assert titles == {"[redacted] Somerset shared", "[redacted] Derby shared"}
    assert book.sheetnames == ["Story register", "Codebook"]


def test_export_takes_the_same_filters_as_the_story_list(client, session, bank, derby):
    admin = make_user(session, roles=["admin"])

    response = client.get(
        "/api/v1/exports/stories.csv",
        params={"site_id": derby.id, "q": "shared"},
        headers=token_headers(session, admin),
    )

    assert response.status_code == 200
    assert _csv_titles(response) == {"Derby shared"}


def test_export_with_a_bad_filter_is_422(client, headers):
    response = client.get("/api/v1/exports/stories.csv?status=lost", headers=headers)

    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["field"] == "status"


def test_export_needs_a_login(client):
    assert client.get("/api/v1/exports/stories.csv").status_code == 401
