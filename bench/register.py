"""Time the register at scale: one site's CSV export beside hand-written SQL and the csv
module, the whole bank's export with its memory growth, and a 20,000-row import.

    python bench/register.py rss URL      (used by run.py: the whole-bank export, alone)
"""

from __future__ import annotations

import csv
import io
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storybank.access import Actor, load_actor
from storybank.accounts import find_user_by_email
from storybank.config import Settings
from storybank.db import make_engine
from storybank.demo import DEMO_DOMAIN
from storybank.register.columns import EXPORTED
from storybank.register.exporter import export_register, write_csv
from storybank.register.importer import import_stories
from storybank.stories import StoryFilters

IMPORT_ROWS = 20_000
# The hand-written export: every story column with the names joined, then the codes.
SITE_STORIES_SQL = """
SELECT s.*, u.name AS site, r.name AS region, a.display_name AS author, a.email AS author_email
FROM stories s JOIN units u ON u.id = s.site_id LEFT JOIN units r ON r.id = u.parent_id
JOIN users a ON a.id = s.author_id
WHERE s.site_id = :site AND s.erased_at IS NULL ORDER BY s.updated_at DESC, s.id DESC
"""
SITE_CODES_SQL = """
SELECT DISTINCT c.story_id, k.kind, k.number, k.key, k.sort_order FROM codings c
JOIN codes k ON k.id = c.code_id JOIN stories s ON s.id = c.story_id
WHERE s.site_id = :site AND s.erased_at IS NULL ORDER BY c.story_id, k.kind, k.sort_order
"""


@dataclass
class RegisterTimes:
    """Seconds for the site export through storybank and by hand, the whole-bank
    export's seconds and memory growth, and the import's seconds."""

    site_rows: int
    site_app: float
    site_sql: float
    bank_rows: int
    bank_seconds: float
    bank_rss_mb: float
    import_rows: int
    import_seconds: float


def admin(session: Session) -> Actor:
    """The demo admin, as an actor."""
    user = find_user_by_email(session=session, email=f"admin@{DEMO_DOMAIN}")
    assert user is not None
    return load_actor(session=session, user=user)


def site_export_app(engine: Engine, site_id: int, folder: Path) -> tuple[int, float]:
    """Rows and seconds of one site's CSV export by storybank's exporter."""
    started = time.perf_counter()
    with Session(engine) as session:
        rows = export_register(
            session=session, actor=admin(session), filters=StoryFilters(site_id=site_id)
        )
        count = write_csv(rows, folder / "site-app.csv")
    return count, time.perf_counter() - started


def site_export_sql(engine: Engine, site_id: int, folder: Path) -> tuple[int, float]:
    """Rows and seconds of the same export written by hand: two queries, the csv module."""
    started = time.perf_counter()
    codes: dict[int, tuple[list[str], list[str]]] = {}
    count = 0
    with engine.connect() as connection, open(folder / "site-sql.csv", "w", newline="") as out:
        for story_id, kind, number, key, _ in connection.execute(
            text(SITE_CODES_SQL), {"site": site_id}
        ):
            outcomes, themes = codes.setdefault(story_id, ([], []))
            (outcomes.append(str(number)) if kind == "outcome" else themes.append(key))
        writer = csv.writer(out)
        writer.writerow([c.header for c in EXPORTED])
        for row in connection.execute(text(SITE_STORIES_SQL), {"site": site_id}).mappings():
            outcomes, themes = codes.get(row["id"], ([], []))
            cells = {**row, "outcomes": "; ".join(outcomes), "themes": "; ".join(themes)}
            writer.writerow([cells.get(c.name) for c in EXPORTED])
            count += 1
    return count, time.perf_counter() - started


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1e6


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (VmHWM: unlike ru_maxrss, it
    starts again at exec, so it is not the high-water mark of the process that ran us)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1000


def bank_export(url: str) -> tuple[int, float, float]:
    """Rows, seconds and peak memory growth (MB) of an admin's whole-bank CSV export."""
    engine = make_engine(url)
    with Session(engine) as session:
        actor = admin(session)
        before = rss_mb()
        started = time.perf_counter()
        rows = export_register(session=session, actor=actor, filters=StoryFilters())
        count = write_csv(rows, Path("/dev/null"))
        seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    engine.dispose()
    return count, seconds, peak - before


def import_file(engine: Engine, folder: Path, rows: int = IMPORT_ROWS) -> bytes:
    """A register file of `rows` realistic new stories: bank stories without references."""
    with Session(engine) as session:
        exported = export_register(session=session, actor=admin(session), filters=StoryFilters())
        out = io.StringIO()
        taken = (dict(row, reference=None) for row, _ in zip(exported, range(rows), strict=False))
        write_csv(taken, out)
    return out.getvalue().encode("utf-8")


def timed_import(engine: Engine, content: bytes, secret: str) -> tuple[int, float]:
    """Stories written and seconds taken by an admin's import of the file (under the
    default size limits)."""
    settings = Settings(environment="test", secret_key=secret)
    started = time.perf_counter()
    with Session(engine) as session:
        report = import_stories(
            session=session,
            actor=admin(session),
            filename="bench.csv",
            content=content,
            settings=settings,
        )
    return len(report.created_story_ids), time.perf_counter() - started


if __name__ == "__main__" and sys.argv[1:2] == ["rss"]:
    print(*bank_export(sys.argv[2]))
