"""Background jobs: register a function with `task`, queue it with `defer`.

The app's lifespan calls `start` and `stop`. `Settings.jobs_backend` picks the runner:
"inline" runs a job at once in the caller's thread (tests), "thread" runs jobs in one worker
thread of the process (the SQLite default; start-up sweeps re-queue work a restart cut
short), "procrastinate" puts them in a PostgreSQL-backed queue shared by every app worker
(the PostgreSQL default; each app worker runs a queue worker in its lifespan). A job is
`fn(*, session_factory, **kwargs)`; its arguments must be JSON values. Before `start` (a
CLI command, a service called outside the app) `defer` queues nothing: the sweeps pick the
work up later.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from storybank.config import Settings
from storybank.jobs.registry import (
    SWEEPS,
    TASKS,
    Job,
    Runner,
    SessionFactory,
    TaskSpec,
    session_factory_for,
)

__all__ = [
    "Job",
    "Runner",
    "SessionFactory",
    "TaskSpec",
    "backend_for",
    "defer",
    "on_start",
    "running",
    "start",
    "stop",
    "task",
]

logger = logging.getLogger(__name__)
# Modules whose import registers tasks (and start-up sweeps).
TASK_MODULES = ("storybank.review.suggesting", "storybank.learning.retraining")
_runner: Runner | None = None


def task(
    name: str, *, lock: str | None = None, queueing_lock: str | None = None
) -> Callable[[Job], Job]:
    """Register `fn(*, session_factory, **kwargs)` as the job `name`.

    `lock`: jobs sharing it never run at the same time. `queueing_lock`: a format string
    over the job's arguments (e.g. "suggest:{story_id}"); while one such job is queued,
    deferring another is a no-op.
    """

    def register(fn: Job) -> Job:
        TASKS[name] = TaskSpec(name=name, fn=fn, lock=lock, queueing_lock=queueing_lock)
        return fn

    return register


def on_start(fn: Callable[[SessionFactory], None]) -> Callable[[SessionFactory], None]:
    """Register a sweep run when a runner without a persistent queue starts."""
    SWEEPS.append(fn)
    return fn


def defer(name: str, **kwargs: Any) -> None:
    """Queue the job `name` with these arguments (nothing happens before `start`)."""
    if name not in TASKS:
        raise KeyError(f"no job called {name!r} is registered")
    if _runner is None:
        logger.debug("job %s not queued: no job runner is running", name)
        return
    _runner.defer(TASKS[name], kwargs)


def backend_for(settings: Settings, engine: Engine) -> str:
    """The runner `settings.jobs_backend` means on this database."""
    if settings.jobs_backend != "auto":
        return settings.jobs_backend
    return "procrastinate" if engine.dialect.name == "postgresql" else "thread"


def start(*, settings: Settings, engine: Engine) -> Runner:
    """Start the runner for this process (the app's lifespan calls this)."""
    global _runner
    for module in TASK_MODULES:
        importlib.import_module(module)
    _runner = _make_runner(backend_for(settings, engine), engine)
    _runner.start()
    return _runner


def stop() -> None:
    """Stop the running runner, letting a job in progress finish."""
    global _runner
    runner, _runner = _runner, None
    if runner is not None:
        runner.stop()


def running() -> Runner | None:
    """The runner started by `start`, if any."""
    return _runner


def _make_runner(backend: str, engine: Engine) -> Runner:
    factory = session_factory_for(engine)
    if backend == "inline":
        from storybank.jobs.inline import InlineRunner

        return InlineRunner(factory)
    if backend == "thread":
        from storybank.jobs.threaded import ThreadRunner

        return ThreadRunner(factory)
    if engine.dialect.name != "postgresql":
        raise ValueError('jobs_backend "procrastinate" needs a PostgreSQL database')
    from storybank.jobs.queue import ProcrastinateRunner

    return ProcrastinateRunner(engine, factory)
