"""The story filters beyond a story's own columns: a unit at any level, a final code, and
where a story went in the Most Significant Change rounds. The story list, its exports and
the evaluator's insights all narrow stories with these same conditions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, exists, literal, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from storybank.errors import FieldProblem, InvalidInput
from storybank.models import (
    Code,
    CodeKind,
    RoundCandidate,
    RoundDecision,
    SelectionRound,
    Story,
    StoryFinalCode,
    Unit,
)

if TYPE_CHECKING:
    from storybank.stories.finding import StoryFilters


def unit_condition(unit_id: int) -> ColumnElement[bool]:
    """Stories of the sites at or below this unit (a site, a region or the programme)."""
    start: Select[Any] = select(col(Unit.id).label("id")).where(col(Unit.id) == unit_id)
    tree = start.cte("units_below", recursive=True)
    below = tree.union_all(select(col(Unit.id)).where(col(Unit.parent_id) == tree.c.id))
    return col(Story.site_id).in_(select(below.c.id))


def final_code_condition(code_key: str) -> ColumnElement[bool]:
    """Stories whose final codes include the code with this key."""
    # An alias: the insights join story_final_codes themselves, and an unaliased table
    # here would be correlated to theirs.
    final = aliased(StoryFinalCode)
    code_id = select(col(Code.id)).where(col(Code.key) == code_key).scalar_subquery()
    return exists().where(col(final.story_id) == col(Story.id), col(final.code_id) == code_id)


def outcome_key(number: int) -> str:
    """The codebook key of outcome `number`."""
    return f"outcome_{number}"


def msc_condition(filters: StoryFilters) -> ColumnElement[bool] | None:
    """Stories that were candidates (or, with `selected`, were chosen) in the rounds that
    the round, level and domain filters name; None when no such filter is set."""
    named = filters.round_id or filters.level or filters.msc_domain_id
    if not named and filters.selected is None:
        return None
    chosen = filters.selected is not None
    rows = _chosen(filters) if chosen else _candidates(filters)
    if filters.selected is False:
        return ~exists(rows)
    return exists(rows)


def _candidates(filters: StoryFilters) -> Select[Any]:
    query: Select[Any] = select(literal(1)).select_from(RoundCandidate)
    query = query.where(col(RoundCandidate.story_id) == col(Story.id))
    if filters.msc_domain_id:
        query = query.where(col(RoundCandidate.domain_id) == filters.msc_domain_id)
    return _in_rounds(query, col(RoundCandidate.round_id), filters)


def _chosen(filters: StoryFilters) -> Select[Any]:
    query: Select[Any] = select(literal(1)).select_from(RoundDecision)
    query = query.where(col(RoundDecision.story_id) == col(Story.id))
    if filters.msc_domain_id:
        query = query.where(col(RoundDecision.domain_id) == filters.msc_domain_id)
    return _in_rounds(query, col(RoundDecision.round_id), filters)


def _in_rounds(query: Select[Any], round_id: Any, filters: StoryFilters) -> Select[Any]:
    if filters.round_id:
        query = query.where(round_id == filters.round_id)
    if filters.level:
        level = (
            select(col(SelectionRound.id))
            .join(Unit, col(Unit.id) == col(SelectionRound.unit_id))
            .where(col(Unit.level) == filters.level)
        )
        query = query.where(round_id.in_(level))
    return query


def filter_conditions(filters: StoryFilters) -> list[ColumnElement[bool]]:
    """The SQL conditions of the unit, code and MSC filters that are set."""
    found: list[ColumnElement[bool]] = []
    if filters.unit_id is not None:
        found.append(unit_condition(filters.unit_id))
    if filters.consent_level is not None:
        found.append(col(Story.consent_level) == filters.consent_level)
    if filters.outcome is not None:
        found.append(final_code_condition(outcome_key(filters.outcome)))
    if filters.theme is not None:
        found.append(final_code_condition(filters.theme))
    if (msc := msc_condition(filters)) is not None:
        found.append(msc)
    return found


def check_filters(*, session: Session, filters: StoryFilters) -> None:
    """Refuse a filter that names something that does not exist (a list filtered by an
    unknown theme would otherwise look empty instead of wrong)."""
    problems = []
    if filters.theme is not None:
        found = select(Code).where(col(Code.key) == filters.theme)
        theme = session.execute(found).scalars().first()
        if theme is None or theme.kind != CodeKind.theme:
            problems.append(FieldProblem("theme", f"There is no theme with key {filters.theme!r}."))
    if filters.unit_id is not None and session.get(Unit, filters.unit_id) is None:
        problems.append(FieldProblem("unit_id", f"There is no unit with id {filters.unit_id}."))
    if problems:
        raise InvalidInput(problems[0].message, problems=problems)
