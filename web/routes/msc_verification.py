"""Verifying stories selected above site level: the checks recorded on a closed round's
selected stories (verified, needs correction or disputed; who, how, a note), and the
form a facilitator of the round or an evaluator of the story's site records one with."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from storybank.access import Actor, may_run_round
from storybank.errors import Conflict, InvalidInput
from storybank.models import Id, VerificationStatus
from storybank.msc import verification
from web.deps import FormActor, FormValues, PageActor
from web.forms.messages import refusal_errors
from web.templating import render

router = APIRouter(include_in_schema=False)
RECORDED = "The check has been recorded."


@router.get("/msc/rounds/{round_id}/verification")
def verification_page(
    request: Request, round_id: Id, session: SessionDep, actor: PageActor
) -> Response:
    notice = RECORDED if request.query_params.get("recorded") else None
    return _page(request, session, actor, round_id, notice=notice)


@router.post("/msc/rounds/{round_id}/verification/{story_id}")
def record_check(
    request: Request,
    round_id: Id,
    story_id: Id,
    session: SessionDep,
    actor: FormActor,
    form: FormValues,
) -> Response:
    verification.checks_reader(session=session, actor=actor, round_id=round_id)
    try:
        status = VerificationStatus(form.get("status", ""))
    except ValueError:
        errors = {"status": "Choose verified, needs correction or disputed."}
        return _failed(request, session, actor, round_id, story_id, form, errors, 422)
    try:
        verification.record_verification(
            session=session,
            actor=actor,
            round_id=round_id,
            story_id=story_id,
            status=status,
            method=form.get("method", ""),
            note=form.get("note", ""),
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        errors = refusal_errors(exc, "method")
        return _failed(request, session, actor, round_id, story_id, form, errors, exc.status)
    return RedirectResponse(
        f"/msc/rounds/{round_id}/verification?recorded=1#story-{story_id}", status_code=303
    )


def _failed(
    request: Request,
    session: Session,
    actor: Actor,
    round_id: int,
    story_id: int,
    form: dict[str, str],
    errors: dict[str, str],
    status: int,
) -> Response:
    failed = {"story_id": story_id, "values": form, "errors": errors}
    return _page(request, session, actor, round_id, status=status, failed=failed)


def _page(
    request: Request, session: Session, actor: Actor, round_id: int, status: int = 200, **extra: Any
) -> Response:
    sheet = verification.verification_sheet(session=session, actor=actor, round_id=round_id)
    context = {
        "sheet": sheet,
        "runs_it": may_run_round(actor, sheet.round.unit_id),
        "statuses": verification.STATUS_LABELS,
        "failed": {"story_id": None, "values": {}, "errors": {}},
        **extra,
    }
    return render(request, "msc/verification.html", context, status)
