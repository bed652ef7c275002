"""Synthetic change stories in bulk, for trying storybank (and measuring it) at scale.

`storybank demo --scale N` loads the normal demo first (sites, accounts, codebook) if the
bank is empty, then writes N fictional stories made from the phrase banks in
storybank/data/scale_phrases.toml: 150-350 words each, with authors, consent levels,
statuses, dates over three years, codings and confirmed de-identified versions (the
generator knows which names it used, so it replaces exactly those). Rows are written
with SQLAlchemy Core in batches inside one transaction. The same seed and `until` date
give the same stories.
"""

from __future__ import annotations

import random
import tomllib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlmodel import Session, col

from storybank.audit import record_event
from storybank.bulk import add_rows, refresh_plans
from storybank.demo import CODER_EMAIL, DEMO_DOMAIN, REGIONS, has_stories, load_demo
from storybank.demo_scale_msc import generate_rounds
from storybank.models import (
    Code,
    CodeKind,
    ConsentLevel,
    ContactRoute,
    Grant,
    Perspective,
    Role,
    Story,
    StoryStatus,
    Unit,
    User,
    metadata,
)
from storybank.review.final_table import code_set_of

BATCH = 2000
WRITERS_PER_SITE = 12
YEARS = 3
STATUSES = [(StoryStatus.submitted, 85), (StoryStatus.draft, 10), (StoryStatus.withdrawn, 5)]
CONSENTS = [
    (ConsentLevel.site_only, 30),
    (ConsentLevel.programme_anonymised, 45),
    (ConsentLevel.publishable_anonymised, 25),
]
SHAREABLE = {ConsentLevel.programme_anonymised, ConsentLevel.publishable_anonymised}
# Field -> (fewest, most) sentences; sentences are added until the story's word target.
FIELD_SENTENCES = {
    "what_mattered": (1, 3),
    "what_happened": (4, 15),
    "what_changed": (2, 8),
    "before_cls": (1, 5),
    "why_significant": (1, 5),
}
MIN_WORDS, MAX_WORDS = 150, 350
HIDDEN = {"p1": "[Person A]", "p2": "[Person B]", "h1": "[Person C]", "place": "[place]"}


@dataclass
class ScaleLoad:
    """What generating the stories wrote, and how long it took."""

    stories: int
    codings: int
    deidentified: int
    seconds: float
    rounds: int = 0


@dataclass
class BankParts:
    """The sites, writers, coder and codes that generated stories refer to."""

    writers: dict[int, list[int]]
    coder_id: int
    outcome_ids: list[int]
    theme_ids: list[int]


def phrases() -> dict[str, list[str]]:
    """The phrase banks shipped in storybank/data/scale_phrases.toml."""
    source = resources.files("storybank.data").joinpath("scale_phrases.toml")
    return tomllib.loads(source.read_text("utf-8"))


