"""Security headers, size limits, settings safety, and errors that leak nothing."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from storybank.config import Settings
from tests.builders import make_site, make_user, token_headers


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/api/v1/stories", "/openapi.json", "/nowhere"):
        headers = client.get(path, follow_redirects=False).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-frame-options"] == "DENY"


def test_api_docs_are_served_without_any_cdn(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/js/api-docs.js").status_code == 200


def test_a_declared_oversized_body_is_refused_before_reading(client, session):
    site = make_site(session)
    headers = token_headers(session, make_user(session, roles=["staff"], sites=[site]))
    response = client.post(
        "/api/v1/stories",
        content=b"x" * 10,
        headers={**headers, "content-length": "5000000", "content-type": "application/json"},
    )
    assert response.status_code == 413


def test_unexpected_errors_answer_500_without_trace_or_story_text(settings, engine, caplog):
    app = create_app(settings=settings, engine=engine)

    @app.post("/api/v1/_explode")
    def explode(payload: dict) -> None:
        raise RuntimeError("boom")

    secret = "Mrs Z told us about her late husband"
    with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level(logging.INFO):
        response = client.post("/api/v1/_explode", json={"what_happened": secret})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert "Traceback" not in response.text and "boom" not in response.text
    assert secret not in caplog.text


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ValidationError, match="STORYBANK_SECRET_KEY"):
        Settings(environment="production", data_dir=tmp_path)


def test_development_secret_is_generated_once_and_kept(tmp_path):
    settings = Settings(environment="development", data_dir=tmp_path)
    first = settings.secret()
    assert len(first) >= 40
    assert Settings(environment="development", data_dir=tmp_path).secret() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_an_oversized_form_post_gets_a_page_not_json(client):
    response = client.post("/stories/new", data={"what_happened": "x" * 2_000_000})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "too much to send at once" in response.text
