"""Background jobs: the inline and thread runners here, procrastinate on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from storybank import jobs
from storybank.config import Settings
from storybank.jobs.inline import InlineRunner
from storybank.jobs.registry import SWEEPS, TASKS, session_factory_for
from storybank.jobs.threaded import ThreadRunner


@pytest.fixture
def registry() -> Iterator[None]:
    """Jobs registered by a test are forgotten after it."""
    tasks, sweeps = dict(TASKS), list(SWEEPS)
    yield
    TASKS.clear()
    TASKS.update(tasks)
    SWEEPS[:] = sweeps


def _wait_for(condition: Callable[[], bool]) -> None:
    """Wait until the condition holds (a safety limit, not a speed check)."""
    limit = time.monotonic() + 60
    while not condition():
        if time.monotonic() > limit:
            raise AssertionError("the jobs did not finish")
        time.sleep(0.05)


def test_backend_auto_is_a_thread_on_sqlite_and_the_queue_on_postgresql(settings, engine):
    auto = Settings(**{**settings.model_dump(), "jobs_backend": "auto"})
    expected = "procrastinate" if engine.dialect.name == "postgresql" else "thread"
    assert jobs.backend_for(auto, engine) == expected
    assert jobs.backend_for(settings, engine) == "inline"


def test_defer_before_start_queues_nothing_and_an_unknown_job_is_an_error(registry):
    ran: list[int] = []
    jobs.task("test.note")(lambda *, session_factory, n: ran.append(n))
    jobs.defer("test.note", n=1)
    assert ran == []
    with pytest.raises(KeyError, match=r"test\.unknown"):
        jobs.defer("test.unknown")


def test_inline_runner_runs_the_job_at_once_with_a_session_factory(registry, engine):
    seen: list[object] = []

    @jobs.task("test.inline")
    def note(*, session_factory, n: int) -> None:
        with session_factory() as session:
            seen.append((n, session.get_bind().dialect.name))

    runner = InlineRunner(session_factory_for(engine))
    runner.defer(TASKS["test.inline"], {"n": 7})
    assert seen == [(7, engine.dialect.name)]


def test_thread_runner_sweeps_first_then_runs_each_queued_job_once(registry, engine):
    ran: list[str] = []
    gate = threading.Event()
    jobs.on_start(lambda session_factory: ran.append("sweep"))

    @jobs.task("test.slow")
    def slow(*, session_factory) -> None:
        gate.wait(10)
        ran.append("slow")

    @jobs.task("test.once", queueing_lock="once:{key}")
    def once(*, session_factory, key: str) -> None:
        ran.append(key)

    runner = ThreadRunner(session_factory_for(engine))
    runner.start()
    runner.defer(TASKS["test.slow"], {})
    for key in ("a", "a", "b"):
        runner.defer(TASKS["test.once"], {"key": key})
    gate.set()
    runner.wait_until_idle()
    runner.stop()
    assert ran == ["sweep", "slow", "a", "b"]


def test_a_failing_job_is_logged_and_the_thread_carries_on(registry, engine, caplog):
    ran: list[str] = []

    @jobs.task("test.fails")
    def fails(*, session_factory) -> None:
        raise RuntimeError("broken on purpose")

    jobs.task("test.after")(lambda *, session_factory: ran.append("after"))
    runner = ThreadRunner(session_factory_for(engine))
    runner.start()
    runner.defer(TASKS["test.fails"], {})
    runner.defer(TASKS["test.after"], {})
    runner.wait_until_idle()
    runner.stop()
    assert ran == ["after"]
    assert "background job test.fails failed" in caplog.text


@pytest.mark.postgres_only
def test_two_queue_workers_run_each_job_exactly_once(registry, engine):
    from storybank.jobs.queue import ProcrastinateRunner

    done: list[int] = []
    guard = threading.Lock()

    @jobs.task("test.count")
    def count(*, session_factory, n: int) -> None:
        with guard:
            done.append(n)

    runners = [ProcrastinateRunner(engine, session_factory_for(engine), f"w{i}") for i in (1, 2)]
    for runner in runners:
        runner.start()
    try:
        for n in range(12):
            runners[n % 2].defer(TASKS["test.count"], {"n": n})
        _wait_for(lambda: len(done) >= 12)
        time.sleep(0.5)  # room for a duplicate to show itself, if there were one
    finally:
        for runner in runners:
            runner.stop()
    assert sorted(done) == list(range(12))


@pytest.mark.postgres_only
def test_a_locked_job_never_runs_twice_at_once_across_workers(registry, engine):
    from storybank.jobs.queue import ProcrastinateRunner

    running, most, finished = [0], [0], []
    guard = threading.Lock()

    @jobs.task("test.retrain", lock="retrain")
    def retrain(*, session_factory, n: int) -> None:
        with guard:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.2)
        with guard:
            running[0] -= 1
            finished.append(n)

    runners = [ProcrastinateRunner(engine, session_factory_for(engine), f"w{i}") for i in (1, 2)]
    for runner in runners:
        runner.start()
    try:
        for n in range(4):
            runners[n % 2].defer(TASKS["test.retrain"], {"n": n})
        _wait_for(lambda: len(finished) >= 4)
    finally:
        for runner in runners:
            runner.stop()
    assert sorted(finished) == [0, 1, 2, 3]
    assert most[0] == 1


@pytest.mark.postgres_only
def test_a_job_with_a_queueing_lock_is_not_queued_twice(registry, engine):
    from storybank.jobs.queue import ProcrastinateRunner

    gate, ran = threading.Event(), []

    @jobs.task("test.block")
    def block(*, session_factory) -> None:
        gate.wait(20)

    @jobs.task("test.story", queueing_lock="story:{story_id}")
    def story(*, session_factory, story_id: int) -> None:
        ran.append(story_id)

    runner = ProcrastinateRunner(engine, session_factory_for(engine), "w1")
    runner.start()
    try:
        runner.defer(TASKS["test.block"], {})
        runner.defer(TASKS["test.story"], {"story_id": 5})
        runner.defer(TASKS["test.story"], {"story_id": 5})
        gate.set()
        _wait_for(lambda: len(ran) >= 1)
        time.sleep(0.5)
    finally:
        runner.stop()
    assert ran == [5]