def generate_stories(
    *,
    session: Session,
    count: int,
    seed: int = 0,
    until: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> ScaleLoad:
    """Write `count` synthetic stories with their codings and de-identified versions."""
    started = datetime.now(UTC)
    if not has_stories(session):
        load_demo(session=session)
    parts = _bank_parts(session)
    maker = StoryMaker(seed=seed, until=until or date.today(), parts=parts)
    connection = session.connection()
    first_id = (session.execute(select(func.max(col(Story.id)))).scalar() or 0) + 1
    written = {"stories": 0, "codings": 0, "story_deidentified": 0, "story_final_codes": 0}
    for start in range(0, count, BATCH):
        batch = maker.batch(first_id + start, min(BATCH, count - start))
        for table_name, rows in batch.items():
            if rows:
                add_rows(session, _table(table_name), rows)
                written[table_name] += len(rows)
        if start == 0:
            refresh_plans(session, [_table(name) for name in BULK_TABLES])
        if progress:
            progress(len(batch["stories"]))
    _after_bulk_insert(connection)
    rounds = generate_rounds(
        session=session, site_ids=maker.site_ids, facilitator_id=parts.coder_id, seed=seed
    )
    record_event(
        session=session,
        actor=None,
        action="demo.scale",
        entity="bank",
        entity_id="-",
        details={"stories": count, "seed": seed, "rounds": rounds.rounds},
    )
    session.commit()
    _vacuum(session)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return ScaleLoad(
        count, written["codings"], written["story_deidentified"], seconds, rounds.rounds
    )


BULK_TABLES = ("stories", "codings", "story_deidentified", "story_final_codes")


def _table(name: str) -> Table:
    return metadata.tables[name]


def _after_bulk_insert(connection: Connection) -> None:
    """Move PostgreSQL's id sequence past the ids given explicitly, then refresh the
    planner's statistics on both databases (a bulk load changes them a lot)."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('stories', 'id'), "
                "(SELECT max(id) FROM stories))"
            )
        )
    for table_name in BULK_TABLES:
        connection.execute(text(f"ANALYZE {table_name}"))


def _vacuum(session: Session) -> None:
    """On PostgreSQL, mark the new rows visible to all (what autovacuum would do later), so
    counts can be answered from an index alone straight away."""
    engine = session.get_bind()
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:  # type: ignore[union-attr]
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        for table_name in BULK_TABLES:
            autocommit.execute(text(f"VACUUM ANALYZE {table_name}"))


def _bank_parts(session: Session) -> BankParts:
    """The demo sites with their generated writers, the coder and the codebook's ids."""
    sites = session.execute(
        select(col(Unit.id), col(Unit.name)).where(col(Unit.name).in_(list(REGIONS)))
    ).all()
    writers = {
        site_id: _writers(session, site_id, name)
        for site_id, name in sorted(sites, key=lambda row: row[1])
    }
    codes = session.execute(
        select(col(Code.id), col(Code.kind)).order_by(col(Code.sort_order), col(Code.id))
    ).all()
    return BankParts(
        writers=writers,
        coder_id=_account(session, CODER_EMAIL, "Demo Coder (evaluation lead)"),
        outcome_ids=[code_id for code_id, kind in codes if kind == CodeKind.outcome],
        theme_ids=[code_id for code_id, kind in codes if kind == CodeKind.theme],
    )


def _writers(session: Session, site_id: int, site_name: str) -> list[int]:
    """The site's generated staff accounts (no password: they cannot sign in)."""
    bank = phrases()
    slug = "".join(ch for ch in site_name.lower() if ch.isalpha())
    ids = []
    for number in range(WRITERS_PER_SITE):
        first = bank["first_names"][(site_id * 31 + number * 7) % len(bank["first_names"])]
        last = bank["surnames"][(site_id * 5 + number * 11) % len(bank["surnames"])]
        email = f"writer{number + 1}.{slug}@{DEMO_DOMAIN}"
        ids.append(_account(session, email, f"{first} {last}", site_id=site_id))
    return ids


def _account(session: Session, email: str, name: str, *, site_id: int | None = None) -> int:
    """The id of the account with this email, created (staff at the site) if missing."""
    found = session.execute(select(col(User.id)).where(col(User.email) == email)).scalar()
    if found is not None:
        return int(found)
    user = User(email=email, display_name=name, password_hash=None)
    session.add(user)
    session.flush()
    assert user.id is not None
    if site_id is not None:
        session.add(Grant(user_id=user.id, role=Role.staff.value, unit_id=site_id))
    return user.id


class StoryMaker:
    """Makes rows for synthetic stories from the phrase banks, reproducibly for a seed."""

    def __init__(self, *, seed: int, until: date, parts: BankParts) -> None:
        self.rng = random.Random(seed)
        self.bank = phrases()
        self.parts = parts
        self.site_ids = sorted(parts.writers)
        self.latest = datetime.combine(until, time(), tzinfo=UTC)

    def batch(self, first_id: int, size: int) -> dict[str, list[dict[str, Any]]]:
        """Rows for `size` stories with ids from `first_id`, by table name."""
        rows: dict[str, list[dict[str, Any]]] = {
            "stories": [],
            "codings": [],
            "story_deidentified": [],
            "story_final_codes": [],
        }
        for story_id in range(first_id, first_id + size):
            story, deidentified = self.story(story_id)
            rows["stories"].append(story)
            codings = self.codings(story)
            story["code_set"] = code_set_of(c["code_id"] for c in codings)
            rows["codings"].extend(codings)
            # Never reviewed here (no assignments): the final codes are the codings.
            rows["story_final_codes"].extend(
                {"story_id": c["story_id"], "code_id": c["code_id"]} for c in codings
            )
            if deidentified is not None:
                rows["story_deidentified"].append(deidentified)
        return rows

    def story(self, story_id: int) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """One story's row, and its confirmed de-identified version if it is shareable."""
        rng = self.rng
        slots = self.slots()
        texts, hidden = self.texts(slots)
        status = _weighted(rng, STATUSES)
        site_id = rng.choice(self.site_ids)
        author_id = rng.choice(self.parts.writers[site_id])
        story = {
            "id": story_id,
            "reference": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "site_id": site_id,
            "author_id": author_id,
            **texts,
            "community_solutions": [slots["activity"], slots["service"]],
            "perspective": rng.choice(list(Perspective)).value,
            "contact_route": rng.choice(list(ContactRoute)).value,
            "story_type": "learning" if rng.random() < 0.15 else "success",
            "status": status.value,
            "version": 1,
            **self.costs(),
            **self.consent(status, author_id),
        }
        story.update(self.dates(status, story["consent_level"] is not None))
        if story["consent_recorded_by_id"] is None:
            story["consent_recorded_at"] = None
        deidentified = self.deidentified(story, hidden)
        # As the trigger on story_deidentified would set it, so the load need not.
        story["deidentified_confirmed"] = deidentified is not None
        return story, deidentified

    def slots(self) -> dict[str, str]:
        """The names, place and other details one story is written around."""
        rng, bank = self.rng, self.bank
        p1, p2, h1 = rng.sample(bank["first_names"], 3)
        picks = {
            key: rng.choice(bank[source])
            for key, source in (
                ("place", "places"),
                ("venue", "venues"),
                ("activity", "activities"),
                ("service", "services"),
                ("worker", "workers"),
                ("relation", "relations"),
                ("worry", "worries"),
                ("day", "days"),
                ("age", "ages"),
                ("weeks", "weeks"),
            )
        }
        return {"p1": p1, "p2": p2, "h1": h1, **picks}

    def texts(self, slots: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """The title and text fields, as written and with the people and place hidden."""
        rng = self.rng
        chosen = self.sentences(slots)
        hidden_slots = {**slots, **HIDDEN}
        title = rng.choice(self.bank["titles"])
        written = {"title": _sentence(title, slots)}
        hidden = {"title": _sentence(title, hidden_slots)}
        for field, templates in chosen.items():
            written[field] = " ".join(_sentence(t, slots) for t in templates)
            hidden[field] = " ".join(_sentence(t, hidden_slots) for t in templates)
        return written, hidden

    def sentences(self, slots: dict[str, str]) -> dict[str, list[str]]:
        """Sentence templates per field: each field's fewest, then more until the target."""
        rng = self.rng
        target = rng.randint(MIN_WORDS, MAX_WORDS - 25)
        shuffled = {f: rng.sample(self.bank[f], len(self.bank[f])) for f in FIELD_SENTENCES}
        chosen = {f: shuffled[f][:fewest] for f, (fewest, _most) in FIELD_SENTENCES.items()}
        words = sum(_words(t, slots) for templates in chosen.values() for t in templates)
        growing = [f for f in FIELD_SENTENCES for _ in range(FIELD_SENTENCES[f][1])]
        for field in rng.sample(growing, len(growing)):
            if words >= target:
                break
            most = min(FIELD_SENTENCES[field][1], len(shuffled[field]))
            if len(chosen[field]) < most:
                template = shuffled[field][len(chosen[field])]
                chosen[field].append(template)
                words += _words(template, slots)
        return chosen

    def consent(self, status: StoryStatus, author_id: int) -> dict[str, Any]:
        """The consent level (some drafts have none yet) and who recorded it."""
        if status == StoryStatus.draft and self.rng.random() < 0.5:
            return {"consent_level": None, "consent_recorded_by_id": None}
        level = _weighted(self.rng, CONSENTS)
        return {"consent_level": level.value, "consent_recorded_by_id": author_id}

    def dates(self, status: StoryStatus, consented: bool) -> dict[str, Any]:
        """The change date within the last three years and the times that follow it."""
        rng = self.rng
        changed = self.latest.date() - timedelta(days=rng.randrange(YEARS * 365))
        created = datetime.combine(changed, time(), tzinfo=UTC) + timedelta(
            days=rng.randrange(20), seconds=rng.randrange(86_400)
        )
        created = min(created, self.latest - timedelta(days=2))
        updated = min(created + timedelta(days=rng.randrange(60)), self.latest)
        no_date = status == StoryStatus.draft and rng.random() < 0.4
        return {
            "change_date": None if no_date else changed,
            "created_at": created,
            "updated_at": updated,
            "submitted_at": None if status == StoryStatus.draft else created + timedelta(hours=1),
            "withdrawn_at": updated if status == StoryStatus.withdrawn else None,
            "consent_recorded_at": created if consented else None,
        }

    def costs(self) -> dict[str, Decimal | None]:
        """Weekly costs of formal support before and after, for about a third of stories."""
        rng = self.rng
        if rng.random() >= 0.3:
            return {"weekly_cost_before": None, "weekly_cost_after": None}
        before = Decimal(rng.randrange(4_000, 90_000)) / 100
        after = (before * Decimal(rng.randrange(0, 90)) / 100).quantize(Decimal("0.01"))
        return {"weekly_cost_before": before, "weekly_cost_after": after}

    def codings(self, story: dict[str, Any]) -> list[dict[str, Any]]:
        """One to three outcomes and three to five themes for every story past draft."""
        if story["status"] == StoryStatus.draft:
            return []
        rng = self.rng
        code_ids = rng.sample(self.parts.outcome_ids, rng.randint(1, 3)) + rng.sample(
            self.parts.theme_ids, rng.randint(3, 5)
        )
        return [
            {
                "story_id": story["id"],
                "code_id": code_id,
                "coder_id": self.parts.coder_id,
                "source": "manual",
                "created_at": story["updated_at"],
            }
            for code_id in code_ids
        ]

    def deidentified(self, story: dict[str, Any], hidden: dict[str, str]) -> dict[str, Any] | None:
        """A confirmed de-identified version for most shareable stories past draft."""
        shareable = story["consent_level"] in SHAREABLE and story["status"] != StoryStatus.draft
        if not shareable or self.rng.random() < 0.08:
            return None
        return {
            "story_id": story["id"],
            **hidden,
            "community_solutions": story["community_solutions"],
            "version": 1,
            "updated_at": story["updated_at"],
            "updated_by_id": story["author_id"],
            "confirmed_at": story["updated_at"],
            "confirmed_by_id": story["author_id"],
        }


def _sentence(template: str, slots: dict[str, str]) -> str:
    filled = template.format_map(slots)
    return filled[:1].upper() + filled[1:]


def _words(template: str, slots: dict[str, str]) -> int:
    return len(template.format_map(slots).split())


def _weighted(rng: random.Random, choices: list[tuple[Any, int]]) -> Any:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]
