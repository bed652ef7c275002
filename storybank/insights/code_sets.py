"""Counting codes from `stories.code_set`, each story's final codes as a bit set: one pass
over the insights index gives every code's count (and, grouped, every column's), with no
join to the final codes. Used while every code id fits the set (storybank/review/
final_table.py MAX_BIT); past that the insights join `story_final_codes` instead."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Integer,
    LargeBinary,
    case,
    func,
    literal,
    literal_column,
    select,
)
from sqlmodel import Session, col

from storybank.models import Code, Story
from storybank.review.final_table import MAX_BIT


@dataclass
class Counts:
    """One group's stories, how many have final codes, and the stories per code id."""

    stories: int = 0
    coded: int = 0
    per_code: dict[int, int] = field(default_factory=dict)


def code_sets_fit(session: Session) -> bool:
    """Whether every code id fits in stories.code_set."""
    highest = session.execute(select(func.max(col(Code.id)))).scalar()
    return (highest or 0) <= MAX_BIT


def code_set_values(session: Session, scope: list[ColumnElement[bool]]) -> np.ndarray:
    """The non-empty code sets of the stories in scope, one per story, as unsigned
    64-bit integers. On PostgreSQL they come as one bytea of 8-byte big-endian values
    (a story's `int8send`), which is read in a few milliseconds where 100,000 result rows
    take a few hundred; elsewhere as rows."""
    chosen = col(Story.code_set)
    if session.get_bind().dialect.name == "postgresql":
        packed = func.string_agg(func.int8send(chosen), literal(b"", LargeBinary))
        found = session.execute(select(packed).where(*scope, chosen != 0)).scalar()
        return np.frombuffer(found or b"", dtype=">i8").astype(np.uint64)
    values = session.execute(select(chosen).where(*scope, chosen != 0)).scalars().all()
    return np.fromiter((int(v) for v in values), dtype=np.uint64, count=len(values))


def carries(code_id: int) -> ColumnElement[Any]:
    """1 where the story's final codes include this code, else 0."""
    # Inline integers: PostgreSQL has `bigint >> integer` but no `bigint >> bigint`.
    shift = literal_column(str(int(code_id)), Integer)
    return col(Story.code_set).op(">>")(shift).op("&")(literal_column("1", Integer))


def code_counts(
    session: Session,
    scope: list[ColumnElement[bool]],
    code_ids: list[int],
    group: ColumnElement[Any] | None = None,
    within: ColumnElement[Any] | None = None,
) -> dict[Any, Counts]:
    """Per group (None: one group, keyed None): stories, coded stories and per-code counts.
    `within` groups by (within, group) first, in the insights index's order, so the
    database streams the groups instead of sorting every story; the groups are summed."""
    coded = func.sum(case((col(Story.code_set) != 0, 1), else_=0))
    sums = [func.sum(carries(code_id)) for code_id in code_ids]
    keys = [k for k in (within, group) if k is not None]
    query = select(*keys, func.count(), coded, *sums).select_from(Story).where(*scope)
    if keys:
        query = query.group_by(*keys)
    found: dict[Any, Counts] = {}
    for row in session.execute(query):
        key = row[len(keys) - 1] if group is not None else None
        stories, with_codes, *per_code = row[len(keys) :]
        if key in found:
            found[key] = _added(found[key], int(stories), int(with_codes or 0), code_ids, per_code)
            continue
        found[key] = Counts(
            int(stories),
            int(with_codes or 0),
            {c: int(n or 0) for c, n in zip(code_ids, per_code, strict=True) if n},
        )
    return found


def _added(
    counts: Counts, stories: int, coded: int, code_ids: list[int], per_code: list[Any]
) -> Counts:
    merged = dict(counts.per_code)
    for code_id, n in zip(code_ids, per_code, strict=True):
        if n:
            merged[code_id] = merged.get(code_id, 0) + int(n)
    return Counts(counts.stories + stories, counts.coded + coded, merged)
