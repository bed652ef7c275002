"""The story-list query behind every number: the insight's filter, submitted stories only,
plus the code and the column the number counts, so a reader can open the stories."""

from __future__ import annotations

import calendar
from dataclasses import fields
from datetime import date
from typing import Any
from urllib.parse import urlencode

from storybank.insights.scope import CodeInfo
from storybank.stories.finding import StoryFilters

SKIPPED = {"sort", "q", "status", "author_id"}


def filter_params(filters: StoryFilters) -> dict[str, Any]:
    """The filter as query-string values (what is set, in the list's own names)."""
    found: dict[str, Any] = {}
    for item in fields(filters):
        value = getattr(filters, item.name)
        if item.name in SKIPPED or value is None:
            continue
        found[item.name] = str(value).lower() if isinstance(value, bool) else str(value)
    return found


def stories_query(filters: StoryFilters, code: CodeInfo | None = None, **extra: Any) -> str:
    """The query string of the story list behind a number."""
    params = {**filter_params(filters), "status": "submitted"}
    if code is not None:
        params.update(code.filter)
    params.update({k: v for k, v in extra.items() if v is not None})
    return urlencode(params)


def column_params(dimension: str, key: str) -> dict[str, Any]:
    """The story-list filter that selects one cross-tab column's stories."""
    if dimension == "site":
        return {"site_id": key}
    if dimension == "region":
        return {"unit_id": key} if key else {}
    if dimension == "period":
        return period_range(key)
    return {dimension: key} if key else {}


def period_range(key: str) -> dict[str, str]:
    """The change dates of a period key: "2026-03", "2026-Q1" or "2026"."""
    if not key:
        return {}
    year = int(key[:4])
    if "-Q" in key:
        first = (int(key[-1]) - 1) * 3 + 1
        start, end = date(year, first, 1), _month_end(year, first + 2)
    elif len(key) == 7:
        month = int(key[5:7])
        start, end = date(year, month, 1), _month_end(year, month)
    else:
        start, end = date(year, 1, 1), date(year, 12, 31)
    return {"date_from": start.isoformat(), "date_to": end.isoformat()}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
