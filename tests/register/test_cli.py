"""The `storybank import` and `storybank export` commands, run against the test database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select
from typer.testing import CliRunner

from storybank.cli import app
from storybank.config import get_settings
from storybank.models import Story
from tests.builders import make_story
from tests.register.files import HEADERS, good_row, write_csv_file, write_xlsx_file

runner = CliRunner()


@pytest.fixture(autouse=True)
def cli_database(monkeypatch, database_url, tmp_path):
    """Point the command line at this test's database."""
    monkeypatch.setenv("STORYBANK_DATABASE_URL", database_url)
    monkeypatch.setenv("STORYBANK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _story_count(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Story)).one()


def test_dry_run_prints_every_bad_row_and_exits_1(tmp_path, session, somerset, admin):
    rows = [good_row("Somerset"), good_row("Somerset", change_date="yesterday"), good_row("Leeds")]
    path = tmp_path / "stories.csv"
    write_csv_file(path, rows)

    result = runner.invoke(app, ["import", str(path), "--dry-run"])

    assert result.exit_code == 1, result.output
    assert "Rows that cannot be imported" in result.output
    assert "change_date" in result.output and "'yesterday' is not a date" in result.output
    assert "There is no site called 'Leeds'" in result.output
    assert "1 of 3 rows are good." in result.output
    assert _story_count(session) == 0


def test_dry_run_of_a_good_file_exits_0_and_writes_nothing(tmp_path, session, somerset, admin):
    path = tmp_path / "stories.xlsx"
    write_xlsx_file(path, [good_row("Somerset")] * 2)

    result = runner.invoke(app, ["import", str(path), "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "2 of 2 rows are good." in result.output
    assert _story_count(session) == 0


def test_import_shows_progress_and_writes_every_story_as_the_first_admin(
    tmp_path, session, somerset, admin
):
    path = tmp_path / "stories.csv"
    write_csv_file(path, [good_row("Somerset")] * 3)

    result = runner.invoke(app, ["import", str(path)])

    assert result.exit_code == 0, result.output
    assert "Importing stories" in result.output
    assert "Imported 3 stories." in result.output
    session.expire_all()
    authors = session.exec(select(Story.author_id)).all()
    assert authors == [admin.id] * 3


def test_import_with_bad_rows_exits_1_with_the_problem_table_and_writes_nothing(
    tmp_path, session, somerset, admin
):
    path = tmp_path / "stories.csv"
    write_csv_file(path, [good_row("Somerset"), good_row("Somerset", themes="nonsense")])

    result = runner.invoke(app, ["import", str(path)])

    assert result.exit_code == 1
    assert "'nonsense' is not a theme key" in result.output
    assert _story_count(session) == 0


def test_import_as_another_person_uses_their_rights(
    tmp_path, session, somerset, derby, staff, admin
):
    path = tmp_path / "stories.csv"
    write_csv_file(path, [good_row("Derby")])

    result = runner.invoke(app, ["import", str(path), "--as", staff.email])

    assert result.exit_code == 1
    assert "You can only write stories for your own sites" in result.output
    assert _story_count(session) == 0


def test_import_of_an_unsupported_file_exits_1(tmp_path, admin):
    path = tmp_path / "stories.pdf"
    path.write_bytes(b"%PDF-1.4")

    result = runner.invoke(app, ["import", str(path)])

    assert result.exit_code == 1
    assert "cannot be imported" in result.output


def test_import_without_any_admin_account_says_what_to_do(tmp_path, somerset):
    path = tmp_path / "stories.csv"
    write_csv_file(path, [good_row("Somerset")])

    result = runner.invoke(app, ["import", str(path)])

    assert result.exit_code == 1
    assert "storybank setup" in result.output


def test_export_writes_dated_csv_and_xlsx_files_with_their_row_counts(
    tmp_path, session, somerset, derby, staff, admin
):
    make_story(session, site=somerset, author=staff, title="One")
    make_story(session, site=somerset, author=staff, title="Two", status="draft")
    make_story(session, site=derby, author=admin, title="Three")
    out = tmp_path / "exports"

    result = runner.invoke(app, ["export", "--out", str(out), "--format", "both"])

    assert result.exit_code == 0, result.output
    stamp = f"{date.today():%Y%m%d}"
    assert sorted(p.name for p in out.iterdir()) == [
        f"story-register-{stamp}.csv",
        f"story-register-{stamp}.xlsx",
    ]
    assert result.output.count(": 3 stories") == 2


def test_export_filters_by_site_and_status_and_honours_the_chosen_persons_rights(
    tmp_path, session, somerset, derby, staff, admin
):
    make_story(session, site=somerset, author=staff, title="One")
    make_story(session, site=somerset, author=staff, title="Two", status="draft")
    make_story(session, site=derby, author=admin, title="Three")

    by_site = runner.invoke(
        app, ["export", "--out", str(tmp_path), "--format", "csv", "--site", "somerset"]
    )
    by_status = runner.invoke(
        app, ["export", "--out", str(tmp_path / "b"), "--format", "xlsx", "--status", "draft"]
    )
    as_staff = runner.invoke(
        app, ["export", "--out", str(tmp_path / "c"), "--format", "csv", "--as", staff.email]
    )

    assert ": 2 stories" in by_site.output
    assert ": 1 story" in by_status.output
    assert ": 2 stories" in as_staff.output


def test_export_with_an_unknown_site_or_format_fails(tmp_path, admin):
    unknown_site = runner.invoke(app, ["export", "--out", str(tmp_path), "--site", "Atlantis"])
    bad_format = runner.invoke(app, ["export", "--out", str(tmp_path), "--format", "pdf"])

    assert unknown_site.exit_code == 1 and "Atlantis" in unknown_site.output
    assert bad_format.exit_code == 2


def test_import_lists_rows_matching_stories_and_updates_them_with_update(
    tmp_path, session, somerset, admin
):
    story = make_story(session, site=somerset, author=admin, title="Old title")
    path = tmp_path / "stories.csv"
    write_csv_file(
        path,
        [good_row("Somerset", reference=story.reference, title="New title"), good_row("Somerset")],
        headers=["reference", *HEADERS],
    )

    skipped = runner.invoke(app, ["import", str(path), "--dry-run"])
    updated = runner.invoke(app, ["import", str(path), "--update"])

    assert skipped.exit_code == 0, skipped.output
    assert "Rows that match a story" in skipped.output
    assert f"Matches story {story.id}; skipped" in skipped.output
    assert updated.exit_code == 0, updated.output
    assert f"Matches story {story.id}; updates community_solutions, title," in updated.output
    assert "Imported 1 story. Updated 1, skipped 0." in updated.output
    session.refresh(story)
    assert story.title == "New title"
    assert _story_count(session) == 2
