"""Commands that need a database say what to do when it is missing or not migrated."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from storybank import migrate
from storybank.cli import app
from storybank.config import get_settings
from storybank.db import make_engine

runner = CliRunner()
COMMANDS = [["export"], ["import", "stories.csv"], ["users", "list"], ["retention"], ["demo"]]


@pytest.fixture
def empty_folder(monkeypatch, tmp_path):
    """A working directory outside the repository, with no database settings at all."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STORYBANK_DATABASE_URL", raising=False)
    monkeypatch.delenv("STORYBANK_DATA_DIR", raising=False)
    monkeypatch.setenv("COLUMNS", "300")
    (tmp_path / "stories.csv").write_text("site,title\nDerby,A story\n")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _said(output: str) -> str:
    return re.sub(r"\s+", " ", output)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_missing_database_is_one_clear_sentence_and_is_not_created(empty_folder, command):
    result = runner.invoke(app, command)

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert _said(result.output).strip() == (
        "Error: No storybank database at data/storybank.db. Run `storybank setup` first, "
        "or set STORYBANK_DATA_DIR / STORYBANK_DATABASE_URL to point at yours."
    )
    assert not (empty_folder / "data").exists()


def test_db_current_on_a_missing_database_says_so_without_creating_it(empty_folder):
    result = runner.invoke(app, ["db", "current"])

    assert result.exit_code == 1
    assert "No storybank database at data/storybank.db" in _said(result.output)
    assert not (empty_folder / "data").exists()


def test_a_database_file_without_storybank_tables_says_to_run_setup(empty_folder):
    (empty_folder / "data").mkdir()
    (empty_folder / "data" / "storybank.db").touch()

    result = runner.invoke(app, ["users", "list"])

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "The database at data/storybank.db has no storybank tables. Run `storybank setup`" in (
        _said(result.output)
    )


def test_a_database_at_an_older_revision_says_to_upgrade(empty_folder):
    engine = make_engine(f"sqlite:///{empty_folder / 'data' / 'storybank.db'}")
    migrate.upgrade(engine, "0001")
    engine.dispose()

    result = runner.invoke(app, ["export"])

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        f"The storybank database at data/storybank.db is at revision 0001, not "
        f"{migrate.head_revision()}. Run `storybank db upgrade` first."
    ) in _said(result.output)


def test_an_unreachable_database_server_is_one_sentence_without_its_password(
    empty_folder, monkeypatch
):
    monkeypatch.setenv("STORYBANK_DATABASE_URL", "postgresql://sb:hunter2@127.0.0.1:1/storybank")
    get_settings.cache_clear()

    result = runner.invoke(app, ["users", "list"])

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "Cannot open the storybank database at postgresql://sb:***@127.0.0.1:1/storybank (" in (
        _said(result.output)
    )
    assert "hunter2" not in result.output
