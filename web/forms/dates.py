"""Dates typed as day, month and year (three boxes), or as one day-first text like 3/11/2026."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, ClassVar

from pydantic import BaseModel, PrivateAttr, StringConstraints, model_validator

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


DateText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]


class DateRangeQuery(BaseModel):
    """A GET form's "from" and "to" dates, each as day, month and year boxes or as one
    day-first text (3/11/2026); shared by the story list and the audit log filters."""

    DATE_FILTERS: ClassVar[dict[str, str]] = {
        "date_from": "The date to search from",
        "date_to": "The date to search up to",
    }
    DATE_BOXES: ClassVar[set[str]] = {
        f"{name}_{part}" for name in ("date_from", "date_to") for part in PARTS
    }

    date_from: DateText | None = None
    date_from_day: DateText | None = None
    date_from_month: DateText | None = None
    date_from_year: DateText | None = None
    date_to: DateText | None = None
    date_to_day: DateText | None = None
    date_to_month: DateText | None = None
    date_to_year: DateText | None = None

    _dates: dict[str, date | None] = PrivateAttr(default_factory=dict)
    _date_problems: dict[str, DateProblem] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _read_dates(self) -> DateRangeQuery:
        typed = self.model_dump()
        for name, subject in self.DATE_FILTERS.items():
            try:
                self._dates[name] = read_date(DateInput.from_form(typed, name), subject)
            except DateProblem as problem:
                self._date_problems[name] = problem
        return self

    @property
    def dates(self) -> dict[str, date | None]:
        """The dates that could be read, by filter name."""
        return self._dates

    @property
    def date_problems(self) -> dict[str, DateProblem]:
        """The dates that could not be read (their filter is left out)."""
        return self._date_problems

    def date_values(self) -> dict[str, str]:
        """What the date boxes show: what was typed, or a one-text date split into boxes."""
        values: dict[str, str] = {}
        for name in self.DATE_FILTERS:
            boxes = {f"{name}_{part}": getattr(self, f"{name}_{part}") or "" for part in PARTS}
            if not any(boxes.values()) and (read := self._dates.get(name)):
                boxes = date_boxes(name, read)
            elif not any(boxes.values()):
                boxes[f"{name}_day"] = getattr(self, name) or ""
            values.update(boxes)
        return values
