"""The facilitator's pages after voting: the results side by side, the closing decisions
with the panel's reasons, and the printable round report."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from storybank.access import Actor
from storybank.errors import Conflict, InvalidInput
from storybank.msc import candidates, decisions, members, rounds
from storybank.msc import results as msc_results
from web.deps import FormActor, FormValues, PageActor
from web.forms.messages import refusal_errors
from web.routes.msc_facilitator import _number, _round_page, _run

router = APIRouter(include_in_schema=False)
CRITERIA_ROWS = 3


@router.get("/msc/facilitate/rounds/{round_id}/results")
def results_page(
    request: Request, round_id: int, session: SessionDep, actor: PageActor
) -> Response:
    found = _run(session, actor, round_id)
    number = _number(request.query_params.get("pass"))
    try:
        counted = msc_results.side_by_side(
            session=session, actor=actor, round_id=round_id, pass_number=number
        )
    except (Conflict, InvalidInput) as exc:
        return _round_page(request, session, found, "results.html", message=exc.message)
    return _round_page(request, session, found, "results.html", counted=counted)


@router.get("/msc/facilitate/rounds/{round_id}/close")
def close_page(request: Request, round_id: int, session: SessionDep, actor: PageActor) -> Response:
    found = _run(session, actor, round_id)
    return _close_page(request, session, actor, found)


@router.post("/msc/facilitate/rounds/{round_id}/close/{domain_id}")
def record_decision(
    request: Request,
    round_id: int,
    domain_id: int,
    session: SessionDep,
    actor: FormActor,
    form: FormValues,
) -> Response:
    found = _run(session, actor, round_id)
    try:
        decisions.record_decision(
            session=session,
            actor=actor,
            round_id=round_id,
            domain_id=domain_id,
            story_id=_number(form.get("story_id")),
            reasons=form.get("reasons", ""),
            criteria=_criteria(form),
            dissent=form.get("dissent", ""),
            tie_resolution=form.get("tie_resolution", ""),
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        found = _run(session, actor, round_id)
        failed = {"domain_id": domain_id, "values": form, "errors": refusal_errors(exc, "reasons")}
        return _close_page(request, session, actor, found, failed=failed, status=exc.status)
    return RedirectResponse(
        f"/msc/facilitate/rounds/{round_id}/close?saved={domain_id}#domain-{domain_id}",
        status_code=303,
    )


def _criteria(form: dict[str, str]) -> list[decisions.Criterion]:
    """The criteria rows typed (a name and a weight of 1 to 5); empty rows left out."""
    found = []
    for row in range(1, CRITERIA_ROWS + 1):
        name = form.get(f"criterion_{row}", "").strip()
        if name:
            found.append(decisions.Criterion(name, _number(form.get(f"weight_{row}")) or 3))
    return found


def _close_page(
    request: Request,
    session: Session,
    actor: Actor,
    found: rounds.RoundReach,
    status: int = 200,
    **extra: Any,
) -> Response:
    round_id = rounds.outline_of(session, found).id
    pack = candidates.reading_pack(session=session, actor=actor, round_id=round_id)
    context = {
        "by_domain": candidates.candidates_by_domain(session, found.round),
        "titles": {e.story_id: e.texts.get("title", "") for e in pack},
        "decided": {
            d.domain_id: d
            for d in decisions.list_decisions(session=session, actor=actor, round_id=round_id)
        },
        "counted": _counted(session, actor, round_id),
        "saved": _number(request.query_params.get("saved")),
        "criteria_rows": range(1, CRITERIA_ROWS + 1),
        "failed": {"domain_id": None, "values": {}, "errors": {}},
        **extra,
    }
    return _round_page(request, session, found, "close.html", status, **context)


def _counted(session: Session, actor: Actor, round_id: int) -> dict[int, Any]:
    """Each domain's tallies of the latest pass, by domain id (none before voting closes)."""
    try:
        counted = msc_results.side_by_side(session=session, actor=actor, round_id=round_id)
    except (Conflict, InvalidInput):
        return {}
    return {d.domain_id: d for d in counted.domains}


@router.get("/msc/facilitate/rounds/{round_id}/report")
def report_page(request: Request, round_id: int, session: SessionDep, actor: PageActor) -> Response:
    found = _run(session, actor, round_id)
    pack = candidates.reading_pack(session=session, actor=actor, round_id=round_id)
    context: dict[str, Any] = {
        "entries": {e.story_id: e for e in pack},
        "decisions": decisions.list_decisions(session=session, actor=actor, round_id=round_id),
        "panel": members.list_members(session=session, actor=actor, round_id=round_id),
        "counted": _counted(session, actor, round_id),
    }
    return _round_page(request, session, found, "report.html", **context)
