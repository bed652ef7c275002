"""Stored hashes of login sessions, API tokens and held forms are keyed by the installation's
secret (STORYBANK_SECRET_KEY): a copy of the database alone cannot be checked against a
cookie or a token, and a new secret ends every session and token."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import select

from api.app import create_app
from api.deps import SESSION_COOKIE
from storybank import accounts
from storybank.accounts import held_forms
from storybank.config import Settings
from storybank.models import ApiToken, HeldForm
from tests.builders import KEYED, actor_for, make_site, make_user


def _sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _other_secret(settings: Settings) -> Settings:
    return settings.model_copy(update={"secret_key": SecretStr("another-secret-of-enough-length")})


def test_a_session_is_stored_under_a_keyed_hash_and_only_that_secret_resolves_it(
    session, settings, staff
):
    new = accounts.start_session(session=session, settings=settings, user=staff)
    assert new.record.id != _sha256(new.token)
    assert new.record.id != new.token
    assert accounts.resolve_session(session=session, settings=settings, token=new.token)
    other = _other_secret(settings)
    assert accounts.resolve_session(session=session, settings=other, token=new.token) is None
    assert new.record.id != accounts.credentials.token_digest(new.token, other)


def test_an_api_token_is_stored_under_a_keyed_hash(session, settings, staff):
    raw, token = accounts.create_api_token(
        session=session, settings=settings, actor=actor_for(session, staff), name="script"
    )
    stored = session.exec(select(ApiToken).where(ApiToken.id == token.id)).one()
    assert stored.token_hash not in (_sha256(raw), raw)
    found = accounts.resolve_api_token(session=session, settings=settings, raw=raw)
    assert found is not None and found.id == staff.id
    assert (
        accounts.resolve_api_token(session=session, settings=_other_secret(settings), raw=raw)
        is None
    )


def test_a_held_form_is_stored_under_a_keyed_hash(session, settings, staff):
    ended = accounts.start_session(session=session, settings=settings, user=staff).record
    token = held_forms.hold_form(
        session=session, settings=settings, ended=ended, target="/stories/new", form={}
    )
    assert token is not None
    held = session.exec(select(HeldForm)).one()
    assert held.token_hash not in (_sha256(token), token)


def test_an_app_with_another_secret_signs_nobody_in(settings, engine, session):
    user = make_user(session, roles=["staff"], sites=[make_site(session)], email="kim@example.org")
    raw, _ = accounts.create_api_token(
        session=session, settings=KEYED, actor=actor_for(session, user), name="script"
    )
    cookie = accounts.start_session(session=session, settings=KEYED, user=user).token
    bearer = {"Authorization": f"Bearer {raw}"}
    with TestClient(create_app(settings=settings, engine=engine)) as same:
        assert same.get("/api/v1/me", headers=bearer).json()["email"] == "kim@example.org"
        same.cookies.set(SESSION_COOKIE, cookie)
        assert same.get("/api/v1/me").status_code == 200
    with TestClient(create_app(settings=_other_secret(settings), engine=engine)) as other:
        refused = other.get("/api/v1/me", headers=bearer)
        assert refused.status_code == 401
        assert (
            refused.json()["error"]["message"] == "That API token is unknown, expired or revoked."
        )
        other.cookies.set(SESSION_COOKIE, cookie)
        assert other.get("/api/v1/me").status_code == 401


def test_the_development_secret_is_shared_by_every_process_on_the_data_dir(tmp_path):
    app = Settings(environment="development", data_dir=tmp_path)
    cli = Settings(environment="development", data_dir=tmp_path)
    digest = accounts.credentials.token_digest("a cookie", app)
    assert accounts.credentials.token_digest("a cookie", cli) == digest
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"], "no draft file is left"
    other = Settings(environment="development", data_dir=tmp_path / "elsewhere")
    assert accounts.credentials.token_digest("a cookie", other) != digest
