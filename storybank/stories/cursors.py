"""Sort orders of the story list, and cursors for seek ("keyset") paging.

A cursor is the sort, the sort column's value and the id of the last story on a page,
as base64 JSON. The next page is the stories after that point in the same order, found
through an index instead of counting past every earlier row as OFFSET does.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, or_, tuple_
from sqlalchemy.sql.elements import UnaryExpression
from sqlmodel import col

from storybank.errors import FieldProblem, InvalidInput
from storybank.models import Story

# Each sort: the column and whether it runs newest (or last) first. Ties are broken by
# id in the same direction, so one index on (column, id) serves a sort both ways.
SORTS: dict[str, tuple[str, bool]] = {
    "-updated_at": ("updated_at", True),
    "-created_at": ("created_at", True),
    "created_at": ("created_at", False),
    "-change_date": ("change_date", True),
    "change_date": ("change_date", False),
    "title": ("title", False),
}
DEFAULT_SORT = "-updated_at"
# Columns that may be empty: their empty values come last in either direction.
NULLABLE = {"change_date"}
BAD_CURSOR = (
    "This is not a cursor from this story list; use the `next` value of the previous page, "
    "or start again without `after`."
)
OTHER_SORT = "This cursor belongs to a list in another order; keep the same `sort` with it."
BOTH_PAGINGS = "Give either offset or after, not both."


def order_by(sort: str) -> list[UnaryExpression[Any]]:
    """The ORDER BY of a sort: its column, then id, in one direction."""
    name, descending = SORTS[sort]
    column, story_id = col(getattr(Story, name)), col(Story.id)
    ordered = [column.desc(), story_id.desc()] if descending else [column.asc(), story_id.asc()]
    if name in NULLABLE:
        ordered[0] = ordered[0].nulls_last()
    return ordered


def make_cursor(sort: str, story: Story) -> str:
    """The cursor that points just after this story in this sort."""
    name, _descending = SORTS[sort]
    value = getattr(story, name)
    key = value.isoformat() if isinstance(value, date | datetime) else value
    payload = json.dumps({"sort": sort, "key": key, "id": story.id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def read_cursor(raw: str, sort: str) -> tuple[Any, int]:
    """The sort value and id a cursor points after; InvalidInput naming `after` if the
    cursor is malformed or belongs to another sort."""
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        found_sort, key, story_id = data["sort"], data["key"], data["id"]
        if found_sort not in SORTS or type(story_id) is not int:
            raise ValueError(found_sort)
        value = _read_key(found_sort, key)
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(BAD_CURSOR, problems=[FieldProblem("after", BAD_CURSOR)]) from None
    if found_sort != sort:
        raise InvalidInput(OTHER_SORT, problems=[FieldProblem("after", OTHER_SORT)])
    return value, story_id


def _read_key(sort: str, key: Any) -> Any:
    """A cursor's sort value, read back as the column's type (ValueError if it is not)."""
    name, _descending = SORTS[sort]
    if key is None and name in NULLABLE:
        return None
    if not isinstance(key, str):
        raise ValueError(key)
    if name == "change_date":
        return date.fromisoformat(key)
    if name in ("updated_at", "created_at"):
        moment = datetime.fromisoformat(key)
        if moment.tzinfo is None:
            raise ValueError(key)
        return moment
    return key


def seek_condition(sort: str, position: tuple[Any, int]) -> ColumnElement[bool]:
    """The stories after `position` (a sort value and an id) in this sort."""
    name, descending = SORTS[sort]
    value, story_id = position
    column, ids = col(getattr(Story, name)), col(Story.id)
    after_id = ids < story_id if descending else ids > story_id
    if value is None:  # among the empty values, which come last: only later ids remain
        return and_(column.is_(None), after_id)
    here = tuple_(column, ids)
    column_type = Story.__table__.c[name].type  # type: ignore[attr-defined]
    point = tuple_(bindparam(None, value, type_=column_type), bindparam(None, story_id))
    later = here < point if descending else here > point
    return or_(later, column.is_(None)) if name in NULLABLE else later
