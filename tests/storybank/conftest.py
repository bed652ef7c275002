"""Fixtures for command-line tests: the CLI pointed at the test database."""

from __future__ import annotations

import pytest

from storybank.config import get_settings


@pytest.fixture
def cli_env(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("STORYBANK_DATABASE_URL", database_url)
    monkeypatch.setenv("STORYBANK_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()
