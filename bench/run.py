"""Time the story list at scale: the app beside the same results written by hand in SQL.

    python bench/run.py --stories 100000 [--postgres-url URL] [--runs 30] [--load 60]

Builds the bank in a temporary SQLite file (and, given a PostgreSQL URL or
STORYBANK_BENCH_POSTGRES_URL, in a throwaway database on that server, dropped at the
end), then sends each request through the real app in-process and prints app p50/p95,
hand-written SQL p50/p95 and the app's time beyond the SQL, in milliseconds; then one
site's CSV export beside hand-written SQL and the csv module, the whole bank's export
with its peak memory growth, a load test (20 clients over loopback, bench/load.py) and
the import of 20,000 rows.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
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
from bench.load import LoadResult, run_load, served
from bench.register import (
    RegisterTimes,
    import_file,
    site_export_app,
    site_export_sql,
    timed_import,
)
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
        f"{'app-SQL p50':>11} {'app-SQL p95':>11} {'ratio p50':>9}  same"
    )
    print(header)
    print("-" * len(header))
    for t in timings:
        print(
            f"{t.case:34} {t.app_p50:8.1f} {t.app_p95:8.1f} {t.sql_p50:8.1f} {t.sql_p95:8.1f} "
            f"{t.app_p50 - t.sql_p50:11.1f} {t.app_p95 - t.sql_p95:11.1f} "
            f"{t.app_p50 / max(t.sql_p50, 0.001):9.2f}  "
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


@dataclass
class Extras:
    """The register's and the load test's figures for one database."""

    register: RegisterTimes
    load: LoadResult | None


def bench(
    engine: Engine, workdir: Path, stories: int, runs: int, load_seconds: float
) -> tuple[Bank, list[Timing], Extras]:
    """Build the bank on this engine, time every case, the register and the load test."""
    bank = build_bank(engine, stories)
    with app_client(engine, workdir) as client:
        timings = measure(bank, client, runs)
    return bank, timings, extras(bank, workdir, load_seconds)


def extras(bank: Bank, workdir: Path, load_seconds: float) -> Extras:
    """The exports, the load test (it adds drafts), then the import (it adds stories)."""
    engine = bank.engine
    url = engine.url.render_as_string(hide_password=False)
    site = largest_site(engine)
    site_rows, site_app = site_export_app(engine, site, workdir)
    _, site_sql = site_export_sql(engine, site, workdir)
    whole = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("register.py")), "rss", url],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    load = None
    if load_seconds > 0:
        with served(url, BENCH_SECRET, workdir) as base:
            load = run_load(
                base=base,
                engine=engine,
                headers=bank.headers["staff"],
                story_ids=staff_story_ids(bank),
                site_id=bank.a_site,
                seconds=load_seconds,
            )
    content = import_file(engine, workdir)
    imported, import_seconds = timed_import(engine, content, BENCH_SECRET)
    times = RegisterTimes(
        site_rows, site_app, site_sql, int(whole[0]), float(whole[1]), float(whole[2]),
        imported, import_seconds,
    )  # fmt: skip
    return Extras(times, load)


def largest_site(engine: Engine) -> int:
    """The site with the most stories."""
    with engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT site_id FROM stories GROUP BY site_id ORDER BY count(*) DESC LIMIT 1")
            ).scalar_one()
        )


def staff_story_ids(bank: Bank) -> list[int]:
    """Up to 2,000 ids of stories the staff member may read (their sites)."""
    sites = ", ".join(str(s) for s in bank.staff_sites)
    with bank.engine.connect() as connection:
        found = connection.execute(
            text(f"SELECT id FROM stories WHERE site_id IN ({sites}) ORDER BY id LIMIT 2000")
        )
        return [int(i) for i in found.scalars()]


def print_extras(found: Extras) -> None:
    """The register's figures and the load test's, below the table."""
    r = found.register
    print(
        f"one site's CSV export ({r.site_rows:,} stories): app {r.site_app:.2f} s, "
        f"SQL + csv module {r.site_sql:.2f} s, ratio {r.site_app / r.site_sql:.2f}"
    )
    print(
        f"whole-bank CSV export ({r.bank_rows:,} stories): {r.bank_seconds:.1f} s, "
        f"peak RSS growth {r.bank_rss_mb:.0f} MB"
    )
    print(f"import of {r.import_rows:,} rows: {r.import_seconds:.1f} s")
    if found.load is not None:
        print(f"load, 20 clients: {found.load.line()}")


def _title(database: str, stories: int, bank: Bank) -> str:
    return f"{database}, {stories:,} stories (generated in {bank.seconds:.0f} s)"


def main(argv: list[str] | None = None) -> None:
    """Run the bench on SQLite, and on PostgreSQL when a server URL is given."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--postgres-url", default=os.environ.get("STORYBANK_BENCH_POSTGRES_URL"))
    parser.add_argument("--load", type=float, default=60.0, help="load test seconds (0: none)")
    parser.add_argument("--only", choices=("sqlite", "postgres"), default=None)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="storybank-bench-"))
    try:
        if args.only != "postgres":
            with sqlite_engine(workdir) as engine:
                bank, timings, found = bench(engine, workdir, args.stories, args.runs, args.load)
                print_table(_title("SQLite", args.stories, bank), timings)
                print_extras(found)
        if args.postgres_url and args.only != "sqlite":
            with postgres_engine(args.postgres_url) as engine:
                bank, timings, found = bench(engine, workdir, args.stories, args.runs, args.load)
                print_table(_title("PostgreSQL", args.stories, bank), timings)
                print_extras(found)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
