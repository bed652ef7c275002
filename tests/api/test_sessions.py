"""Session cookies, CSRF on cookie-authenticated API writes, idle timeout, throttling."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.deps import SESSION_COOKIE
from storybank import accounts
from storybank.errors import InvalidInput, TooManyRequests
from storybank.models import LoginSession
from tests.builders import KEYED, PASSWORD, make_site, make_user


@pytest.fixture
def staff(session):
    return make_user(session, roles=["staff"], sites=[make_site(session)], email="sam@example.org")


def _signed_in(client, session, user):
    new = accounts.start_session(session=session, settings=KEYED, user=user)
    client.cookies.set(SESSION_COOKIE, new.token)
    return new


def test_session_cookie_signs_in_json_reads(client, session, staff):
    _signed_in(client, session, staff)
    assert client.get("/api/v1/me").json()["email"] == "sam@example.org"


def test_cookie_authenticated_api_write_needs_the_csrf_header(client, session, staff):
    new = _signed_in(client, session, staff)
    refused = client.post("/api/v1/tokens", json={"name": "x"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    accepted = client.post(
        "/api/v1/tokens", json={"name": "x"}, headers={"X-CSRF-Token": new.record.csrf_token}
    )
    assert accepted.status_code == 201


def _age(session, new, **ago):
    record = session.get(LoginSession, new.record.id)
    record.last_seen_at -= timedelta(**ago)
    session.add(record)
    session.commit()


def test_idle_session_ends(client, session, staff, settings):
    new = _signed_in(client, session, staff)
    assert client.get("/api/v1/me").status_code == 200, "signed in until idle"
    _age(session, new, minutes=settings.session_idle_minutes + 1)
    assert client.get("/api/v1/me").status_code == 401
    assert accounts.ended_session(session=session, settings=settings, token=new.token)


def test_an_ended_session_is_forgotten_two_hours_after_it_ended(client, session, staff, settings):
    new = _signed_in(client, session, staff)
    _age(session, new, minutes=settings.session_idle_minutes + 121)
    assert accounts.ended_session(session=session, settings=settings, token=new.token) is None
    assert client.get("/api/v1/me").status_code == 401
    session.expunge_all()
    assert session.get(LoginSession, new.record.id) is None


def test_a_live_session_is_not_an_ended_one(session, staff, settings):
    new = accounts.start_session(session=session, settings=KEYED, user=staff)
    assert accounts.ended_session(session=session, settings=settings, token=new.token) is None


def test_login_rotates_the_session_id(session, staff):
    first = accounts.start_session(session=session, settings=KEYED, user=staff)
    second = accounts.start_session(
        session=session, settings=KEYED, user=staff, previous_token=first.token
    )
    assert first.record.id != second.record.id
    assert session.get(LoginSession, first.record.id) is None


def test_disabling_a_user_ends_their_sessions(client, session, staff):
    _signed_in(client, session, staff)
    assert client.get("/api/v1/me").status_code == 200, "signed in until disabled"
    accounts.set_active(session=session, actor=None, user_id=staff.id, active=False)
    assert client.get("/api/v1/me").status_code == 401


def _fail_login(session, settings, email, address):
    with pytest.raises(InvalidInput) as failure:
        accounts.authenticate(
            session=session,
            settings=settings,
            email=email,
            password="wrong password",
            address=address,
        )
    return failure.value.message


def test_unknown_account_and_wrong_password_get_the_same_message(session, staff, settings):
    assert {
        _fail_login(session, settings, "sam@example.org", "10.0.0.1"),
        _fail_login(session, settings, "nobody@example.org", "10.0.0.2"),
    } == {accounts.GENERIC_LOGIN_ERROR}


def test_repeated_failures_for_one_account_are_throttled(session, staff, settings):
    for n in range(settings.login_max_failures):
        _fail_login(session, settings, "sam@example.org", f"10.0.1.{n}")
    with pytest.raises(TooManyRequests) as throttled:
        accounts.authenticate(
            session=session,
            settings=settings,
            email="sam@example.org",
            password=PASSWORD,
            address="10.0.9.9",
        )
    assert throttled.value.retry_after == settings.login_lockout_seconds


def test_repeated_failures_from_one_address_are_throttled(session, staff, settings):
    for n in range(settings.login_max_failures):
        _fail_login(session, settings, f"guess{n}@example.org", "10.0.2.1")
    with pytest.raises(TooManyRequests):
        accounts.authenticate(
            session=session,
            settings=settings,
            email="sam@example.org",
            password=PASSWORD,
            address="10.0.2.1",
        )
    user = accounts.authenticate(
        session=session,
        settings=settings,
        email="SAM@example.org",
        password=PASSWORD,
        address="10.0.3.1",
    )
    assert user.id == staff.id
