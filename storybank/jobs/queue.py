"""Jobs in a PostgreSQL-backed queue (procrastinate), shared by every app worker.

Each app worker defers through a synchronous connection and runs one queue worker in a
thread of its own with its own event loop. procrastinate's `lock` keeps jobs sharing a
lock from running at once across all workers; `queueing_lock` keeps a job from being
queued twice; a job is fetched by exactly one worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy import Engine

from storybank.jobs.registry import TASKS, SessionFactory, TaskSpec

logger = logging.getLogger(__name__)


def libpq_conninfo(engine: Engine) -> str:
    """The engine's database as a libpq connection string (psycopg's own form)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class ProcrastinateRunner:
    """A procrastinate app for deferring and one worker for running, on our database."""

    def __init__(self, engine: Engine, session_factory: SessionFactory, name: str = "") -> None:
        conninfo = libpq_conninfo(engine)
        self.session_factory = session_factory
        self.name = name or "storybank"
        self._deferrer = procrastinate.App(
            connector=procrastinate.SyncPsycopgConnector(conninfo=conninfo, min_size=1, max_size=2)
        )
        self._worker = procrastinate.App(
            connector=procrastinate.PsycopgConnector(conninfo=conninfo, min_size=1, max_size=3)
        )
        for spec in TASKS.values():
            self._worker.task(name=spec.name, pass_context=False)(self._bound(spec))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="storybank-queue", daemon=True)

    def start(self) -> None:
        """Open the deferring connection and start the worker thread."""
        self._deferrer.open()
        self._thread.start()
        self._ready.wait(timeout=30)

    def stop(self) -> None:
        """Stop the worker (it lets a job in progress finish) and close connections."""
        if self._loop is not None and self._task is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(timeout=30)
        self._deferrer.close()

    def defer(self, spec: TaskSpec, kwargs: dict[str, Any]) -> None:
        """Queue the job in the database (a second one with its queueing lock is a no-op)."""
        deferrer = self._deferrer.configure_task(
            spec.name, lock=spec.lock, queueing_lock=spec.queueing_key(kwargs)
        )
        try:
            deferrer.defer(**kwargs)
        except AlreadyEnqueued:
            logger.debug("job %s already queued", spec.name)

    def _bound(self, spec: TaskSpec) -> Any:
        def run(**kwargs: Any) -> None:
            spec.fn(session_factory=self.session_factory, **kwargs)

        run.__name__ = spec.name.replace(".", "_")
        return run

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        async with self._worker.open_async():
            self._task = asyncio.create_task(
                self._worker.run_worker_async(
                    name=self.name,
                    install_signal_handlers=False,
                    wait=True,
                    concurrency=1,
                    delete_jobs="successful",
                    shutdown_graceful_timeout=25,
                )
            )
            self._ready.set()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
