"""Admin pages for the codebook: the codes, adding and editing a theme, retiring, and
the emerging themes discovered in the stories (from which a new theme can be proposed)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile
from starlette.responses import Response

from api.deps import SessionDep
from storybank import codebook_admin, units
from storybank.codebook import list_codes
from storybank.codebook_admin import CodeEdit, ThemeCreate
from storybank.emerging_themes import ThemeFilters, emerging_topics
from storybank.errors import Conflict, FieldProblem, InvalidInput, NotFound, TooLarge
from storybank.exchange.qdc_reading import MAX_QDC_BYTES
from storybank.exchange.refi_codebook import import_codebook_qdc
from storybank.models import ReportingPeriod
from web.deps import AdminFormActor, AdminPageActor, FormValues
from web.forms.codebook import CODE_LABELS, code_data, code_errors, code_values
from web.forms.messages import problem_errors
from web.routes.admin import notices
from web.templating import render

router = APIRouter(include_in_schema=False)
CODEBOOK_NOTICES = {
    "added": "The theme has been added.",
    "deleted": "The theme has been deleted.",
    "imported": "The codebook file has been imported.",
}
CODE_NOTICES = {
    "saved": "The code has been saved.",
    "retired": "The code is retired: it stays on stories coded with it, and is no longer offered.",
    "reactivated": "The code is in use again.",
}
TOPIC_COUNTS = (4, 6, 8, 10, 12, 16, 20)


@router.get("/admin/codebook")
def codebook_page(request: Request, session: SessionDep, actor: AdminPageActor) -> Response:
    return _codebook_page(request, session, notices=notices(request, CODEBOOK_NOTICES))


@router.post("/admin/codebook")
def add_theme(
    request: Request, session: SessionDep, actor: AdminFormActor, form: FormValues
) -> Response:
    try:
        data = ThemeCreate.model_validate(code_data(form, with_key=True))
        code = codebook_admin.add_theme(session=session, actor=actor, data=data)
    except ValidationError as exc:
        errors = code_errors(exc, form)
        return _codebook_page(request, session, values=form, errors=errors, status=422)
    except (InvalidInput, Conflict) as exc:
        errors = problem_errors(exc.problems) or {"key": exc.message}
        return _codebook_page(request, session, values=form, errors=errors, status=exc.status)
    return RedirectResponse(f"/admin/codebook/codes/{code.key}?added=1", status_code=303)


async def uploaded_qdc(request: Request) -> bytes:
    """The uploaded codebook file's bytes (up to one more than the limit), or none."""
    upload = (await request.form()).get("file")
    return await upload.read(MAX_QDC_BYTES + 1) if isinstance(upload, UploadFile) else b""


@router.post("/admin/codebook/import-qdc")
def import_qdc(
    request: Request,
    session: SessionDep,
    actor: AdminFormActor,
    content: Annotated[bytes, Depends(uploaded_qdc)],
) -> Response:
    try:
        report = import_codebook_qdc(session=session, actor=actor, content=content)
    except (InvalidInput, Conflict, TooLarge) as exc:
        problems = [p.message for p in exc.problems if p.message != exc.message]
        failed = {"message": exc.message, "problems": problems}
        return _codebook_page(request, session, import_failed=failed, status=exc.status)
    counts = f"added={len(report.added)}&updated={len(report.updated)}"
    return RedirectResponse(f"/admin/codebook?imported=1&{counts}#import", status_code=303)


@router.get("/admin/codebook/topics")
def topics_page(request: Request, session: SessionDep, actor: AdminPageActor) -> Response:
    values = {name: request.query_params.get(name, "") for name in ("unit_id", "period_id")}
    values["n_topics"] = request.query_params.get("n_topics", "8")
    context = {**_topic_choices(session), "values": values, "labels": CODE_LABELS}
    try:
        filters = _theme_filters(session, values)
        found = emerging_topics(session=session, actor=actor, filters=filters)
    except InvalidInput as exc:
        context["errors"] = problem_errors(exc.problems)
        return render(request, "admin/topics.html", context, 422)
    return render(request, "admin/topics.html", {**context, "found": found, "errors": {}})


@router.get("/admin/codebook/codes/{key}")
def code_page(request: Request, key: str, session: SessionDep, actor: AdminPageActor) -> Response:
    shown = {**CODEBOOK_NOTICES, **CODE_NOTICES}
    return _code_page(request, session, key, notices=notices(request, shown))


