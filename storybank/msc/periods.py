"""Reporting periods (e.g. quarters): a name, open and close dates. Closing a period says
collection for it is over; a closed period stays closed (its rounds still run, since
selection follows collection)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from storybank.access import Actor, require_role
from storybank.audit import record_event
from storybank.errors import Conflict, FieldProblem, InvalidInput, NotFound
from storybank.models import ReportingPeriod, Role, utcnow


def list_periods(*, session: Session) -> list[ReportingPeriod]:
    """Every period, newest first."""
    query = select(ReportingPeriod).order_by(col(ReportingPeriod.opens_on).desc())
    return list(session.exec(query).all())


def get_period(*, session: Session, period_id: int) -> ReportingPeriod:
    """One period, or NotFound."""
    period = session.get(ReportingPeriod, period_id)
    if period is None:
        raise NotFound(f"There is no reporting period with id {period_id}.")
    return period


def create_period(
    *, session: Session, actor: Actor, name: str, opens_on: date, closes_on: date
) -> ReportingPeriod:
    """Add a reporting period (admins); it closes on or after the day it opens."""
    require_role(actor, Role.admin)
    name = name.strip()
    problems = []
    if not 1 <= len(name) <= 120:
        problems.append(FieldProblem("name", "A period needs a name of 1 to 120 characters."))
    if closes_on < opens_on:
        problems.append(FieldProblem("closes_on", "A period closes on or after it opens."))
    if problems:
        raise InvalidInput("; ".join(p.message for p in problems), problems=problems)
    if session.exec(select(ReportingPeriod).where(ReportingPeriod.name == name)).first():
        raise Conflict(f"A period called {name!r} already exists.", code="duplicate_period")
    period = ReportingPeriod(name=name, opens_on=opens_on, closes_on=closes_on)
    session.add(period)
    session.flush()
    record_event(
        session=session,
        actor=actor.user,
        action="msc.period.create",
        entity="msc_period",
        entity_id=period.id,
        details={"name": name, "opens_on": str(opens_on), "closes_on": str(closes_on)},
    )
    session.commit()
    return period


def close_period(*, session: Session, actor: Actor, period_id: int) -> ReportingPeriod:
    """Close a period (admins); closing it again is refused: it is already closed."""
    require_role(actor, Role.admin)
    period = get_period(session=session, period_id=period_id)
    if period.closed_at is not None:
        raise Conflict(
            f"The period {period.name!r} is already closed, and a closed period stays closed.",
            code="period_closed",
        )
    period.closed_at = utcnow()
    session.add(period)
    record_event(
        session=session,
        actor=actor.user,
        action="msc.period.close",
        entity="msc_period",
        entity_id=period.id,
    )
    session.commit()
    return period
