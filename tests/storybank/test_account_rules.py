"""Account rules live in the service: whoever calls create_user gets the same checks."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from storybank.accounts import create_user
from storybank.errors import InvalidInput
from storybank.models import User
from tests.builders import make_site


def test_create_user_checks_every_field_itself_and_writes_nothing(session):
    site = make_site(session, "Derby")
    with pytest.raises(InvalidInput) as refused:
        create_user(
            session=session,
            actor=None,
            email="no-at-sign",
            display_name="   ",
            password="x" * 300,
            grants=[("wizard", site.id or 0), ("staff", 987654)],
        )
    fields = [p.field for p in refused.value.problems]
    assert fields.count("grants") == 2
    assert {"email", "display_name", "password"} <= set(fields)
    assert session.exec(select(func.count()).select_from(User)).one() == 0


def test_create_user_refuses_a_short_password_and_an_admin_below_the_top(session):
    site = make_site(session, "Derby")
    with pytest.raises(InvalidInput) as short:
        create_user(
            session=session,
            actor=None,
            email="a@example.org",
            display_name="A",
            password="short",
            grants=[("staff", site.id or 0)],
        )
    assert [p.field for p in short.value.problems] == ["password"]
    with pytest.raises(InvalidInput) as admin:
        create_user(
            session=session,
            actor=None,
            email="b@example.org",
            display_name="B",
            password="long enough password",
            grants=[("admin", site.id or 0)],
        )
    assert "grant it at the top unit" in admin.value.message
