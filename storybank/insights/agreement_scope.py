"""Which stories count in the agreement figures, who may see them, and the codes reported.

Roles: reviewers see the stories of the sites they review; evaluators see the stories they
may read (consented, de-identified, submitted) of the sites they evaluate; admins see every
story. Staff, facilitators and panel members have no agreement figures. Only reviewers
(and admins) see the per-story list of disagreements, since only they adjudicate and it
names the coders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, select

from storybank.access import Actor, descendants, readable_stories
from storybank.errors import FieldProblem, Forbidden, InvalidInput
from storybank.models import Code, CodeKind, Role, Story, Unit

AGREEMENT_ROLES = (Role.reviewer, Role.evaluator)


@dataclass(frozen=True)
class AgreementFilters:
    """A unit (a site, or every site below a region) and the date of the change."""

    unit_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


class CodeRef(BaseModel):
    """A code as the agreement tables name it."""

    key: str
    label: str
    kind: str
    number: int | None


def require_agreement_reader(actor: Actor) -> None:
    """Forbidden unless the actor is an admin, a reviewer or an evaluator somewhere."""
    if not actor.has_role(*AGREEMENT_ROLES):
        raise Forbidden("Agreement figures are for reviewers, evaluators and admins.")


def agreement_stories(
    *,
    session: Session,
    actor: Actor,
    filters: AgreementFilters,
    stories: ColumnElement[bool] | None = None,
) -> ColumnElement[bool]:
    """A SQL condition on Story: readable by the actor in a reviewer or evaluator role
    (every story for admins), in the filter, and `stories` if given."""
    require_agreement_reader(actor)
    conditions = [readable_stories(actor), *_filter_conditions(session, filters)]
    if not actor.is_admin:
        conditions.append(col(Story.site_id).in_(sorted(actor.sites_for(*AGREEMENT_ROLES))))
    if stories is not None:
        conditions.append(stories)
    return and_(*conditions)


def _filter_conditions(session: Session, filters: AgreementFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.unit_id is not None:
        rows = session.exec(select(Unit.id, Unit.parent_id)).all()
        below = descendants((unit_id or 0, parent) for unit_id, parent in rows)
        if filters.unit_id not in below:
            message = f"There is no unit with id {filters.unit_id}."
            raise InvalidInput(message, problems=[FieldProblem("unit_id", message)])
        conditions.append(col(Story.site_id).in_(sorted(below[filters.unit_id])))
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        message = "The start date is after the end date."
        raise InvalidInput(message, problems=[FieldProblem("date_from", message)])
    if filters.date_from:
        conditions.append(col(Story.change_date) >= filters.date_from)
    if filters.date_to:
        conditions.append(col(Story.change_date) <= filters.date_to)
    return conditions


def reported_codes(*, session: Session, used: Iterable[int]) -> list[Code]:
    """Every active outcome and theme, and any retired one still used, outcomes first."""
    used = set(used)
    codes = session.exec(
        select(Code).where(col(Code.kind).in_([CodeKind.outcome, CodeKind.theme]))
    ).all()
    kept = [c for c in codes if c.active or c.id in used]
    return sorted(kept, key=lambda c: (c.kind != CodeKind.outcome, c.sort_order, c.key))


def code_ref(code: Code) -> CodeRef:
    """The code's key, label, kind and number."""
    return CodeRef(key=code.key, label=code.label, kind=code.kind, number=code.number)
