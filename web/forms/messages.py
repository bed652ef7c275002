"""Plain-English messages for bad form input, one per field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from storybank.errors import FieldProblem, StorybankError


def field_errors(exc: ValidationError, form: Mapping[str, str]) -> dict[str, str]:
    """One plain-English message per bad field (the first problem found for it)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = error.get("loc") or ("form",)
        name = str(loc[0])
        errors.setdefault(name, _message(name, error, form))
    return errors


def problem_errors(problems: Iterable[FieldProblem]) -> dict[str, str]:
    """A service's field problems as {field: message}."""
    errors: dict[str, str] = {}
    for problem in problems:
        errors.setdefault(problem.field, problem.message)
    return errors


def refusal_errors(exc: StorybankError, field: str) -> dict[str, str]:
    """A service's refusal as messages beside fields: its field problems, else its message
    beside `field`."""
    return problem_errors(getattr(exc, "problems", None) or []) or {field: exc.message}


def _message(name: str, error: Any, form: Mapping[str, str]) -> str:
    kind = error.get("type", "")
    if name == "site_id":
        return "Choose the site this story belongs to."
    if name == "version":
        return "This form is out of date. Reload the page and make your changes again."
    if name == "community_solutions":
        return _solutions_message(error)
    if name == "change_date":
        if kind == "value_error":
            return "The date of the change cannot be in the future."
        return "Enter a real date, for example 14/03/2026."
    if name.startswith("weekly_cost"):
        if kind == "greater_than_equal":
            return "The amount cannot be negative."
        return "Enter an amount in pounds, for example 126 or 126.50 (at most £100,000)."
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length", 0)
        typed = len(form.get(name, "").strip())
        return f"This is too long: use {limit:,} characters or fewer (you have {typed:,})."
    if kind == "enum":
        return "Choose one of the options."
    return "This is not valid. Check it and try again."


def _solutions_message(error: Any) -> str:
    loc: tuple[Any, ...] = tuple(error.get("loc") or ())
    if error.get("type") == "too_long":
        return "List at most 30 community solutions, one per line."
    if len(loc) > 1 and isinstance(loc[1], int):
        return f"Keep each solution to 120 characters or fewer (number {loc[1] + 1} is longer)."
    return "Write one community solution per line."
