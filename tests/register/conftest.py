"""Sites and people the register tests import and export with."""

from __future__ import annotations

import pytest

from storybank.access import Actor
from tests.builders import actor_for, make_site, make_user


@pytest.fixture
def somerset(session):
    return make_site(session, "Somerset", region="South West England")


@pytest.fixture
def derby(session):
    return make_site(session, "Derby", region="East Midlands")


@pytest.fixture
def staff(session, somerset):
    return make_user(session, roles=["staff"], sites=[somerset], name="Sam Staff")


@pytest.fixture
def staff_actor(session, staff) -> Actor:
    return actor_for(session, staff)


@pytest.fixture
def admin(session):
    return make_user(session, roles=["admin"], name="Ada Admin", email="ada@example.org")


@pytest.fixture
def admin_actor(session, admin) -> Actor:
    return actor_for(session, admin)
