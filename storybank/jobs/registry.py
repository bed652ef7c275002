"""The registered jobs and start-up sweeps, and what a runner is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlmodel import Session

SessionFactory = Callable[[], Session]
Job = Callable[..., None]


@dataclass(frozen=True)
class TaskSpec:
    """A registered job: its name, function and locks."""

    name: str
    fn: Job
    lock: str | None = None
    queueing_lock: str | None = None

    def queueing_key(self, kwargs: dict[str, Any]) -> str | None:
        """The queueing lock for these arguments, if the job has one."""
        return self.queueing_lock.format(**kwargs) if self.queueing_lock else None


class Runner(Protocol):
    """Runs deferred jobs somewhere."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def defer(self, spec: TaskSpec, kwargs: dict[str, Any]) -> None: ...


TASKS: dict[str, TaskSpec] = {}
SWEEPS: list[Callable[[SessionFactory], None]] = []


def session_factory_for(engine: Engine) -> SessionFactory:
    """New sessions on this engine, one per job."""
    return lambda: Session(engine, expire_on_commit=False)
