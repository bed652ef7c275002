"""A stand-in for storybank.jobs (the review part's job runner) until it is merged:
the same `task` and `defer` signatures; deferred jobs are only noted, never run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TASKS: dict[str, tuple[Callable[..., Any], str | None]] = {}
DEFERRED: list[tuple[str, dict[str, Any]]] = []


def task(
    name: str, *, lock: str | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn(*, session_factory, **kwargs)` as the job called `name`."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        TASKS[name] = (fn, lock)
        return fn

    return register


def defer(name: str, **kwargs: Any) -> None:
    """Note that the job should run (the real runner queues it)."""
    DEFERRED.append((name, kwargs))
