"""Changing a round's set-up from its control page: name, domains, method, ballot secrecy
and facilitator before voting; taking a member or a candidate out before voting; and a
new one-time code for a guest (the old code and link stop working)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import SessionDep
from storybank.errors import Conflict, FieldProblem, InvalidInput
from storybank.models import Id, VotingMethod
from storybank.msc import candidates, domains, members, rounds
from web.deps import FormActor, FormValues
from web.forms.messages import refusal_errors
from web.routes.msc_facilitator import _control, _control_page, _number, _run

router = APIRouter(include_in_schema=False)


def _setup_changes(form: dict[str, str], domain_ids: list[int]) -> dict[str, Any]:
    """The set-up form as the changes `rounds.update_round` takes."""
    try:
        method = VotingMethod(form.get("voting_method", ""))
    except ValueError:
        message = "Choose a voting method."
        raise InvalidInput(message, problems=[FieldProblem("voting_method", message)]) from None
    return {
        "name": form.get("name", ""),
        "domain_ids": domain_ids,
        "voting_method": method,
        "secret": form.get("secret") == "yes",
        "facilitator_id": _number(form.get("facilitator_id")) or 0,
    }


@router.post("/msc/facilitate/rounds/{round_id}/setup")
def change_setup(
    request: Request, round_id: Id, session: SessionDep, actor: FormActor, form: FormValues
) -> Response:
    _run(session, actor, round_id)
    offered = domains.list_domains(session=session)
    chosen = [d.id or 0 for d in offered if form.get(f"domain_{d.id}")]
    try:
        rounds.update_round(
            session=session,
            actor=actor,
            round_id=round_id,
            version=_number(form.get("version")) or 0,
            changes=_setup_changes(form, chosen),
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        found = _run(session, actor, round_id)
        errors = refusal_errors(exc, "name")
        return _control_page(
            request, session, actor, found, setup=form, errors=errors, status=exc.status
        )
    return _control(round_id, "setup")


@router.post("/msc/facilitate/rounds/{round_id}/members/{member_id}/remove")
def remove_member(
    request: Request, round_id: Id, member_id: Id, session: SessionDep, actor: FormActor
) -> Response:
    _run(session, actor, round_id)
    try:
        members.remove_member(session=session, actor=actor, round_id=round_id, member_id=member_id)
    except Conflict as exc:
        found = _run(session, actor, round_id)
        return _control_page(request, session, actor, found, message=exc.message, status=409)
    return _control(round_id, "removed")


@router.post("/msc/facilitate/rounds/{round_id}/members/{member_id}/code")
def reissue_code(
    request: Request, round_id: Id, member_id: Id, session: SessionDep, actor: FormActor
) -> Response:
    _run(session, actor, round_id)
    try:
        member, code = members.reissue_guest_code(
            session=session, actor=actor, round_id=round_id, member_id=member_id
        )
    except Conflict as exc:
        found = _run(session, actor, round_id)
        return _control_page(request, session, actor, found, message=exc.message, status=409)
    found = _run(session, actor, round_id)
    shown = ["A new code has been made: the old code and link no longer work."]
    return _control_page(
        request, session, actor, found, guest_code=code, guest=member.display_name, notices=shown
    )


@router.post("/msc/facilitate/rounds/{round_id}/candidates/{candidate_id}/remove")
def remove_candidate(
    request: Request, round_id: Id, candidate_id: Id, session: SessionDep, actor: FormActor
) -> Response:
    _run(session, actor, round_id)
    try:
        candidates.remove_candidate(
            session=session, actor=actor, round_id=round_id, candidate_id=candidate_id
        )
    except Conflict as exc:
        found = _run(session, actor, round_id)
        return _control_page(request, session, actor, found, message=exc.message, status=409)
    return _control(round_id, "withdrawn")
