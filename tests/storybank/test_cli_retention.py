"""storybank retention: stories past the retention period are listed for review."""

from __future__ import annotations

from datetime import timedelta

from typer.testing import CliRunner

from storybank.cli import app
from storybank.models import utcnow
from tests.builders import make_site, make_story, make_user

runner = CliRunner()


def test_retention_lists_old_stories_and_exits_1(cli_env, session):
    site = make_site(session)
    make_user(session, roles=["admin"])
    author = make_user(session, roles=["staff"], sites=[site])
    old = make_story(session, site=site, author=author, created_at=utcnow() - timedelta(days=40))
    make_story(session, site=site, author=author)
    result = runner.invoke(app, ["retention", "--days", "30"])
    assert result.exit_code == 1
    assert f"│ {old.id} " in result.output
    assert "Stories older than 30 days" in result.output
    assert runner.invoke(app, ["retention", "--days", "100"]).exit_code == 0


def test_retention_without_an_admin_says_what_to_do(cli_env):
    result = runner.invoke(app, ["retention"])
    assert result.exit_code == 1
    assert "storybank setup" in result.output
