"""A download that cannot be made is an error answer; one that fails part-way is visibly cut."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.errors import ResponseAborted
from storybank import audit
from storybank.register import exporter
from storybank.register.cells import EXPORT_FAILED
from tests.builders import make_story, make_user, token_headers


def _failing_after(pages: int, read: Callable[..., Any]) -> Callable[..., Any]:
    """A page reader that reads `pages` pages, then fails as a lost database connection would."""
    calls: list[int] = []

    def failing(*args: Any) -> Any:
        calls.append(1)
        if len(calls) > pages:
            raise RuntimeError("connection to the database was lost")
        return read(*args)

    return failing


@pytest.mark.parametrize("path", ["/api/v1/exports/stories.csv", "/api/v1/exports/stories.xlsx"])
def test_an_export_whose_first_page_fails_is_an_error_not_a_file(app, headers, monkeypatch, path):
    monkeypatch.setattr(exporter, "_page_rows", _failing_after(0, exporter._page_rows))

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(path, headers=headers)

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert "content-disposition" not in response.headers


def test_a_csv_export_failing_part_way_ends_on_a_failure_line_and_is_cut(
    app, session, somerset, staff, headers, monkeypatch
):
    make_story(session, site=somerset, author=staff, title="On the first page")
    make_story(session, site=somerset, author=staff, title="On the second page")
    monkeypatch.setattr(exporter, "PAGE_SIZE", 1)
    monkeypatch.setattr(exporter, "_page_rows", _failing_after(1, exporter._page_rows))

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/exports/stories.csv?sort=-created_at", headers=headers)

    assert response.status_code == 200
    assert "On the second page" in response.text
    assert "On the first page" not in response.text
    assert response.text.strip().splitlines()[-1] == EXPORT_FAILED


def test_a_download_failing_part_way_cuts_the_connection(
    app, session, somerset, staff, headers, monkeypatch
):
    make_story(session, site=somerset, author=staff)
    make_story(session, site=somerset, author=staff)
    monkeypatch.setattr(exporter, "PAGE_SIZE", 1)
    monkeypatch.setattr(exporter, "_page_rows", _failing_after(1, exporter._page_rows))

    with TestClient(app) as client, pytest.raises(ResponseAborted):
        client.get("/api/v1/exports/stories.csv", headers=headers)


def test_an_audit_export_failing_part_way_ends_on_a_failure_line(app, session, monkeypatch):
    admin = token_headers(session, make_user(session, roles=["admin"]))
    monkeypatch.setattr(audit, "EXPORT_PAGE_SIZE", 1)
    monkeypatch.setattr(audit, "_page_cells", _failing_after(1, audit._page_cells))

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/audit/export.csv", headers=admin)

    assert response.status_code == 200
    lines = response.text.strip().splitlines()
    assert lines[0].startswith("id,at,actor_id") and len(lines) == 3
    assert lines[-1] == EXPORT_FAILED
