"""A bounded load test: concurrent clients against one app worker on loopback.

Each client loops for the given seconds over a fixed mix: 40% story pages, 40% story
lists (default, a site, a deep cursor-free page, a search), 20% draft POSTs. Prints
requests a second, p50/p99, errors, and the drafts created beside the 201 answers.
Run by bench/run.py on the bank it built; the server only ever listens on 127.0.0.1.
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import Engine, text

ROOT = Path(__file__).resolve().parent.parent
MIX = (("story", 40), ("list", 40), ("draft", 20))
LOOPBACK = "127.0.0.1"


@dataclass
class LoadResult:
    """What the clients saw, and how many drafts the database gained."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    created_201: int = 0
    created_rows: int = 0
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    def line(self) -> str:
        """The figures on one line, latencies in milliseconds, then p99 per kind."""
        ordered = sorted(self.latencies) or [0.0]
        kinds = ", ".join(
            f"{kind} {_p99(sorted(found)) * 1000:.0f}"
            for kind, found in sorted(self.by_kind.items())
        )
        return (
            f"{len(self.latencies) / self.seconds:.1f} req/s, "
            f"p50 {statistics.median(ordered) * 1000:.0f} ms, p99 {_p99(ordered) * 1000:.0f} ms, "
            f"{self.errors} errors, {self.created_rows} drafts created / "
            f"{self.created_201} answered 201 (p99 ms by kind: {kinds})"
        )


def _p99(ordered: list[float]) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(database_url: str, secret: str, workdir: Path) -> Iterator[str]:
    """One uvicorn worker serving the app on this database, on a loopback port."""
    port = _free_port()
    env = {
        **os.environ,
        "STORYBANK_DATABASE_URL": database_url,
        "STORYBANK_SECRET_KEY": secret,
        "STORYBANK_ENVIRONMENT": "development",
        "STORYBANK_DATA_DIR": str(workdir),
        "STORYBANK_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory"]
    command += ["--host", LOOPBACK, "--port", str(port), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    base = f"http://{LOOPBACK}:{port}"
    try:
        _wait_until_up(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError("the bench server stopped while starting")
        try:
            httpx.get(f"{base}/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the bench server did not start")


def _drafts(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM stories")).scalar() or 0)


def run_load(
    *,
    base: str,
    engine: Engine,
    headers: dict[str, str],
    story_ids: list[int],
    site_id: int,
    clients: int = 20,
    seconds: float = 60.0,
) -> LoadResult:
    """`clients` threads sending the mix for `seconds`; every answer but 200/201 is an error."""
    before = _drafts(engine)
    result = LoadResult(seconds=seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_client,
            args=(base, headers, story_ids, site_id, deadline, result, lock, n),
        )
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.created_rows = _drafts(engine) - before
    return result


def _client(
    base: str,
    headers: dict[str, str],
    story_ids: list[int],
    site_id: int,
    deadline: float,
    result: LoadResult,
    lock: threading.Lock,
    seed: int,
) -> None:
    pick = random.Random(seed)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    lists: list[dict[str, str | int]] = [
        {},
        {"site_id": site_id},
        {"offset": 2_500},
        {"q": "allotment"},
    ]
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        while time.monotonic() < deadline:
            kind = pick.choice(kinds)
            started = time.perf_counter()
            try:
                if kind == "story":
                    response = client.get(f"/api/v1/stories/{pick.choice(story_ids)}")
                elif kind == "list":
                    response = client.get("/api/v1/stories", params=pick.choice(lists))
                else:
                    body = {"site_id": site_id, "title": "Load test draft"}
                    response = client.post("/api/v1/stories", json=body)
                ok = response.status_code in (200, 201)
            except httpx.HTTPError:
                response, ok = None, False
            elapsed = time.perf_counter() - started
            with lock:
                result.latencies.append(elapsed)
                result.by_kind.setdefault(kind, []).append(elapsed)
                result.errors += not ok
                result.created_201 += response is not None and response.status_code == 201
