"""The active model for this process: loaded once, reloaded when the active version changes."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlmodel import Session, select

import nlp
from nlp.interface import Suggester
from storybank.learning.versions import active_version_id
from storybank.models import ModelVersion


@dataclass
class _Loaded:
    version: str
    model: Suggester


_lock = threading.Lock()
_loaded: dict[str, _Loaded] = {}
_installed: Suggester | None = None


def active_suggester(*, session: Session) -> Suggester | None:
    """The active model, or None when none has been trained (one small query per call)."""
    if _installed is not None:
        return _installed
    version = active_version_id(session)
    if version is None:
        return None
    where = _database_key(session)
    with _lock:
        found = _loaded.get(where)
        if found is not None and found.version == version:
            return found.model
    model = _load(session, version)
    with _lock:
        _loaded[where] = _Loaded(version, model)
    return model


def use_suggester(suggester: Suggester | None) -> None:
    """Install a suggester that overrides the stored versions (tests); None removes it."""
    global _installed
    _installed = suggester


def forget_loaded_models() -> None:
    """Drop every cached model (tests, and after a database is replaced)."""
    with _lock:
        _loaded.clear()


def _load(session: Session, version: str) -> Suggester:
    artifact = session.exec(
        select(ModelVersion.artifact).where(ModelVersion.version == version)
    ).one()
    return nlp.load_model(artifact)


def _database_key(session: Session) -> str:
    # One cache entry per database, so tests (and tools) with several databases stay apart.
    bind = session.get_bind()
    return bind.engine.url.render_as_string(hide_password=True)
