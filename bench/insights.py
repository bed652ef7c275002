"""Time the evaluator's insights at scale: each endpoint through HTTP beside the same
aggregate written by hand in SQL, on SQLite and (given a URL) PostgreSQL.

    python bench/insights.py --stories 100000 [--postgres-url URL] [--runs 20]

Builds the bank (`storybank demo --scale`: stories, about six final codes each, MSC rounds,
costs) in a temporary SQLite file and a throwaway PostgreSQL database, then times
frequencies, a cross-tab by site, co-occurrence and trends by quarter for an admin (every
story) and an evaluator (the consented, de-identified stories of every site), and checks
the app's figures equal the SQL's.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cases import CONFIRMED, LIVE, SHAREABLE, Bank, build_bank
from bench.run import Timing, app_client, percentiles, postgres_engine, sqlite_engine, timed

Figures = dict[Any, int]


@dataclass
class Aggregate:
    """One insight request and the same aggregate in hand-written SQL."""

    name: str
    path: str
    params: dict[str, Any]
    app: Callable[[dict[str, Any], dict[int, str]], Figures]
    sql: Callable[[Connection, str], Figures]


def scope(bank: Bank, actor: str) -> str:
    """What an insight counts for the actor, written by hand."""
    base = f"s.status = 'submitted' AND {LIVE}"
    if actor == "admin":
        return base
    sites = ", ".join(str(s) for s in bank.all_sites)
    confirmed = CONFIRMED
    if bank.engine.dialect.name == "postgresql":
        confirmed = "s.deidentified_confirmed"  # a boolean there, an integer in SQLite
    return f"{base} AND s.site_id IN ({sites}) AND s.consent_level IN {SHAREABLE} AND {confirmed}"


def _rows(connection: Connection, sql: str) -> list[Any]:
    return list(connection.execute(text(sql)))


def frequencies_sql(connection: Connection, where: str) -> Figures:
    found = {
        code: n
        for code, n in _rows(
            connection,
            "SELECT f.code_id, count(*) FROM story_final_codes f JOIN stories s "
            f"ON s.id = f.story_id WHERE {where} GROUP BY f.code_id",
        )
    }
    coded = "EXISTS (SELECT 1 FROM story_final_codes g WHERE g.story_id = s.id)"
    total, with_codes = _rows(
        connection,
        f"SELECT count(*), sum(CASE WHEN {coded} THEN 1 ELSE 0 END) FROM stories s WHERE {where}",
    )[0]
    return {**found, "stories": total, "coded": with_codes}


def frequencies_app(body: dict[str, Any], ids: dict[int, str]) -> Figures:
    keys = {key: code_id for code_id, key in ids.items()}
    found: Figures = {keys[r["key"]]: r["count"] for r in body["rows"] if r["count"]}
    return {**found, "stories": body["stories"], "coded": body["coded"]}


def cross_tab_sql(connection: Connection, where: str) -> Figures:
    sql = (
        "SELECT s.site_id, f.code_id, count(*) FROM story_final_codes f JOIN stories s "
        f"ON s.id = f.story_id WHERE {where} GROUP BY s.site_id, f.code_id"
    )
    return {(str(site), code): n for site, code, n in _rows(connection, sql)} | _columns(
        connection, where, "s.site_id"
    )


def _columns(connection: Connection, where: str, column: str) -> Figures:
    """Each column's coded stories (the denominators the app returns too)."""
    coded = "EXISTS (SELECT 1 FROM story_final_codes g WHERE g.story_id = s.id)"
    sql = f"SELECT {column}, count(*) FROM stories s WHERE {where} AND {coded} GROUP BY {column}"
    return {("n", str(key or "")): n for key, n in _rows(connection, sql)}


def cross_tab_app(body: dict[str, Any], ids: dict[int, str]) -> Figures:
    keys = {key: code_id for code_id, key in ids.items()}
    cells = {
        (cell["column"], keys[row["key"]]): cell["count"]
        for row in body["rows"]
        for cell in row["cells"]
        if cell["count"]
    }
    return cells | {("n", c["key"]): c["denominator"] for c in body["columns"]}


def co_occurrence_sql(connection: Connection, where: str) -> Figures:
    sql = (
        "SELECT a.code_id, b.code_id, count(*) FROM story_final_codes a "
        "JOIN story_final_codes b ON b.story_id = a.story_id AND b.code_id > a.code_id "
        f"JOIN stories s ON s.id = a.story_id WHERE {where} GROUP BY a.code_id, b.code_id"
    )
    pairs = {(a, b): n for a, b, n in _rows(connection, sql)}
    singles = frequencies_sql(connection, where)
    return pairs | {("single", k): n for k, n in singles.items() if k != "stories"}


