"""The MSC selections a briefing reports: what the closed rounds of the period chose,
with the panels' reasons, in words fit to leave the site.

A site panel may quote the original story in its reasons; a briefing is shared, so the
reasons go through `msc.redaction` (the story's own replacements, name-like words it
dropped withheld) for every reader, and a story whose consent keeps it in its site, or
that has no confirmed de-identified version, is named only as withheld.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, select
from sqlmodel import Session, col

from storybank.access import BEYOND_SITE, confirmed_deidentified
from storybank.errors import FieldProblem, InvalidInput
from storybank.models import (
    DEFAULT_UNIT_LEVELS,
    DEIDENTIFIED_FIELDS,
    MscDomain,
    ReportingPeriod,
    RoundDecision,
    RoundState,
    SelectionRound,
    Story,
    Unit,
)
from storybank.msc.redaction import deidentify_reasons
from storybank.stories.finding import StoryFilters, deidentified_texts

WITHHELD_TITLE = "A story kept within its site (consent or de-identification not in place)"


@dataclass
class Selection:
    """One domain's choice in a closed round, as a briefing shows it."""

    round_id: int
    round_name: str
    level: str
    unit_name: str
    period_name: str
    domain: str
    story_id: int
    title: str
    reasons: str
    shown: bool


def period_selections(
    *,
    session: Session,
    scope: list[ColumnElement[bool]],
    filters: StoryFilters,
    period_id: int | None,
) -> list[Selection]:
    """The selections of closed rounds in the period (or the periods the filter's dates
    overlap, or every period) whose stories are in the scope, newest period first."""
    periods = _periods(session, filters, period_id)
    query = (
        select(RoundDecision, SelectionRound, Unit, ReportingPeriod, MscDomain, Story)
        .join(SelectionRound, col(SelectionRound.id) == RoundDecision.round_id)
        .join(Unit, col(Unit.id) == SelectionRound.unit_id)
        .join(ReportingPeriod, col(ReportingPeriod.id) == SelectionRound.period_id)
        .join(MscDomain, col(MscDomain.id) == RoundDecision.domain_id)
        .join(Story, col(Story.id) == RoundDecision.story_id)
        .where(col(SelectionRound.state) == RoundState.closed, *periods, *scope)
    )
    rows = session.execute(query).all()
    shareable = _shareable(session, [story.id or 0 for *_rest, story in rows])
    versions = deidentified_texts(session=session, story_ids=sorted(shareable))
    found = [
        _selection(decision, rnd, unit, period, domain, story, versions.get(story.id or 0))
        for decision, rnd, unit, period, domain, story in rows
    ]
    levels = list(DEFAULT_UNIT_LEVELS)
    opens = {period.name: period.opens_on for _d, _r, _u, period, _m, _s in rows}
    found.sort(
        key=lambda s: (
            -opens[s.period_name].toordinal(),
            levels.index(s.level) if s.level in levels else len(levels),
            s.round_name,
            s.domain,
        )
    )
    return found


def _periods(
    session: Session, filters: StoryFilters, period_id: int | None
) -> list[ColumnElement[bool]]:
    """Conditions on ReportingPeriod: the one asked for, or those the dates overlap."""
    if period_id is not None:
        if session.get(ReportingPeriod, period_id) is None:
            message = f"There is no reporting period with id {period_id}."
            raise InvalidInput(message, problems=[FieldProblem("period_id", message)])
        return [col(ReportingPeriod.id) == period_id]
    found = []
    if filters.date_to is not None:
        found.append(col(ReportingPeriod.opens_on) <= filters.date_to)
    if filters.date_from is not None:
        found.append(col(ReportingPeriod.closes_on) >= filters.date_from)
    return found


def shareable() -> list[ColumnElement[bool]]:
    """Conditions on Story: a briefing may quote it, as its consent lets it leave its site
    and its de-identified version is confirmed."""
    return [
        col(Story.consent_level).in_([level.value for level in BEYOND_SITE]),
        confirmed_deidentified(),
    ]


def _shareable(session: Session, story_ids: list[int]) -> set[int]:
    """Of these stories, those a briefing may quote."""
    if not story_ids:
        return set()
    query = select(col(Story.id)).where(and_(col(Story.id).in_(story_ids), *shareable()))
    return set(session.execute(query).scalars())


def _selection(
    decision: RoundDecision,
    rnd: SelectionRound,
    unit: Unit,
    period: ReportingPeriod,
    domain: MscDomain,
    story: Story,
    version: dict[str, object] | None,
) -> Selection:
    """One selection, its title and reasons in de-identified words (or withheld)."""
    title, reasons = WITHHELD_TITLE, ""
    if version is not None:
        before = [getattr(story, n) for n in DEIDENTIFIED_FIELDS] + list(story.community_solutions)
        after = [str(version[n]) for n in DEIDENTIFIED_FIELDS]
        after += list(version["community_solutions"])  # type: ignore[call-overload]
        title = str(version["title"])
        reasons = deidentify_reasons(decision.reasons, before, after)
    return Selection(
        round_id=rnd.id or 0,
        round_name=rnd.name,
        level=unit.level,
        unit_name=unit.name,
        period_name=period.name,
        domain=domain.name,
        story_id=story.id or 0,
        title=title,
        reasons=reasons,
        shown=version is not None,
    )
