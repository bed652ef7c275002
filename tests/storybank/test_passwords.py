"""Cutting off old credentials: revoking every token, ending sessions, changing one's
own password (the services behind the account page and POST /api/v1/account/password)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storybank import accounts
from storybank.errors import InvalidInput, TooManyRequests
from storybank.models import ApiToken, AuditEvent, LoginSession
from tests.builders import KEYED, PASSWORD, actor_for, make_user

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def other(session, somerset):
    return make_user(session, roles=["staff"], sites=[somerset], name="Other Person")


def _tokens(session, user):
    session.expire_all()
    return session.exec(select(ApiToken).where(ApiToken.user_id == user.id)).all()


def _session_ids(session, user):
    session.expire_all()
    return {s.id for s in session.exec(select(LoginSession).where(LoginSession.user_id == user.id))}


def _new_token(session, user, name="script"):
    return accounts.create_api_token(
        session=session, settings=KEYED, actor=actor_for(session, user), name=name
    )


def _events(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_revoke_all_tokens_revokes_only_that_users_live_tokens(session, staff, other):
    first_raw, _ = _new_token(session, staff, "one")
    _new_token(session, staff, "two")
    _, already = _new_token(session, staff, "revoked before")
    accounts.revoke_api_token(session=session, actor=actor_for(session, staff), token_id=already.id)
    earlier = next(t.revoked_at for t in _tokens(session, staff) if t.id == already.id)
    other_raw, _ = _new_token(session, other)

    revoked = accounts.revoke_all_tokens(session=session, user_id=staff.id, actor=None)
    session.commit()

    assert revoked == 2
    by_name = {t.name: t for t in _tokens(session, staff)}
    assert by_name["one"].revoked_at is not None and by_name["two"].revoked_at is not None
    assert by_name["revoked before"].revoked_at == earlier, "an old revocation is kept as it was"
    assert accounts.resolve_api_token(session=session, settings=KEYED, raw=first_raw) is None
    assert accounts.resolve_api_token(session=session, settings=KEYED, raw=other_raw) is not None


def test_revoke_all_tokens_audits_each_token_without_secrets(session, staff):
    raw, token = _new_token(session, staff)
    accounts.revoke_all_tokens(session=session, user_id=staff.id)
    session.commit()
    [event] = [e for e in _events(session, "token.revoke") if e.entity_id == str(token.id)]
    assert event.details == {"user_id": staff.id, "all_of_user": True}
    assert raw[4:12] not in str(event.details) and token.token_hash not in str(event.details)


def test_end_all_sessions_ends_every_session_of_the_user(session, staff, other):
    for _ in range(2):
        accounts.start_session(session=session, settings=KEYED, user=staff)
    kept = accounts.start_session(session=session, settings=KEYED, user=other)
    assert accounts.end_all_sessions(session=session, user_id=staff.id) == 2
    session.commit()
    assert _session_ids(session, staff) == set()
    assert _session_ids(session, other) == {kept.record.id}


def test_end_all_sessions_can_keep_the_current_one(session, staff):
    current = accounts.start_session(session=session, settings=KEYED, user=staff)
    accounts.start_session(session=session, settings=KEYED, user=staff)
    ended = accounts.end_all_sessions(
        session=session, user_id=staff.id, except_session_id=current.record.id
    )
    session.commit()
    assert ended == 1
    assert _session_ids(session, staff) == {current.record.id}


def _change(session, settings, user, current=PASSWORD, new=NEW_PASSWORD, keep=None):
    return accounts.change_own_password(
        session=session,
        settings=settings,
        actor=actor_for(session, user),
        current_password=current,
        new_password=new,
        keep_session_id=keep,
        address="10.1.1.1",
    )


def test_changing_ones_password_cuts_off_old_tokens_and_other_sessions(session, settings, staff):
    raw, _ = _new_token(session, staff)
    current = accounts.start_session(session=session, settings=KEYED, user=staff)
    accounts.start_session(session=session, settings=KEYED, user=staff)

    changed = _change(session, settings, staff, keep=current.record.id)

    assert changed == accounts.PasswordChanged(tokens_revoked=1, sessions_ended=1)
    assert accounts.resolve_api_token(session=session, settings=KEYED, raw=raw) is None
    assert _session_ids(session, staff) == {current.record.id}
    session.refresh(staff)
    assert accounts.password_matches(staff.password_hash, NEW_PASSWORD)
    assert not accounts.password_matches(staff.password_hash, PASSWORD)
    [event] = _events(session, "user.password_changed")
    assert event.actor_id == staff.id and event.entity_id == str(staff.id)
    assert event.details == {"tokens_revoked": 1, "sessions_ended": 1}


def test_wrong_current_password_changes_nothing_and_names_the_field(session, settings, staff):
    raw, _ = _new_token(session, staff)
    with pytest.raises(InvalidInput) as refused:
        _change(session, settings, staff, current="not my password")
    assert refused.value.code == "wrong_current_password"
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("current_password", "This is not your current password.")
    ]
    session.refresh(staff)
    assert accounts.password_matches(staff.password_hash, PASSWORD)
    assert accounts.resolve_api_token(session=session, settings=KEYED, raw=raw) is not None
    [failure] = _events(session, "user.password_change_failed")
    assert "not my password" not in str(failure.details)


def test_weak_new_password_follows_the_account_creation_rule(session, settings, staff):
    with pytest.raises(InvalidInput) as refused:
        _change(session, settings, staff, new="short")
    assert refused.value.code == "invalid_input"
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("new_password", "Use at least 10 characters.")
    ]
    session.refresh(staff)
    assert accounts.password_matches(staff.password_hash, PASSWORD)
    assert _events(session, "user.password_changed") == []


def test_wrong_and_blank_current_passwords_are_both_reported_with_a_weak_new_one(
    session, settings, staff
):
    with pytest.raises(InvalidInput) as refused:
        _change(session, settings, staff, current="", new="x" * 257)
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("current_password", "Enter your current password."),
        ("new_password", "Use at most 256 characters."),
    ]
    assert _events(session, "user.password_change_failed") == [], "a blank field is no guess"


def test_wrong_current_passwords_count_towards_login_throttling(session, settings, staff):
    for _ in range(settings.login_max_failures):
        with pytest.raises(InvalidInput):
            _change(session, settings, staff, current="a guess at it")
    with pytest.raises(TooManyRequests):
        _change(session, settings, staff)
    with pytest.raises(TooManyRequests):
        accounts.authenticate(
            session=session,
            settings=settings,
            email=staff.email,
            password=PASSWORD,
            address="10.9.9.9",
        )
    session.refresh(staff)
    assert accounts.password_matches(staff.password_hash, PASSWORD)


def test_admin_password_reset_revokes_tokens_and_ends_sessions(session, staff):
    # The CLI, the admin page and the admin API all reset through accounts.reset_password.
    raw, _ = _new_token(session, staff)
    accounts.start_session(session=session, settings=KEYED, user=staff)
    accounts.reset_password(session=session, actor=None, user_id=staff.id, password=NEW_PASSWORD)
    assert _session_ids(session, staff) == set()
    assert accounts.resolve_api_token(session=session, settings=KEYED, raw=raw) is None
    assert all(t.revoked_at is not None for t in _tokens(session, staff))