def co_occurrence_app(body: dict[str, Any], ids: dict[int, str]) -> Figures:
    keys = {key: code_id for code_id, key in ids.items()}
    found: Figures = {}
    for pair in body["pairs"]:
        a, b = sorted((keys[pair["first"]], keys[pair["second"]]))
        found[(a, b)] = pair["both"]
    singles = {("single", keys[k]): n for k, n in body["singles"].items() if n}
    return found | singles | {("single", "coded"): body["coded"]}


def trends_sql_for(dialect: str) -> Callable[[Connection, str], Figures]:
    if dialect == "postgresql":
        bucket = "to_char(s.change_date, 'YYYY-\"Q\"Q')"
    else:
        bucket = (
            "strftime('%Y', s.change_date) || '-Q' || "
            "((CAST(strftime('%m', s.change_date) AS INTEGER) + 2) / 3)"
        )

    def trends_sql(connection: Connection, where: str) -> Figures:
        sql = (
            f"SELECT {bucket}, f.code_id, count(*) FROM story_final_codes f JOIN stories s "
            f"ON s.id = f.story_id WHERE {where} GROUP BY {bucket}, f.code_id"
        )
        cells = {(key or "", code): n for key, code, n in _rows(connection, sql)}
        return cells | _columns(connection, where, bucket)

    return trends_sql


def aggregates(dialect: str) -> list[Aggregate]:
    """The four timed insights."""
    return [
        Aggregate("frequencies", "/api/v1/insights/frequencies", {},
                  frequencies_app, frequencies_sql),
        Aggregate("cross-tab by site", "/api/v1/insights/crosstab", {"by": "site"},
                  cross_tab_app, cross_tab_sql),
        Aggregate("co-occurrence", "/api/v1/insights/cooccurrence", {},
                  co_occurrence_app, co_occurrence_sql),
        Aggregate("trends by quarter", "/api/v1/insights/trends", {"period": "quarter"},
                  cross_tab_app, trends_sql_for(dialect)),
    ]  # fmt: skip


def code_keys(engine: Engine) -> dict[int, str]:
    with engine.connect() as connection:
        return {i: k for i, k in connection.execute(text("SELECT id, key FROM codes"))}


def measure(bank: Bank, client: TestClient, runs: int) -> list[Timing]:
    """Every aggregate for each actor, timed through HTTP and as hand-written SQL."""
    ids = code_keys(bank.engine)
    found = []
    for actor in ("admin", "evaluator"):
        where = scope(bank, actor)
        for aggregate in aggregates(bank.engine.dialect.name):

            def app(a: Aggregate = aggregate, who: str = actor) -> dict[str, Any]:
                response = client.get(a.path, params=a.params, headers=bank.headers[who])
                assert response.status_code == 200, (a.name, response.text)
                return response.json()  # type: ignore[no-any-return]

            def sql(a: Aggregate = aggregate, where: str = where) -> Figures:
                with bank.engine.connect() as connection:
                    return a.sql(connection, where)

            same = aggregate.app(app(), ids) == sql()
            timing = percentiles(timed(app, runs)) + percentiles(timed(sql, runs))
            found.append(Timing(f"{aggregate.name}, {actor}", *timing, same))
    return found


def print_timings(title: str, timings: list[Timing]) -> None:
    print(f"\n{title}")
    header = (
        f"{'insight':34} {'app p50':>8} {'app p95':>8} {'SQL p50':>8} {'SQL p95':>8} "
        f"{'ratio p50':>9} {'ratio p95':>9}  same"
    )
    print(header)
    print("-" * len(header))
    for t in timings:
        print(
            f"{t.case:34} {t.app_p50:8.1f} {t.app_p95:8.1f} {t.sql_p50:8.1f} {t.sql_p95:8.1f} "
            f"{t.app_p50 / max(t.sql_p50, 0.001):9.2f} {t.app_p95 / max(t.sql_p95, 0.001):9.2f}  "
            f"{'yes' if t.same else 'NO'}"
        )


def bench(engine: Engine, stories: int, runs: int, workdir: Path, database: str) -> list[Timing]:
    bank = build_bank(engine, stories)
    with app_client(engine, workdir) as client:
        timings = measure(bank, client, runs)
    print_timings(
        f"{database}: {stories:,} stories (built in {bank.seconds:.0f} s), {runs} runs", timings
    )
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--postgres-url", default=os.environ.get("STORYBANK_BENCH_POSTGRES_URL"))
    parser.add_argument("--only", choices=("sqlite", "postgres"), default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        if args.only != "postgres":
            with sqlite_engine(workdir) as engine:
                bench(engine, args.stories, args.runs, workdir, "SQLite")
        if args.postgres_url and args.only != "sqlite":
            with postgres_engine(args.postgres_url) as engine:
                bench(engine, args.stories, args.runs, workdir, "PostgreSQL")


if __name__ == "__main__":
    main()
