"""Jobs run by one worker thread of the process (the SQLite default).

The queue lives in memory: work a restart cuts short is found again by the start-up sweeps
(e.g. stories whose suggestions are still pending), which run first in the worker thread.
One thread runs every job, so jobs sharing a lock never overlap.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from storybank.jobs.registry import SWEEPS, SessionFactory, TaskSpec

logger = logging.getLogger(__name__)
_STOP = object()


class ThreadRunner:
    """An in-process queue and the thread that works through it."""

    def __init__(self, session_factory: SessionFactory) -> None:
        self.session_factory = session_factory
        self._queue: queue.Queue[Any] = queue.Queue()
        self._queued: set[str] = set()
        self._guard = threading.Lock()
        self._thread = threading.Thread(target=self._work, name="storybank-jobs", daemon=True)

    def start(self) -> None:
        """Start the worker thread (it runs the sweeps first)."""
        self._thread.start()

    def stop(self) -> None:
        """Finish the job in hand, then stop (queued jobs are left to the sweeps)."""
        self._queue.put(_STOP)
        self._thread.join(timeout=30)

    def defer(self, spec: TaskSpec, kwargs: dict[str, Any]) -> None:
        """Queue the job unless one with the same queueing lock is waiting."""
        key = spec.queueing_key(kwargs)
        with self._guard:
            if key is not None and key in self._queued:
                return
            if key is not None:
                self._queued.add(key)
        self._queue.put((spec, kwargs, key))

    def wait_until_idle(self) -> None:
        """Block until every queued job has run (tests and the CLI)."""
        self._queue.join()

    def _work(self) -> None:
        for sweep in SWEEPS:
            try:
                sweep(self.session_factory)
            except Exception:  # a failing sweep must not stop the worker; it is logged
                logger.exception("start-up sweep %s failed", sweep.__name__)
        while (item := self._queue.get()) is not _STOP:
            self._run_one(*item)
            self._queue.task_done()
        self._queue.task_done()

    def _run_one(self, spec: TaskSpec, kwargs: dict[str, Any], key: str | None) -> None:
        with self._guard:
            self._queued.discard(key or "")
        try:
            spec.fn(session_factory=self.session_factory, **kwargs)
        except Exception:  # one failing job must not stop the worker; it is logged
            logger.exception("background job %s failed", spec.name)
