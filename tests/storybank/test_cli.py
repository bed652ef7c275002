"""The storybank command: setup, demo, users, codebook, db."""

from __future__ import annotations

from sqlmodel import Session, select
from typer.testing import CliRunner

from storybank import migrate
from storybank.accounts import password_matches
from storybank.cli import app
from storybank.models import User
from tests.builders import make_site

runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    return result


def test_setup_creates_one_first_admin_and_is_repeatable(cli_env, engine):
    first = invoke("setup")
    assert first.exit_code == 0, first.output
    note = (cli_env / "initial-admin.txt").read_text()
    assert "admin@localhost" in note
    password = note.split("password: ")[1].strip()
    with Session(engine) as session:
        admin = session.exec(select(User).where(User.email == "admin@localhost")).one()
        assert password_matches(admin.password_hash, password)
    second = invoke("setup")
    assert second.exit_code == 0
    assert "First admin created" not in second.output


def test_users_add_list_disable_and_reset_password(cli_env, engine, session):
    make_site(session, "Derby")
    added = invoke(
        "users",
        "add",
        "kim@example.org",
        "--name",
        "Kim Agent",
        "--role",
        "staff",
        "--site",
        "Derby",
        "--password",
        "a fine long password",
    )
    assert added.exit_code == 0, added.output
    listed = invoke("users", "list")
    assert "kim@example.org" in listed.output and "Derby" in listed.output
    bad_site = invoke(
        "users", "add", "x@example.org", "--name", "X", "--role", "staff", "--site", "Atlantis"
    )
    assert bad_site.exit_code == 1 and "Unknown site" in bad_site.output
    bad_role = invoke("users", "add", "y@example.org", "--name", "Y", "--role", "wizard")
    assert bad_role.exit_code == 1 and "Unknown role" in bad_role.output
    assert invoke("users", "disable", "kim@example.org").exit_code == 0
    reset = invoke("users", "reset-password", "kim@example.org")
    assert reset.exit_code == 0 and "New password:" in reset.output
    new_password = reset.output.split("New password:")[1].split()[0]
    with Session(engine) as check:
        kim = check.exec(select(User).where(User.email == "kim@example.org")).one()
        assert kim.is_active is False
        assert password_matches(kim.password_hash, new_password)
    assert invoke("users", "disable", "nobody@example.org").exit_code == 1


def test_demo_if_empty_loads_once(cli_env):
    first = invoke("demo", "--if-empty")
    assert first.exit_code == 0, first.output
    assert "stories" in first.output
    second = invoke("demo", "--if-empty")
    assert "already holds stories" in second.output


def test_db_current_reports_head(cli_env):
    result = invoke("db", "current")
    assert result.exit_code == 0
    assert f"current: {migrate.head_revision()}" in result.output
