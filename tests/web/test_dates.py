"""Reading dates typed as day, month and year, or as one day-first text."""

from __future__ import annotations

from datetime import date

import pytest

from web.forms.dates import DateInput, DateProblem, date_boxes, parse_date_text, read_date

SUBJECT = "The date of the change"


def _read(day: str = "", month: str = "", year: str = "", text: str = "") -> date | None:
    return read_date(DateInput(day=day, month=month, year=year, text=text), SUBJECT)


def _problem(**typed: str) -> DateProblem:
    with pytest.raises(DateProblem) as problem:
        _read(**typed)
    return problem.value


def test_three_boxes_make_a_date():
    assert _read("14", "3", "2026") == date(2026, 3, 14)
    assert _read(" 03 ", "011", "2026") == date(2026, 11, 3), "spaces and leading zeros are fine"


def test_nothing_typed_is_no_date():
    assert _read() is None


@pytest.mark.parametrize(
    ("typed", "message", "parts"),
    [
        ({"day": "14", "month": "3"}, "The date of the change must include a year", ("year",)),
        ({"month": "3", "year": "2026"}, "The date of the change must include a day", ("day",)),
        ({"day": "14", "year": "2026"}, "The date of the change must include a month", ("month",)),
        ({"year": "2026"}, "The date of the change must include a day and month", ("day", "month")),
        ({"day": "14"}, "The date of the change must include a month and year", ("month", "year")),
    ],
)
def test_a_missing_part_is_named(typed, message, parts):
    problem = _problem(**typed)
    assert problem.message == message
    assert problem.parts == parts


@pytest.mark.parametrize(
    "typed",
    [
        {"day": "31", "month": "2", "year": "2026"},
        {"day": "0", "month": "3", "year": "2026"},
        {"day": "14", "month": "13", "year": "2026"},
        {"day": "14th", "month": "March", "year": "2026"},
    ],
)
def test_an_impossible_date_asks_for_a_real_one(typed):
    assert _problem(**typed).message == "Enter a real date"


def test_words_in_a_box_mark_only_that_box():
    assert _problem(day="14", month="March", year="2026").parts == ("month",)


def test_a_short_year_asks_for_four_numbers():
    problem = _problem(day="14", month="3", year="26")
    assert problem.message == "The year must have 4 numbers, for example 2026"
    assert problem.parts == ("year",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3/11/2026", date(2026, 11, 3)),
        ("03.11.2026", date(2026, 11, 3)),
        ("3-11-2026", date(2026, 11, 3)),
        ("3 11 2026", date(2026, 11, 3)),
        ("03112026", date(2026, 11, 3)),
        ("2026-11-03", date(2026, 11, 3)),
    ],
)
def test_one_text_date_is_read_day_first(text, expected):
    assert parse_date_text(text) == expected


def test_a_whole_date_typed_into_one_box_is_read_day_first():
    assert _read(day="3/11/2026") == date(2026, 11, 3)
    assert _read(year="03112026") == date(2026, 11, 3)
    assert _read(text="3/11/2026") == date(2026, 11, 3), "a single date field, as in a link"


def test_a_text_date_that_is_not_real_is_refused():
    assert _problem(text="31/2/2026").message == "Enter a real date"
    assert _problem(day="11/3").message == "Enter a real date"


def test_boxes_show_a_stored_date_without_leading_zeros():
    assert date_boxes("change_date", date(2026, 3, 4)) == {
        "change_date_day": "4",
        "change_date_month": "3",
        "change_date_year": "2026",
    }
    assert date_boxes("change_date", None)["change_date_day"] == ""
