"""The REFI-QDA commands: codebook export-qdc / import-qdc and export-qdpx."""

from __future__ import annotations

import zipfile

from typer.testing import CliRunner

from storybank.cli import app
from storybank.exchange.schemas import PROJECT_NS, read_xml, validation_problems
from tests.builders import make_story, make_user

runner = CliRunner()


def test_the_codebook_goes_out_and_back_in_from_the_command_line(cli_env, session, tmp_path):
    make_user(session, roles=["admin"])
    out = tmp_path / "codebook.qdc"

    exported = runner.invoke(app, ["codebook", "export-qdc", "--out", str(out)])
    imported = runner.invoke(app, ["codebook", "import-qdc", str(out)])

    assert exported.exit_code == 0, exported.output
    assert imported.exit_code == 0, imported.output
    assert "Added 0 codes, updated 0, 26 unchanged." in imported.output


def test_a_bad_codebook_file_fails_with_the_reason(cli_env, session, tmp_path):
    make_user(session, roles=["admin"])
    bad = tmp_path / "bad.qdc"
    bad.write_bytes(b"<CodeBook>")
    result = runner.invoke(app, ["codebook", "import-qdc", str(bad)])
    assert result.exit_code != 0 and "not well-formed XML" in result.output


def test_export_qdpx_writes_one_sites_stories(cli_env, session, somerset, derby, tmp_path):
    admin = make_user(session, roles=["admin"])
    make_story(session, site=somerset, author=admin)
    make_story(session, site=derby, author=admin)
    out = tmp_path / "stories.qdpx"

    result = runner.invoke(app, ["export-qdpx", "--out", str(out), "--site", somerset.name])

    assert result.exit_code == 0, result.output
    assert "1 story, 0 codings" in result.output
    root = read_xml(zipfile.ZipFile(out).read("project.qde"))
    assert validation_problems(root, PROJECT_NS) == []
    assert len(root.findall(f"{{{PROJECT_NS}}}Sources/{{{PROJECT_NS}}}TextSource")) == 1
