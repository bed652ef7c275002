"""Fixtures for page tests: two sites, a staff member of the first, logged in."""

from __future__ import annotations

import pytest

from tests.builders import make_site, make_user
from tests.web.pages import log_in


@pytest.fixture
def somerset(session):
    return make_site(session, "Somerset")


@pytest.fixture
def derby(session):
    return make_site(session, "Derby")


@pytest.fixture
def staff(session, somerset):
    return make_user(session, roles=["staff"], sites=[somerset], name="Sam Staff")


@pytest.fixture
def csrf(client, staff) -> str:
    """Log the client in as the Somerset staff member; the session's CSRF token."""
    return log_in(client, staff)
