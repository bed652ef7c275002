"""The story register's columns: one definition used by both the importer and the exporter.

A file written by the exporter can be imported again: every exported header is either an
importable column or a known export-only column (id, region, ...) that an import ignores.
The first column, `reference`, is the story's stable reference: a re-import matches on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from storybank.models import (
    LABELS,
    STORY_FIELDS,
    ConsentLevel,
    FieldKind,
    StoryField,
    StoryStatus,
)


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


# How a story field's kind is read and written in a register cell, and its sheet width.
CELL_KINDS = {
    FieldKind.line: (Kind.text, 36),
    FieldKind.long_text: (Kind.long_text, 50),
    FieldKind.choice: (Kind.choice, 22),
    FieldKind.lines: (Kind.solutions, 30),
    FieldKind.date: (Kind.date, 14),
    FieldKind.money: (Kind.money, 14),
}
# Headers that are not simply the field's name with spaces, and wider sheet columns.
HEADERS = {
    "before_cls": "before CLS",
    "story_type": "success/learning",
    "change_date": "date of change",
}
WIDTHS = {"contact_route": 26, "what_happened": 60, "what_changed": 60}


def _story_column(field: StoryField) -> Column:
    """The register column of one story field."""
    kind, width = CELL_KINDS[field.kind]
    header = HEADERS.get(field.name, field.name.replace("_", " "))
    return Column(
        field.name, header, kind, width=WIDTHS.get(field.name, width), choices=field.choices
    )


COLUMNS: tuple[Column, ...] = (
    Column("reference", "reference", Kind.reference, width=38),
    Column("id", "id", Kind.number, width=8, imported=False),
    Column("site", "site", Kind.text, width=20),
    Column("region", "region", Kind.text, width=20, imported=False),
    Column("author", "author", Kind.text, width=20, imported=False),
    Column("author_email", "author email", Kind.email, width=28),
    *(_story_column(field) for field in STORY_FIELDS),
    Column("weekly_cost_change", "weekly cost change", Kind.money, width=14, imported=False),
    Column("consent_level", "consent level", Kind.choice, width=28, choices=ConsentLevel),
    Column("status", "status", Kind.choice, width=12, choices=StoryStatus),
    Column("submitted_at", "submitted at", Kind.timestamp, width=20),
    Column("withdrawn_at", "withdrawn at", Kind.timestamp, width=20),
    Column("outcomes", "outcomes", Kind.outcomes, width=12),
    Column("themes", "themes", Kind.themes, width=40),
)
EXPORTED: tuple[Column, ...] = tuple(c for c in COLUMNS if c.exported)
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


@lru_cache(maxsize=512)
def find_column(header: str) -> Column | None:
    """The column a header written in a file names, if it is one of ours."""
    return BY_HEADER.get(normalise_header(header))


def choice_value(column: Column, text: str) -> str | None:
    """The stored value a cell names, by value or by its label (any case); None if neither."""
    return _choice_names(column).get(text.strip().lower())


@lru_cache(maxsize=64)
def _choice_names(column: Column) -> dict[str, str]:
    """Each value and lower-case label of a choice column, to its stored value (the first
    member claiming a name keeps it)."""
    assert column.choices is not None
    names: dict[str, str] = {}
    for member in column.choices:
        for name in (member.value, LABELS.get(member.value, "").lower()):
            if name:
                names.setdefault(name, member.value)
    return names


def choice_label(value: str | None) -> str:
    """The human label the exporter writes for a stored choice value."""
    return LABELS.get(value or "", value or "")


def choices_hint(column: Column) -> str:
    """The accepted values of a choice column, for a problem message."""
    assert column.choices is not None
    return ", ".join(f"{m.value} ({LABELS.get(m.value, m.value)})" for m in column.choices)
