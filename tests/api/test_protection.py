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


def test_requests_beyond_the_slots_wait_their_turn_and_all_are_answered():
    import anyio
    from starlette.applications import Starlette

    from api.protection import RequestSlots

    inside, most, answered = 0, 0, []
    release = anyio.Event()

    async def endpoint(scope, receive, send) -> None:
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await release.wait()
        inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send_to(sent: list, message) -> None:
        sent.append(message)

    async def one_request(app: Starlette, gate: RequestSlots) -> None:
        sent: list = []
        scope = {"type": "http", "app": app, "path": "/", "headers": []}
        await gate(scope, None, lambda message: send_to(sent, message))
        answered.append(sent[0]["status"])

    async def main() -> None:
        app = Starlette()
        app.state.request_slots = anyio.Semaphore(2)
        gate = RequestSlots(endpoint)
        async with anyio.create_task_group() as group:
            for _ in range(5):
                group.start_soon(one_request, app, gate)
            while inside < 2:
                await anyio.sleep(0)
            for _ in range(20):  # the other three had every chance to get in
                await anyio.sleep(0)
            assert inside == 2
            release.set()

    anyio.run(main)
    assert most == 2
    assert answered == [200] * 5


def test_the_app_makes_its_request_slots_from_the_settings(settings, engine):
    with TestClient(
        create_app(settings=settings.model_copy(update={"request_slots": 3}), engine=engine)
    ) as client:
        assert client.get("/api/v1/stories").status_code == 401
        assert client.app.state.request_slots.value == 3
    with pytest.raises(ValidationError, match="request_slots"):
        Settings(request_slots=16)
