"""Jobs run at once, in the caller's thread (tests; the caller has committed already)."""

from __future__ import annotations

from typing import Any

from storybank.jobs.registry import SessionFactory, TaskSpec


class InlineRunner:
    """Runs each job as it is deferred; its errors reach the caller."""

    def __init__(self, session_factory: SessionFactory) -> None:
        self.session_factory = session_factory

    def start(self) -> None:
        """Nothing to start."""

    def stop(self) -> None:
        """Nothing to stop."""

    def defer(self, spec: TaskSpec, kwargs: dict[str, Any]) -> None:
        """Run the job now."""
        spec.fn(session_factory=self.session_factory, **kwargs)
