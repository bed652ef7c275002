"""The story register's columns: one definition used by both the importer and the exporter.

A file written by the exporter can be imported again: every exported header is either an
importable column or a known export-only column (id, region, ...) that an import ignores.
The first column, `reference`, is the story's stable reference: a re-import matches on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from storybank.models import LABELS, ConsentLevel, ContactRoute, Perspective, StoryStatus, StoryType


class Kind(StrEnum):
    """How a column's cells are read and written."""

    reference = "reference"
    number = "number"
    text = "text"
    long_text = "long_text"
    choice = "choice"
    solutions = "solutions"
    date = "date"
    timestamp = "timestamp"
    money = "money"
    outcomes = "outcomes"
    themes = "themes"
    email = "email"


@dataclass(frozen=True)
class Column:
    """One register column: its canonical name, exported header, kind and sheet width."""

    name: str
    header: str
    kind: Kind
    width: int = 18
    choices: type[StrEnum] | None = None
    imported: bool = True
    exported: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("reference", "reference", Kind.reference, width=38),
    Column("id", "id", Kind.number, width=8, imported=False),
    Column("site", "site", Kind.text, width=20),
    Column("region", "region", Kind.text, width=20, imported=False),
    Column("author", "author", Kind.text, width=20, imported=False),
    Column("author_email", "author email", Kind.email, width=28),
    Column("title", "title", Kind.text, width=36),
    Column("perspective", "perspective", Kind.choice, width=22, choices=Perspective),
    Column("contact_route", "contact route", Kind.choice, width=26, choices=ContactRoute),
    Column("what_mattered", "what mattered", Kind.long_text, width=50),
    Column("what_happened", "what happened", Kind.long_text, width=60),
    Column("what_changed", "what changed", Kind.long_text, width=60),
    Column("before_cls", "before CLS", Kind.long_text, width=50),
    Column("community_solutions", "community solutions", Kind.solutions, width=30),
    Column("why_significant", "why significant", Kind.long_text, width=50),
    Column("story_type", "success/learning", Kind.choice, width=22, choices=StoryType),
    Column("change_date", "date of change", Kind.date, width=14),
    Column("weekly_cost_before", "weekly cost before", Kind.money, width=14),
    Column("weekly_cost_after", "weekly cost after", Kind.money, width=14),
    Column("weekly_cost_change", "weekly cost change", Kind.money, width=14, imported=False),
    Column("consent_level", "consent level", Kind.choice, width=28, choices=ConsentLevel),
    Column("status", "status", Kind.choice, width=12, choices=StoryStatus),
    Column("submitted_at", "submitted at", Kind.timestamp, width=20),
    Column("withdrawn_at", "withdrawn at", Kind.timestamp, width=20),
    Column("outcomes", "outcomes", Kind.outcomes, width=12),
    Column("themes", "themes", Kind.themes, width=40),
)
EXPORTED: tuple[Column, ...] = tuple(c for c in COLUMNS if c.exported)
# The columns whose values go through the StoryFields schema.
STORY_FIELDS = (
    "title",
    "perspective",
    "contact_route",
    "what_mattered",
    "what_happened",
    "what_changed",
    "before_cls",
    "community_solutions",
    "why_significant",
    "story_type",
    "change_date",
    "weekly_cost_before",
    "weekly_cost_after",
)
# The columns only an admin's import keeps; anyone else becomes the author, at the import's time.
KEPT_FOR_ADMINS = ("author_email", "submitted_at", "withdrawn_at")


def normalise_header(text: str) -> str:
    """A header as compared: lower case, spaces, underscores and hyphens all the same."""
    return re.sub(r"[\s_\-]+", "_", text.replace("\ufeff", "").strip().lower())


def _by_header() -> dict[str, Column]:
    found: dict[str, Column] = {}
    for column in COLUMNS:
        found[normalise_header(column.name)] = column
        found[normalise_header(column.header)] = column
    return found


BY_HEADER = _by_header()


def find_column(header: str) -> Column | None:
    """The column a header written in a file names, if it is one of ours."""
    return BY_HEADER.get(normalise_header(header))


def choice_value(column: Column, text: str) -> str | None:
    """The stored value a cell names, by value or by its label (any case); None if neither."""
    assert column.choices is not None
    wanted = text.strip().lower()
    for member in column.choices:
        if wanted in (member.value, LABELS.get(member.value, "").lower()):
            return member.value
    return None


def choice_label(value: str | None) -> str:
    """The human label the exporter writes for a stored choice value."""
    return LABELS.get(value or "", value or "")


def choices_hint(column: Column) -> str:
    """The accepted values of a choice column, for a problem message."""
    assert column.choices is not None
    return ", ".join(f"{m.value} ({LABELS.get(m.value, m.value)})" for m in column.choices)
