"""Dates typed as day, month and year (three boxes), or as one day-first text like 3/11/2026."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

PARTS = ("day", "month", "year")
REAL_DATE = "Enter a real date"
ONE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
RUN_TOGETHER = re.compile(r"^(\d{2})(\d{2})(\d{4})$")


class DateProblem(ValueError):
    """A date that cannot be read; `parts` are the boxes to highlight (all, if empty)."""

    def __init__(self, message: str, parts: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.parts = parts or PARTS


@dataclass(frozen=True)
class DateInput:
    """What was typed into one date's boxes (or its single text box)."""

    day: str = ""
    month: str = ""
    year: str = ""
    text: str = ""

    @classmethod
    def from_form(cls, form: Mapping[str, str | None], name: str) -> DateInput:
        """The boxes `name_day`, `name_month`, `name_year`, and a single box `name`."""

        def typed(key: str) -> str:
            return (form.get(key) or "").strip()

        day, month, year = (typed(f"{name}_{part}") for part in PARTS)
        return cls(day=day, month=month, year=year, text=typed(name))


def read_date(typed: DateInput, subject: str) -> date | None:
    """The date typed, day first; None if nothing was typed; DateProblem naming the part."""
    boxes = {part: getattr(typed, part).strip() for part in PARTS}
    filled = [value for value in boxes.values() if value]
    if not filled:
        return parse_date_text(typed.text) if typed.text else None
    if len(filled) == 1 and (not filled[0].isdigit() or RUN_TOGETHER.match(filled[0])):
        return parse_date_text(filled[0])  # the whole date typed into one box
    if missing := [part for part in PARTS if not boxes[part]]:
        raise DateProblem(f"{subject} must include a {' and '.join(missing)}", tuple(missing))
    if not all(value.isdigit() for value in filled):
        wrong = tuple(part for part in PARTS if not boxes[part].isdigit())
        raise DateProblem(REAL_DATE, wrong)
    if len(boxes["year"]) != 4:
        raise DateProblem("The year must have 4 numbers, for example 2026", ("year",))
    return _real_date(int(boxes["year"]), int(boxes["month"]), int(boxes["day"]))


def parse_date_text(text: str) -> date:
    """A date written in one piece: 3/11/2026 or 3.11.2026 (day first), 03112026, 2026-11-03."""
    text = text.strip()
    if match := ONE_TEXT.match(text) or RUN_TOGETHER.match(text):
        day, month, year = match.groups()
    elif match := ISO.match(text):
        year, month, day = match.groups()
    else:
        raise DateProblem(REAL_DATE)
    return _real_date(int(year), int(month), int(day))


def date_boxes(name: str, value: date | None) -> dict[str, str]:
    """A stored date as the text of its three boxes."""
    if value is None:
        return {f"{name}_{part}": "" for part in PARTS}
    return {
        f"{name}_day": str(value.day),
        f"{name}_month": str(value.month),
        f"{name}_year": str(value.year),
    }


def _real_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateProblem(REAL_DATE) from None
