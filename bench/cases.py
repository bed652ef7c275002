"""The bench's bank, the requests it times, and the same results written by hand in SQL.

Each case is one API request through the real app and a hand-written SQL function that
returns the same page: the total, and the rows with every story column, the site and
author names, the confirmed codes (and, for an evaluator, the de-identified text).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from sqlmodel import Session, select

from storybank import migrate
from storybank.access import load_actor
from storybank.accounts import find_user_by_email
from storybank.accounts.tokens import create_api_token
from storybank.config import Settings
from storybank.demo import DEMO_DOMAIN
from storybank.demo_scale import generate_stories
from storybank.models import Unit

PAGE = 25
UNTIL = date(2026, 11, 1)
LIVE = "s.erased_at IS NULL"
SHAREABLE = "('programme_anonymised', 'publishable_anonymised')"
# A confirmed de-identified version: the flag the story_deidentified triggers keep.
CONFIRMED = "s.deidentified_confirmed = 1"
ORDERS = {
    "-updated_at": ("s.updated_at DESC, s.id DESC", "updated_at", "<"),
    "title": ("s.title ASC, s.id ASC", "title", ">"),
}


@dataclass
class Bank:
    """A built bank: its engine, a token per bench actor, and the ids requests need."""

    engine: Engine
    headers: dict[str, dict[str, str]]
    staff_sites: list[int]
    all_sites: list[int]
    a_site: int
    seconds: float
    stories: int

    def deep_offset(self, offset: int) -> int:
        """This offset, or the nearest page start in the bank's first half if it is small
        (so a small bank's smoke test still reads real rows there)."""
        return min(offset, self.stories // 2 // PAGE * PAGE)


@dataclass
class Case:
    """One timed request, as the app answers it and as hand-written SQL."""

    name: str
    actor: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    sql: Callable[[Connection], tuple[int, list[int]]] | None = None


def build_bank(engine: Engine, stories: int, seed: int = 1) -> Bank:
    """Migrate an empty database, generate the stories, and give each actor a token."""
    migrate.upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        result = generate_stories(session=session, count=stories, seed=seed, until=UNTIL)
        headers = {role: _token(session, role) for role in ("admin", "staff", "evaluator")}
        staff = load_actor(session=session, user=_user(session, "staff"))
        sites = session.exec(select(Unit.id).where(Unit.level == "site")).all()
    return Bank(
        engine=engine,
        headers=headers,
        staff_sites=sorted(staff.site_ids),
        all_sites=sorted(s for s in sites if s is not None),
        a_site=sorted(staff.site_ids)[0],
        seconds=result.seconds,
        stories=stories,
    )


def _user(session: Session, role: str) -> Any:
    user = find_user_by_email(session=session, email=f"{role}@{DEMO_DOMAIN}")
    assert user is not None, f"the demo {role} account is missing"
    return user


# The secret the bench app signs with; tokens are hashed under it, so both must agree.
BENCH_SECRET = "bench-secret-key-that-is-long-enough"
TOKEN_SETTINGS = Settings(environment="test", secret_key=BENCH_SECRET)


def _token(session: Session, role: str) -> dict[str, str]:
    actor = load_actor(session=session, user=_user(session, role))
    raw, _ = create_api_token(session=session, settings=TOKEN_SETTINGS, actor=actor, name="bench")
    return {"Authorization": f"Bearer {raw}"}


def cases(bank: Bank, client: TestClient) -> list[Case]:
    """The requests of the scale issue's table, each with its hand-written SQL."""
    story_id = _one_story(bank)
    middle, deepest = bank.deep_offset(2_500), bank.deep_offset(50_000)
    cursor, last = _seek_to(bank, client, deepest)
    deep: dict[str, Any] = {"after": cursor} if cursor else {"offset": deepest}
    staff = f"s.site_id IN ({_ids(bank.staff_sites)})"
    evaluator = (
        f"s.site_id IN ({_ids(bank.all_sites)}) AND s.status = 'submitted' "
        f"AND s.consent_level IN {SHAREABLE} AND {CONFIRMED}"
    )
    if bank.engine.dialect.name == "postgresql":
        evaluator = evaluator.replace(CONFIRMED, "s.deidentified_confirmed")
    keyset = f"(s.updated_at, s.id) < ('{last[0]}', {last[1]})" if last else "1 = 1"
    if bank.engine.dialect.name == "postgresql" and last:
        keyset = f"(s.updated_at, s.id) < ('{last[0]}'::timestamptz, {last[1]})"
    return [
        Case("default list", "admin", "/api/v1/stories", {}, _list_sql("")),
        Case("site filter", "admin", "/api/v1/stories", {"site_id": bank.a_site},
             _list_sql(f"s.site_id = {bank.a_site}")),
        Case("status filter", "admin", "/api/v1/stories", {"status": "withdrawn"},
             _list_sql("s.status = 'withdrawn'")),
        Case("sort by title", "admin", "/api/v1/stories", {"sort": "title"},
             _list_sql("", sort="title")),
        Case(f"page {middle // PAGE + 1:,} (offset {middle:,})", "admin", "/api/v1/stories",
             {"offset": middle}, _list_sql("", offset=middle)),
        Case(f"page {deepest // PAGE + 1:,} (cursor)", "admin", "/api/v1/stories", deep,
             _list_sql("", seek=keyset) if cursor else _list_sql("", offset=deepest)),
        Case("default list, staff of 2 sites", "staff", "/api/v1/stories", {},
             _list_sql(staff)),
        Case("default list, evaluator", "evaluator", "/api/v1/stories", {},
             _list_sql(evaluator, deidentified=True)),
        Case("search 'support' (common)", "admin", "/api/v1/stories", {"q": "support"},
             _list_sql(_search_sql(bank, "support"), searched=True)),
        Case("search 'aurelia' (rare)", "admin", "/api/v1/stories", {"q": "aurelia"},
             _list_sql(_search_sql(bank, "aurelia"), searched=True)),
        Case("search 'support', evaluator", "evaluator", "/api/v1/stories", {"q": "support"},
             _list_sql(f"{evaluator} AND {_search_sql(bank, 'support', redacted=True)}",
                       deidentified=True, searched=True)),
        Case("story page", "admin", f"/api/v1/stories/{story_id}", {}, _story_sql(story_id)),
    ]  # fmt: skip


def _search_sql(bank: Bank, word: str, *, redacted: bool = False) -> str:
    """A story's text (original, or de-identified) matching one word, by hand: FTS5 on
    SQLite (looked in as a set while the list's index gives the order), the stored
    English tsvector under its GIN index on PostgreSQL."""
    if bank.engine.dialect.name == "sqlite":
        index = "story_deidentified_search" if redacted else "story_search"
        return f"s.id + 0 IN (SELECT rowid FROM {index} WHERE {index} MATCH '\"{word}\"')"
    query = f"plainto_tsquery('english', '{word}')"
    if redacted:
        return (
            "EXISTS (SELECT 1 FROM story_deidentified t WHERE t.story_id = s.id "
            f"AND t.search_document @@ {query})"
        )
    return f"s.search_document @@ {query}"


def _ids(values: list[int]) -> str:
    return ", ".join(str(v) for v in values)


def _one_story(bank: Bank) -> int:
    with bank.engine.connect() as connection:
        found = connection.execute(text("SELECT max(id) FROM stories")).scalar()
    return int(found or 0)


def _seek_to(
    bank: Bank, client: TestClient, offset: int
) -> tuple[str | None, tuple[Any, int] | None]:
    """The app's cursor for the page at this offset (None when the app has no cursors),
    and the sort key of the row before it, as stored."""
    with bank.engine.connect() as connection:
        row = connection.execute(
            text(
                f"SELECT s.updated_at, s.id FROM stories s WHERE {LIVE} "
                f"ORDER BY s.updated_at DESC, s.id DESC LIMIT 1 OFFSET {offset - 1}"
            )
        ).one_or_none()
    answer = client.get(
        "/api/v1/stories", params={"offset": offset - PAGE}, headers=bank.headers["admin"]
    ).json()
    cursor = answer.get("next")
    return cursor, (row[0], row[1]) if row else None


def _list_sql(
    where: str,
    *,
    sort: str = "-updated_at",
    offset: int = 0,
    seek: str | None = None,
    deidentified: bool = False,
    searched: bool = False,
) -> Callable[[Connection], tuple[int, list[int]]]:
    """One list page by hand: the count, the page with names, the codes of its stories."""
    order = ORDERS[sort][0]
    condition = " AND ".join(c for c in (LIVE, where) if c)
    paging = f"AND {seek} " if seek else ""
    text_join = "LEFT JOIN story_deidentified dv ON dv.story_id = s.id " if deidentified else ""
    columns = "s.*, dv.title AS dv_title, dv.what_happened AS dv_text, " if deidentified else ""
    columns = columns or "s.*, "
    count_sql = text(f"SELECT count(*) FROM stories s WHERE {condition}")
    page_sql = text(
        f"SELECT {columns}u.name AS site_name, a.display_name AS author_name FROM "
        f"(SELECT * FROM stories s WHERE {condition} {paging}ORDER BY {order} "
        f"LIMIT {PAGE} OFFSET {offset}) s "
        f"JOIN units u ON u.id = s.site_id JOIN users a ON a.id = s.author_id {text_join}"
        f"ORDER BY {order}"
    )

    def run(connection: Connection) -> tuple[int, list[int]]:
        # As the app counts a search on PostgreSQL (storybank/stories/search.py).
        unplanned = searched and connection.dialect.name == "postgresql"
        if unplanned:
            connection.execute(text("SET LOCAL enable_seqscan = off"))
        total = int(connection.execute(count_sql).scalar() or 0)
        if unplanned:
            connection.execute(text("SET LOCAL enable_seqscan TO DEFAULT"))
        rows = connection.execute(page_sql).mappings().all()
        ids = [int(row["id"]) for row in rows]
        _codes(connection, ids)
        return total, ids

    return run


def _story_sql(story_id: int) -> Callable[[Connection], tuple[int, list[int]]]:
    """One story by hand: its row with names, and its codes."""
    page_sql = text(
        "SELECT s.*, u.name AS site_name, a.display_name AS author_name FROM stories s "
        "JOIN units u ON u.id = s.site_id JOIN users a ON a.id = s.author_id "
        f"WHERE s.id = {story_id} AND {LIVE}"
    )

    def run(connection: Connection) -> tuple[int, list[int]]:
        rows = connection.execute(page_sql).mappings().all()
        _codes(connection, [int(row["id"]) for row in rows])
        return len(rows), [int(row["id"]) for row in rows]

    return run


def _codes(connection: Connection, ids: list[int]) -> list[Any]:
    if not ids:
        return []
    return list(
        connection.execute(
            text(
                "SELECT DISTINCT c.story_id, k.key, k.kind, k.label, k.number, k.sort_order "
                "FROM codings c JOIN codes k ON k.id = c.code_id "
                f"WHERE c.story_id IN ({_ids(ids)}) ORDER BY c.story_id, k.kind, k.sort_order"
            )
        ).all()
    )
