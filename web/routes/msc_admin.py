"""Admin pages for MSC: the domains of change and the reporting periods."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from storybank.errors import Conflict, InvalidInput
from storybank.msc import domains, periods
from web.deps import AdminFormActor, AdminPageActor, FormValues
from web.forms.dates import DateInput, DateProblem, read_date
from web.forms.messages import refusal_errors
from web.routes.admin import notices
from web.templating import render

router = APIRouter(include_in_schema=False)
DOMAIN_FIELDS = ("name", "description", "question")
DOMAIN_NOTICES = {
    "added": "The domain has been added.",
    "saved": "The domain has been saved.",
    "deactivated": "The domain is no longer offered for new rounds.",
}
PERIOD_NOTICES = {"added": "The period has been added.", "closed": "The period is closed."}
PERIOD_DATES = {"opens_on": "The date the period opens", "closes_on": "The date it closes"}


@router.get("/admin/msc/domains")
def domains_page(request: Request, session: SessionDep, actor: AdminPageActor) -> Response:
    return _domains_page(request, session, notices=notices(request, DOMAIN_NOTICES))


@router.post("/admin/msc/domains")
def add_domain(
    request: Request, session: SessionDep, actor: AdminFormActor, form: FormValues
) -> Response:
    try:
        domains.create_domain(
            session=session,
            actor=actor,
            name=form.get("name", ""),
            description=form.get("description", ""),
            question=form.get("question", ""),
        )
    except (InvalidInput, Conflict) as exc:
        errors = refusal_errors(exc, "name")
        return _domains_page(request, session, values=form, errors=errors, status=exc.status)
    return RedirectResponse("/admin/msc/domains?added=1", status_code=303)


@router.post("/admin/msc/domains/{domain_id}")
def edit_domain(
    request: Request, domain_id: int, session: SessionDep, actor: AdminFormActor, form: FormValues
) -> Response:
    changes: dict[str, object] = {name: form.get(name, "") for name in DOMAIN_FIELDS}
    flag = "saved"
    if form.get("deactivate"):
        changes, flag = {"active": False}, "deactivated"
    try:
        domains.update_domain(session=session, actor=actor, domain_id=domain_id, changes=changes)
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        message = exc.message
        return _domains_page(request, session, message=message, failed=domain_id, status=exc.status)
    return RedirectResponse(f"/admin/msc/domains?{flag}=1", status_code=303)


def _domains_page(request: Request, session: Session, status: int = 200, **extra: Any) -> Response:
    context = {
        "domains": domains.list_domains(session=session, include_inactive=True),
        "values": {},
        "errors": {},
        "labels": {"name": "Name", "description": "Description", "question": "Question"},
        **extra,
    }
    return render(request, "msc/admin/domains.html", context, status)


@router.get("/admin/msc/periods")
def periods_page(request: Request, session: SessionDep, actor: AdminPageActor) -> Response:
    return _periods_page(request, session, notices=notices(request, PERIOD_NOTICES))


@router.post("/admin/msc/periods")
def add_period(
    request: Request, session: SessionDep, actor: AdminFormActor, form: FormValues
) -> Response:
    errors: dict[str, str] = {}
    dates = {}
    for name, subject in PERIOD_DATES.items():
        try:
            dates[name] = read_date(DateInput.from_form(form, name), subject)
        except DateProblem as problem:
            errors[name] = problem.message
        if name not in errors and dates.get(name) is None:
            errors[name] = f"Enter {subject.lower()}"
    if errors:
        return _periods_page(request, session, values=form, errors=errors, status=422)
    try:
        periods.create_period(
            session=session,
            actor=actor,
            name=form.get("name", ""),
            opens_on=dates["opens_on"],  # type: ignore[arg-type]
            closes_on=dates["closes_on"],  # type: ignore[arg-type]
        )
    except (InvalidInput, Conflict) as exc:
        errors = refusal_errors(exc, "name")
        return _periods_page(request, session, values=form, errors=errors, status=exc.status)
    return RedirectResponse("/admin/msc/periods?added=1", status_code=303)


@router.post("/admin/msc/periods/{period_id}/close")
def close_period(
    request: Request, period_id: int, session: SessionDep, actor: AdminFormActor
) -> Response:
    try:
        periods.close_period(session=session, actor=actor, period_id=period_id)
    except Conflict as exc:
        return _periods_page(request, session, message=exc.message, status=exc.status)
    return RedirectResponse("/admin/msc/periods?closed=1", status_code=303)


def _periods_page(request: Request, session: Session, status: int = 200, **extra: Any) -> Response:
    context = {
        "periods": periods.list_periods(session=session),
        "values": {},
        "errors": {},
        "labels": {"name": "Name", **PERIOD_DATES},
        **extra,
    }
    return render(request, "msc/admin/periods.html", context, status)
