"""Codes against a story attribute (site, region, period, perspective, contact route,
success or learning): each cell is the stories of that column carrying the code, out of
that column's coded stories. Trends are the cross-tab by month, quarter or year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, case, cast, func, literal, select
from sqlmodel import Session, col

from storybank.access import Actor
from storybank.errors import FieldProblem, InvalidInput
from storybank.insights.code_sets import code_counts, code_sets_fit
from storybank.insights.scope import CodeInfo, codebook, has_final_codes, scope_conditions
from storybank.models import LABELS, Story, StoryFinalCode, Unit
from storybank.stories.finding import StoryFilters

DIMENSIONS = ("site", "region", "period", "perspective", "contact_route", "story_type")
PERIODS = ("month", "quarter", "year")
UNDATED = "No date"
NOT_GIVEN = "Not given"


@dataclass
class Column:
    """One column of a cross-tab: its key (for links), its heading and its denominator."""

    key: str
    label: str
    denominator: int


@dataclass
class CrossTab:
    """Codes (rows) by the columns of one attribute; counts[code id][column key]."""

    dimension: str
    period: str
    columns: list[Column] = field(default_factory=list)
    codes: list[CodeInfo] = field(default_factory=list)
    counts: dict[int, dict[str, int]] = field(default_factory=dict)

    def cell(self, code: CodeInfo, column: Column) -> tuple[int, float]:
        """(count, share of the column's coded stories)."""
        count = self.counts.get(code.id, {}).get(column.key, 0)
        return count, count / column.denominator if column.denominator else 0.0


def cross_tab(
    *,
    session: Session,
    actor: Actor,
    filters: StoryFilters,
    dimension: str,
    period: str = "quarter",
) -> CrossTab:
    """Each code's stories per value of the attribute, with each column's denominator."""
    _check(dimension, period)
    scope = scope_conditions(session=session, actor=actor, filters=filters)
    group, names = _grouping(session, dimension, period)
    table = CrossTab(dimension, period, codes=codebook(session=session))
    if code_sets_fit(session):
        raw, rekey = _raw_grouping(session, dimension, period)
        denominators = _from_code_sets(session, scope, raw, rekey, table)
    else:
        denominators = _by_join(session, scope, group, table)
    table.columns = [Column(key, names.get(key, key), denominators[key]) for key in denominators]
    table.columns.sort(key=lambda c: (c.key == "", c.label if dimension != "period" else c.key))
    return table


def _from_code_sets(
    session: Session,
    scope: list[ColumnElement[bool]],
    group: ColumnElement[Any],
    rekey: Callable[[Any], str],
    table: CrossTab,
) -> dict[str, int]:
    """Each column's coded stories and per-code counts in one grouped pass over a plain
    column (a day, a site), summed into the table's columns here; the denominators."""
    coded = [*scope, col(Story.code_set) != 0]
    # Days within sites follow the insights index, so SQLite need not sort the stories.
    within: Any = col(Story.site_id) if table.dimension == "period" else None
    found = code_counts(session, coded, [c.id for c in table.codes], group, within)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    denominators: dict[str, int] = defaultdict(int)
    for raw, column in found.items():
        key = rekey(raw)
        denominators[key] += column.coded
        for code_id, n in column.per_code.items():
            counts[code_id][key] += n
    table.counts = {code_id: dict(by_key) for code_id, by_key in counts.items()}
    return dict(denominators)


def _raw_grouping(
    session: Session, dimension: str, period: str
) -> tuple[Any, Callable[[Any], str]]:
    """A plain column to group by in SQL, and how its value becomes the column's key: days
    become periods and sites regions in Python (cheaper than an expression per story)."""
    if dimension == "period":
        return col(Story.change_date), lambda day: bucket_of(day, period)
    if dimension == "region":
        units = list(session.exec(select(Unit)).scalars())  # type: ignore[call-overload]
        parents = {u.id: u.parent_id for u in units}
        return col(Story.site_id), lambda site: _key(parents.get(site))
    return getattr(Story, dimension if dimension != "site" else "site_id"), _key


def bucket_of(day: date | None, period: str) -> str:
    """A change date's month ("2026-03"), quarter ("2026-Q1") or year, as period_bucket."""
    if day is None:
        return ""
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month + 2) // 3}"
    return str(day.year)


def _by_join(
    session: Session, scope: list[ColumnElement[bool]], group: ColumnElement[Any], table: CrossTab
) -> dict[str, int]:
    """The same by joining the final codes (codebooks past the code-set limit)."""
    per_column = select(group, func.count()).select_from(Story).where(*scope, has_final_codes())
    denominators = {_key(k): int(n) for k, n in session.execute(per_column.group_by(group))}
    cells = (
        select(group, col(StoryFinalCode.code_id), func.count())
        .select_from(StoryFinalCode)
        .join(Story, col(Story.id) == StoryFinalCode.story_id)
        .where(*scope)
        .group_by(group, col(StoryFinalCode.code_id))
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for key, code_id, n in session.execute(cells):
        counts[code_id][_key(key)] = int(n)
    table.counts = dict(counts)
    return denominators


def _check(dimension: str, period: str) -> None:
    if dimension not in DIMENSIONS:
        message = f"Choose one of {', '.join(DIMENSIONS)} to cross-tabulate by."
        raise InvalidInput(message, problems=[FieldProblem("by", message)])
    if period not in PERIODS:
        message = f"Choose a period of {', '.join(PERIODS)}."
        raise InvalidInput(message, problems=[FieldProblem("period", message)])


def _key(value: Any) -> str:
    return "" if value is None else str(value)


def _grouping(
    session: Session, dimension: str, period: str
) -> tuple[ColumnElement[Any], dict[str, str]]:
    """The SQL expression to group by, and the column headings by key."""
    if dimension == "period":
        return period_bucket(session, period), {"": UNDATED}
    if dimension in ("site", "region"):
        return _unit_grouping(session, dimension)
    column = getattr(Story, dimension)
    return column, {"": NOT_GIVEN, **{k: v for k, v in LABELS.items()}}


def _unit_grouping(session: Session, dimension: str) -> tuple[Any, dict[str, str]]:
    units = list(session.exec(select(Unit)).scalars())  # type: ignore[call-overload]
    names = {str(u.id): u.name for u in units}
    if dimension == "site":
        return col(Story.site_id), names
    # A story's region is its site's parent: a CASE over the (few) sites.
    parents = {u.id: u.parent_id for u in units if u.parent_id is not None}
    region = (
        case(
            *(
                (col(Story.site_id) == site, literal(str(parent)))
                for site, parent in parents.items()
            ),
            else_=literal(""),
        )
        if parents
        else literal("")
    )
    return region, {**names, "": "No region"}


def period_bucket(session: Session, period: str, date: Any = None) -> ColumnElement[str]:
    """A story's change date (or another of its dates) as its month ("2026-03"), quarter
    ("2026-Q1") or year."""
    date = col(Story.change_date) if date is None else date
    if session.get_bind().dialect.name == "postgresql":
        pattern = {"month": "YYYY-MM", "quarter": 'YYYY-"Q"Q', "year": "YYYY"}[period]
        return func.to_char(date, pattern)
    if period == "month":
        return func.strftime("%Y-%m", date)
    if period == "year":
        return func.strftime("%Y", date)
    quarter = (cast(func.strftime("%m", date), Integer) + 2) // 3
    return func.strftime("%Y", date) + "-Q" + cast(quarter, String)
