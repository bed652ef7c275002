"""Time the story list at scale: the app beside the same results written by hand in SQL.

    python bench/run.py --stories 100000 [--postgres-url URL] [--runs 30]

Builds the bank in a temporary SQLite file (and, given a PostgreSQL URL or
STORYBANK_BENCH_POSTGRES_URL, in a throwaway database on that server, dropped at the
end), then sends each request through the real app in-process and prints app p50/p95,
hand-written SQL p50/p95 and the app's time beyond the SQL, in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.app import create_app
from bench.cases import BENCH_SECRET, Bank, Case, build_bank, cases
from storybank.config import Settings
from storybank.db import make_engine


@dataclass
class Timing:
    """One case's figures: milliseconds at p50 and p95 for the app and for the SQL."""

    case: str
    app_p50: float
    app_p95: float
    sql_p50: float
    sql_p95: float
    same: bool


@dataclass
class Answer:
    """What one side returned: the total and the ids of the page, in order."""

    total: int
    ids: list[int]


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 of the samples, in milliseconds."""
    ordered = sorted(s * 1000 for s in samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(call: Callable[[], object], runs: int) -> list[float]:
    """Seconds taken by each of `runs` calls, after two warm-up calls."""
    for _ in range(2):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def app_answer(client: TestClient, bank: Bank, case: Case) -> Answer:
    """The app's answer to a case, checked to be a 200."""
    response = client.get(case.path, params=case.params, headers=bank.headers[case.actor])
    assert response.status_code == 200, (case.name, response.status_code, response.text)
    body = response.json()
    if "items" in body:
        return Answer(body["total"], [item["id"] for item in body["items"]])
    return Answer(1, [body["id"]])


def sql_answer(bank: Bank, case: Case) -> Answer:
    """The hand-written SQL's answer to a case."""
    assert case.sql is not None
    with bank.engine.connect() as connection:
        total, ids = case.sql(connection)
    return Answer(total, ids)


def measure(bank: Bank, client: TestClient, runs: int) -> list[Timing]:
    """Every case timed through the app and as hand-written SQL."""
    timings = []
    for case in cases(bank, client):
        app_times = timed(lambda c=case: app_answer(client, bank, c), runs)  # type: ignore[misc]
        sql_times = timed(lambda c=case: sql_answer(bank, c), runs)  # type: ignore[misc]
        same = app_answer(client, bank, case) == sql_answer(bank, case)
        timings.append(Timing(case.name, *percentiles(app_times), *percentiles(sql_times), same))
    return timings


def print_table(title: str, timings: list[Timing]) -> None:
    """The figures as a plain table."""
    print(f"\n{title}")
    header = (
        f"{'request':34} {'app p50':>8} {'app p95':>8} {'SQL p50':>8} {'SQL p95':>8} "
        f"{'app-SQL p50':>11} {'app-SQL p95':>11}  same"
    )
    print(header)
    print("-" * len(header))
    for t in timings:
        print(
            f"{t.case:34} {t.app_p50:8.1f} {t.app_p95:8.1f} {t.sql_p50:8.1f} {t.sql_p95:8.1f} "
            f"{t.app_p50 - t.sql_p50:11.1f} {t.app_p95 - t.sql_p95:11.1f}  "
            f"{'yes' if t.same else 'NO'}"
        )


@contextmanager
def app_client(engine: Engine, workdir: Path) -> Iterator[TestClient]:
    """The real app on this engine, in-process."""
    settings = Settings(
        environment="development",
        data_dir=workdir,
        database_url=str(engine.url),
        secret_key=BENCH_SECRET,
        log_level="WARNING",
    )
    with TestClient(create_app(settings=settings, engine=engine)) as client:
        yield client


@contextmanager
def sqlite_engine(workdir: Path) -> Iterator[Engine]:
    """An engine on a new SQLite file in the work folder."""
    engine = make_engine(f"sqlite:///{workdir / 'bench.db'}")
    yield engine
    engine.dispose()


@contextmanager
def postgres_engine(server_url: str) -> Iterator[Engine]:
    """An engine on a throwaway database on this server, dropped afterwards."""
    name = f"storybank_bench_{uuid.uuid4().hex[:8]}"
    admin_url = make_url(server_url).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(admin_url.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench(engine: Engine, workdir: Path, stories: int, runs: int) -> tuple[Bank, list[Timing]]:
    """Build the bank on this engine and time every case."""
    bank = build_bank(engine, stories)
    with app_client(engine, workdir) as client:
        return bank, measure(bank, client, runs)


def _title(database: str, stories: int, bank: Bank) -> str:
    return f"{database}, {stories:,} stories (generated in {bank.seconds:.0f} s)"


def main(argv: list[str] | None = None) -> None:
    """Run the bench on SQLite, and on PostgreSQL when a server URL is given."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--postgres-url", default=os.environ.get("STORYBANK_BENCH_POSTGRES_URL"))
    parser.add_argument("--only", choices=("sqlite", "postgres"), default=None)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="storybank-bench-"))
    try:
        if args.only != "postgres":
            with sqlite_engine(workdir) as engine:
                bank, timings = bench(engine, workdir, args.stories, args.runs)
                print_table(_title("SQLite", args.stories, bank), timings)
        if args.postgres_url and args.only != "sqlite":
            with postgres_engine(args.postgres_url) as engine:
                bank, timings = bench(engine, workdir, args.stories, args.runs)
                print_table(_title("PostgreSQL", args.stories, bank), timings)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
