"""Fixtures for page tests: two sites, a staff member of the first, logged in."""

from __future__ import annotations

import pytest

from tests.web.pages import log_in


@pytest.fixture
def csrf(client, staff) -> str:
    """Log the client in as the Somerset staff member; the session's CSRF token."""
    return log_in(client, staff)