@router.post("/admin/codebook/codes/{key}")
def save_code(
    request: Request, key: str, session: SessionDep, actor: AdminFormActor, form: FormValues
) -> Response:
    try:
        data = CodeEdit.model_validate(code_data(form, with_key=False))
        codebook_admin.update_code(session=session, actor=actor, key=key, data=data)
    except ValidationError as exc:
        errors = code_errors(exc, form)
        return _code_page(request, session, key, values=form, errors=errors, status=422)
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        errors = problem_errors(exc.problems)
        context = {"values": form, "errors": errors, "message": exc.message}
        return _code_page(request, session, key, status=exc.status, **context)
    return RedirectResponse(f"/admin/codebook/codes/{key}?saved=1", status_code=303)


@router.post("/admin/codebook/codes/{key}/active")
def set_active(
    request: Request, key: str, session: SessionDep, actor: AdminFormActor, form: FormValues
) -> Response:
    active = form.get("active") == "true"
    try:
        data = CodeEdit(active=active)
        codebook_admin.update_code(session=session, actor=actor, key=key, data=data)
    except Conflict as exc:
        return _code_page(request, session, key, message=exc.message, status=exc.status)
    flag = "reactivated" if active else "retired"
    return RedirectResponse(f"/admin/codebook/codes/{key}?{flag}=1", status_code=303)


@router.post("/admin/codebook/codes/{key}/delete")
def delete_theme(
    request: Request, key: str, session: SessionDep, actor: AdminFormActor
) -> Response:
    try:
        codebook_admin.delete_theme(session=session, actor=actor, key=key)
    except Conflict as exc:
        return _code_page(request, session, key, message=exc.message, status=exc.status)
    return RedirectResponse("/admin/codebook?deleted=1", status_code=303)


def _codebook_page(request: Request, session: Session, status: int = 200, **extra: Any) -> Response:
    codes = list_codes(session=session, include_inactive=True)
    context = {
        "codes": codes,
        "used": codebook_admin.coding_counts(session=session),
        "parents": [(c.key, c.label) for c in codes if c.kind == "theme"],
        "values": {},
        "errors": {},
        "labels": CODE_LABELS,
        **extra,
    }
    return render(request, "admin/codebook.html", context, status)


def _code_page(
    request: Request, session: Session, key: str, status: int = 200, **extra: Any
) -> Response:
    codes = list_codes(session=session, include_inactive=True)
    code = next((c for c in codes if c.key == key), None)
    if code is None:
        raise NotFound(f"There is no code with key {key!r}.")
    context = {
        "code": code,
        "used": codebook_admin.coding_counts(session=session).get(key, 0),
        "parents": [(c.key, c.label) for c in codes if c.kind == "theme" and c.key != key],
        "values": code_values(code),
        "errors": {},
        "labels": CODE_LABELS,
        **extra,
    }
    return render(request, "admin/code.html", context, status)


def _topic_choices(session: Session) -> dict[str, Any]:
    tree = units.unit_tree(session=session)
    periods = session.exec(select(ReportingPeriod).order_by(col(ReportingPeriod.opens_on))).all()
    return {
        "unit_options": [(str(n.unit.id), "\u2003" * n.depth + n.unit.name) for n in tree],
        "period_options": [(str(p.id), p.name) for p in periods],
        "count_options": [(str(n), str(n)) for n in TOPIC_COUNTS],
    }


def _theme_filters(session: Session, values: dict[str, str]) -> ThemeFilters:
    """The topics page's choices as filters (a reporting period gives its dates)."""
    filters = ThemeFilters(n_topics=_number(values["n_topics"], "n_topics") or 0)
    filters.unit_id = _number(values["unit_id"], "unit_id")
    if period_id := _number(values["period_id"], "period_id"):
        period = session.get(ReportingPeriod, period_id)
        if period is None:
            raise _not_a_choice("period_id")
        filters.date_from, filters.date_to = period.opens_on, period.closes_on
    return filters


def _number(typed: str, field: str) -> int | None:
    typed = typed.strip()
    if not typed:
        return None
    if not (typed.isascii() and typed.isdigit()) or len(typed) > 9:
        raise _not_a_choice(field)
    return int(typed)


def _not_a_choice(field: str) -> InvalidInput:
    message = "Choose one of the options in the list."
    return InvalidInput(message, problems=[FieldProblem(field, message)])
