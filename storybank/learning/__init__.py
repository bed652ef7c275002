"""The active suggestion model (placeholder until model versions are stored).

This small version only answers "which Suggester is active": none, unless one has been
installed with `use_suggester` (tests, or a process that trained a model in memory). The
model-versions part replaces it with one that loads the active stored version.
"""

from __future__ import annotations

from sqlmodel import Session

from nlp.interface import Suggester

_installed: Suggester | None = None


def active_suggester(*, session: Session) -> Suggester | None:
    """The model that suggests codes now, or None when there is no trained model yet."""
    return _installed


def use_suggester(suggester: Suggester | None) -> None:
    """Install (or, with None, remove) the suggester `active_suggester` returns."""
    global _installed
    _installed = suggester
