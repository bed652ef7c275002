"""storybank units and storybank users grant / revoke."""

from __future__ import annotations

from sqlmodel import Session, select
from typer.testing import CliRunner

from storybank.accounts import grants_of
from storybank.cli import app
from storybank.models import Unit, User

runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def test_units_tree_is_built_listed_and_refuses_a_wrong_level(cli_env, engine):
    assert invoke("setup").exit_code == 0
    region = invoke("units", "add", "North", "--level", "region", "--parent", "Programme")
    assert region.exit_code == 0, region.output
    site = invoke("units", "add", "Northshire", "--level", "site", "--parent", "North")
    assert site.exit_code == 0, site.output
    listed = invoke("units", "list")
    assert listed.exit_code == 0
    lines = [line for line in listed.output.splitlines() if "North" in line]
    assert "region" in lines[0] and "1" in lines[0]
    assert "site" in lines[1]
    upside_down = invoke("units", "add", "South", "--level", "region", "--parent", "Northshire")
    assert upside_down.exit_code == 1
    assert "A region can only sit under a unit of a higher level" in upside_down.output
    duplicate = invoke("units", "add", "NORTHSHIRE", "--level", "site", "--parent", "North")
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output
    unknown = invoke("units", "add", "Westshire", "--level", "site", "--parent", "Atlantis")
    assert unknown.exit_code == 1 and "Unknown unit: Atlantis" in unknown.output


def test_users_grant_and_revoke_a_role_at_a_unit(cli_env, engine):
    assert invoke("setup").exit_code == 0
    invoke("units", "add", "North", "--level", "region", "--parent", "Programme")
    invoke("units", "add", "Northshire", "--level", "site", "--parent", "North")
    added = invoke(
        "users",
        "add",
        "kim@example.org",
        "--name",
        "Kim",
        "--role",
        "staff",
        "--unit",
        "Northshire",
        "--password",
        "a fine long password",
    )
    assert added.exit_code == 0, added.output
    granted = invoke("users", "grant", "kim@example.org", "--role", "evaluator", "--unit", "North")
    assert granted.exit_code == 0, granted.output
    again = invoke("users", "grant", "kim@example.org", "--role", "evaluator", "--unit", "North")
    assert again.exit_code == 1 and "already holds that role" in again.output
    listed = invoke("users", "list", env={"COLUMNS": "200"})
    assert "evaluator at North, staff at Northshire" in listed.output
    revoked = invoke(
        "users", "revoke", "kim@example.org", "--role", "staff", "--unit", "Northshire"
    )
    assert revoked.exit_code == 0, revoked.output
    with Session(engine) as session:
        kim = session.exec(select(User).where(User.email == "kim@example.org")).one()
        north = session.exec(select(Unit).where(Unit.name == "North")).one()
        assert grants_of(session=session, user_id=kim.id) == [("evaluator", north.id)]
    missing = invoke(
        "users", "revoke", "kim@example.org", "--role", "staff", "--unit", "Northshire"
    )
    assert missing.exit_code == 1 and "does not hold that role" in missing.output
    wizard = invoke("users", "grant", "kim@example.org", "--role", "wizard", "--unit", "North")
    assert wizard.exit_code == 1 and "Unknown role" in wizard.output
