"""Turning register cells (CSV text or XLSX values) into story values, one column kind each."""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from storybank.register.columns import Column, choice_value, choices_hint

# The exporter puts an apostrophe before CSV text starting with these, so a spreadsheet
# does not run it as a formula; reading strips it again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The last line of a CSV file whose export failed part-way.
EXPORT_FAILED = "EXPORT FAILED: this file is incomplete. Export it again."
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
TIMESTAMP_FORMATS = tuple(f"{day} {time}" for day in DATE_FORMATS for time in ("%H:%M:%S", "%H:%M"))
LIST_SEPARATORS = re.compile(r"[;,]")
SOLUTION_SEPARATORS = re.compile(r"[;\n\r]")
# The forms the exporter writes, read by the fast ISO parsers before the general patterns.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?")


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text: an apostrophe before a formula's first character."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class CellProblem(ValueError):
    """A cell that cannot be read as its column's kind; the message says how to fix it."""


def cell_text(value: Any) -> str:
    """A cell as stripped text ('' for an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if "\x00" in text:
        raise CellProblem("The cell holds a NUL character (an invisible control code); remove it.")
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        text = text[1:]
    return text


def read_date(value: Any) -> date | None:
    """A date from a date cell, YYYY-MM-DD or DD/MM/YYYY."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        return None
    if ISO_DATE.fullmatch(text):
        with suppress(ValueError):  # e.g. 2024-02-30: the patterns below say why
            return date.fromisoformat(text)
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellProblem(f"{_shown(text)} is not a date; write it as YYYY-MM-DD or DD/MM/YYYY.")


def read_timestamp(value: Any) -> datetime | None:
    """A moment in UTC from a date-time cell, 'YYYY-MM-DD HH:MM[:SS]', 'DD/MM/YYYY HH:MM' or ISO.

    A time without a zone is UTC, as the exporter writes it.
    """
    moment = value if isinstance(value, datetime) else _parse_timestamp(cell_text(value))
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _parse_timestamp(text: str) -> datetime | None:
    if not text:
        return None
    if ISO_TIMESTAMP.fullmatch(text):
        with suppress(ValueError):
            return datetime.fromisoformat(text)
    for pattern in TIMESTAMP_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise CellProblem(
            f"{_shown(text)} is not a date and time; write it as YYYY-MM-DD HH:MM:SS (UTC)."
        ) from None


def read_reference(value: Any) -> str | None:
    """A story reference: a UUID, in its usual 36-character form."""
    text = cell_text(value)
    if not text:
        return None
    try:
        return str(UUID(text))
    except ValueError:
        raise CellProblem(
            f"{_shown(text)} is not a story reference; a reference looks like "
            "3f2b8c1e-5d4a-4e6f-9a7b-0c1d2e3f4a5b. Leave it empty for a new story."
        ) from None


def read_money(value: Any) -> Decimal | None:
    """An amount in pounds; '£', ',' and spaces are allowed."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        amount = Decimal(str(value))
    else:
        text = re.sub(r"[£,\s]", "", cell_text(value))
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = Decimal("NaN")
    if not amount.is_finite():
        raise CellProblem(f"{_shown(cell_text(value))} is not an amount of money, e.g. £126.50.")
    return amount


def read_choice(column: Column, value: Any) -> str | None:
    """The stored value of a choice cell, given as the value or its label."""
    text = cell_text(value)
    if not text:
        return None
    found = choice_value(column, text)
    if found is None:
        raise CellProblem(f"{_shown(text)} is not one of: {choices_hint(column)}.")
    return found


def read_solutions(value: Any) -> list[str] | None:
    """Community solutions separated by ';' or new lines."""
    parts = [part.strip() for part in SOLUTION_SEPARATORS.split(cell_text(value))]
    return [part for part in parts if part] or None


def read_outcomes(value: Any) -> list[int]:
    """CLS outcome numbers (1-6) separated by ';' or ','."""
    numbers: list[int] = []
    for part in _parts(value):
        if not part.isdigit() or not 1 <= int(part) <= 6:
            raise CellProblem(f"{_shown(part)} is not a CLS outcome number (1 to 6).")
        numbers.append(int(part))
    return list(dict.fromkeys(numbers))


def read_keys(value: Any) -> list[str]:
    """Theme keys separated by ';' or ','; checked against the codebook by the importer."""
    return list(dict.fromkeys(part.lower() for part in _parts(value)))


def _parts(value: Any) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(cell_text(value)) if part.strip()]


def _shown(text: str) -> str:
    """A short quote of the input for a message (never a long piece of story text)."""
    return repr(text if len(text) <= 40 else text[:37] + "...")
