"""The facilitator's MSC pages: start a round and run it (moves, panel, candidates, paper
ballots, another pass). Set-up changes are in `msc_setup`; results, decisions and the
report in `msc_decisions`.

Every rule lives in the storybank.msc services; these pages only read forms and show
what the services say (a refused move shows the service's reason).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from storybank.access import Actor, may_run_round, require_round_runner
from storybank.errors import Conflict, InvalidInput
from storybank.models import RoundState, VotingMethod, require_id
from storybank.msc import (
    ballots,
    candidates,
    decisions,
    domains,
    feedback,
    members,
    passes,
    periods,
    rounds,
    states,
)
from storybank.msc.ballots import BallotChoice
from storybank.units import list_units
from web.deps import FormActor, FormValues, PageActor
from web.forms.messages import refusal_errors
from web.routes.admin import notices
from web.templating import render

router = APIRouter(include_in_schema=False)
NEXT_MOVE = {
    RoundState.draft: (RoundState.reading, "Open the round for reading"),
    RoundState.reading: (RoundState.voting, "Open voting"),
    RoundState.voting: (RoundState.deciding, "Close voting and start deciding"),
    RoundState.deciding: (RoundState.closed, "Close the round"),
}
METHOD_LABELS = {
    VotingMethod.single: "One story each (plurality)",
    VotingMethod.approval: "Approve any number (approval)",
    VotingMethod.score: "Score each story 0 to 5",
    VotingMethod.ranking: "Rank every story",
}
CONTROL_NOTICES = {
    "moved": "The round has moved on.",
    "added": "The member has been added to the panel.",
    "confirmed": "The candidate's domain has been saved.",
    "ballot": "The paper ballots have been entered on the members' behalf.",
    "pass": "Another pass of voting is open on the shortlist.",
    "setup": "The round's set-up has been saved.",
    "removed": "The member has been taken off the panel.",
    "withdrawn": "The story is no longer a candidate in this round.",
}


def _number(value: str | None) -> int | None:
    """A whole number typed into a form, or None."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _run(session: Session, actor: Actor, round_id: int) -> rounds.RoundReach:
    """The round, if the actor runs it (NotFound if they cannot see it, else Forbidden)."""
    found = rounds.reach(session=session, actor=actor, round_id=round_id)
    rounds.require_runner(found)
    return found


def _control(round_id: int, flag: str) -> RedirectResponse:
    return RedirectResponse(f"/msc/facilitate/rounds/{round_id}?{flag}=1", status_code=303)


# Rounds the person runs, and starting one.


@router.get("/msc/facilitate")
def facilitate_page(request: Request, session: SessionDep, actor: PageActor) -> Response:
    return _facilitate_page(request, session, actor)


@router.post("/msc/facilitate")
def start_round(
    request: Request, session: SessionDep, actor: FormActor, form: FormValues
) -> Response:
    offered = domains.list_domains(session=session)
    chosen = [d.id or 0 for d in offered if form.get(f"domain_{d.id}")]
    try:
        found = rounds.create_round(
            session=session,
            actor=actor,
            name=form.get("name", ""),
            unit_id=_number(form.get("unit_id")) or 0,
            period_id=_number(form.get("period_id")) or 0,
            facilitator_id=actor.id,
            domain_ids=chosen,
            voting_method=VotingMethod(form.get("voting_method") or "single"),
            secret=form.get("secret") == "yes",
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        errors = refusal_errors(exc, "name")
        return _facilitate_page(request, session, actor, form, errors, exc.status)
    except ValueError:
        errors = {"voting_method": "Choose a voting method."}
        return _facilitate_page(request, session, actor, form, errors, 422)
    return RedirectResponse(f"/msc/facilitate/rounds/{found.id}", status_code=303)


def _facilitate_page(
    request: Request,
    session: Session,
    actor: Actor,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    run_units = [u for u in list_units(session=session) if may_run_round(actor, u.id or 0)]
    if not run_units:
        require_round_runner(actor, 0)
    listed = rounds.list_rounds(session=session, actor=actor)
    runs = [r for r in listed if may_run_round(actor, r.unit_id)]
    context = {
        "rounds": rounds.outlines(session=session, actor=actor, rounds=runs),
        "units": run_units,
        "periods": [p for p in periods.list_periods(session=session) if p.closed_at is None],
        "period_names": {p.id: p.name for p in periods.list_periods(session=session)},
        "domains": domains.list_domains(session=session),
        "methods": METHOD_LABELS,
        "values": values or {"voting_method": "single", "secret": "no"},
        "errors": errors or {},
        "labels": {"name": "Name", "unit_id": "Unit", "period_id": "Period"},
    }
    return render(request, "msc/facilitator/index.html", context, status)


# The round's control page.


@router.get("/msc/facilitate/rounds/{round_id}")
def control_page(
    request: Request, round_id: int, session: SessionDep, actor: PageActor
) -> Response:
    found = _run(session, actor, round_id)
    shown = notices(request, CONTROL_NOTICES)
    return _control_page(request, session, actor, found, notices=shown)


@router.post("/msc/facilitate/rounds/{round_id}/transition")
def move_round(
    request: Request, round_id: int, session: SessionDep, actor: FormActor, form: FormValues
) -> Response:
    found = _run(session, actor, round_id)
    try:
        states.transition(
            session=session,
            actor=actor,
            round_id=round_id,
            to=RoundState(form.get("to", "")),
            version=_number(form.get("version")) or 0,
        )
    except Conflict as exc:
        found = _run(session, actor, round_id)
        return _control_page(request, session, actor, found, message=exc.message, status=409)
    except ValueError:
        return _control_page(request, session, actor, found, message="Choose a move.", status=422)
    return _control(round_id, "moved")


@router.post("/msc/facilitate/rounds/{round_id}/members")
def add_member(
    request: Request, round_id: int, session: SessionDep, actor: FormActor, form: FormValues
) -> Response:
    found = _run(session, actor, round_id)
    email, guest = form.get("email", "").strip(), form.get("guest_name", "")
    try:
        if not email:
            _member, code = members.add_guest(
                session=session, actor=actor, round_id=round_id, guest_name=guest
            )
            found = _run(session, actor, round_id)
            return _control_page(request, session, actor, found, guest_code=code, guest=guest)
        members.add_member_by_email(session=session, actor=actor, round_id=round_id, email=email)
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        errors = refusal_errors(exc, "guest_name" if not email else "email")
        errors = {("email" if k == "user_id" else k): v for k, v in errors.items()}
        found = _run(session, actor, round_id)
        return _control_page(
            request, session, actor, found, values=form, errors=errors, status=exc.status
        )
    return _control(round_id, "added")


@router.post("/msc/facilitate/rounds/{round_id}/candidates/{candidate_id}")
def confirm_candidate(
    request: Request,
    round_id: int,
    candidate_id: int,
    session: SessionDep,
    actor: FormActor,
    form: FormValues,
) -> Response:
    found = _run(session, actor, round_id)
    try:
        candidates.confirm_domain(
            session=session,
            actor=actor,
            round_id=round_id,
            candidate_id=candidate_id,
            domain_id=_number(form.get("domain_id")) or 0,
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        found = _run(session, actor, round_id)
        return _control_page(request, session, actor, found, message=exc.message, status=exc.status)
    return _control(round_id, "confirmed")


@router.post("/msc/facilitate/rounds/{round_id}/passes")
def open_pass(
    request: Request, round_id: int, session: SessionDep, actor: FormActor, form: FormValues
) -> Response:
    found = _run(session, actor, round_id)
    shortlist: dict[int, list[int]] = {}
    for name in form:
        parts = name.split("_")
        if len(parts) == 3 and parts[0] == "short" and parts[1].isdigit() and parts[2].isdigit():
            shortlist.setdefault(int(parts[1]), []).append(int(parts[2]))
    try:
        passes.open_pass(
            session=session,
            actor=actor,
            round_id=round_id,
            version=_number(form.get("version")) or 0,
            shortlist=shortlist,
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        found = _run(session, actor, round_id)
        return _control_page(request, session, actor, found, message=exc.message, status=exc.status)
    return _control(round_id, "pass")


@router.post("/msc/facilitate/rounds/{round_id}/ballots")
def enter_paper_ballot(
    request: Request, round_id: int, session: SessionDep, actor: FormActor, form: FormValues
) -> Response:
    found = _run(session, actor, round_id)
    domain_id = _number(form.get("domain_id")) or 0
    try:
        ballots.enter_paper_ballot(
            session=session,
            actor=actor,
            round_id=round_id,
            domain_id=domain_id,
            given=_paper_choice(found.round.voting_method, form),
            count=_number(form.get("count")) or 0,
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        errors = {f"ballot_{domain_id}": exc.message}
        found = _run(session, actor, round_id)
        return _control_page(request, session, actor, found, errors=errors, status=exc.status)
    return _control(round_id, "ballot")


def _paper_choice(method: str, form: dict[str, str]) -> BallotChoice:
    """What a paper ballot form says, in the shape of the round's method."""
    marked = {int(k.split("_")[1]): v for k, v in form.items() if _story_field(k) and v.strip()}
    if method == VotingMethod.single:
        return BallotChoice(choice=_number(form.get("choice")))
    if method == VotingMethod.approval:
        return BallotChoice(approved=sorted(marked))
    numbers = {story: _number(value) for story, value in marked.items()}
    if method == VotingMethod.score:
        return BallotChoice(scores={s: n for s, n in numbers.items() if n is not None})
    places = sorted((n, s) for s, n in numbers.items() if n is not None)
    return BallotChoice(ranking=[story for _place, story in places])


def _story_field(name: str) -> bool:
    """A paper ballot's per-story box: `mark_<story id>`."""
    head, _sep, tail = name.partition("_")
    return head == "mark" and tail.isdigit()


def _control_page(
    request: Request,
    session: Session,
    actor: Actor,
    found: rounds.RoundReach,
    status: int = 200,
    **extra: Any,
) -> Response:
    outline = rounds.outline_of(session, found)
    round_id = outline.id
    pack = candidates.reading_pack(session=session, actor=actor, round_id=round_id)
    voting = outline.state in (RoundState.voting, RoundState.deciding)
    editable = outline.state in (RoundState.draft, RoundState.reading)
    context = {
        "all_domains": domains.list_domains(session=session) if editable else [],
        "facilitators": rounds.possible_facilitators(session=session, unit_id=outline.unit_id)
        if editable
        else [],
        "setup": _setup_values(outline),
        **(_closing(session, found) if outline.state == RoundState.closed else {}),
        "next_move": NEXT_MOVE.get(RoundState(outline.state)),
        "members": members.list_members(session=session, actor=actor, round_id=round_id),
        "pack": pack,
        "domain_names": {d.id: d.name for d in outline.domains},
        "voters": ballots.who_has_voted(session=session, actor=actor, round_id=round_id)
        if voting
        else [],
        "in_pass": passes.voted_in_pass(session, found.round, outline.current_pass),
        "titles": {e.story_id: e.texts.get("title", "") for e in pack},
        "values": {},
        "errors": {},
        "labels": {
            "email": "Email address",
            "guest_name": "Guest's name",
            "name": "Name",
            "domain_ids": "Domains of change",
            "voting_method": "Voting method",
            "facilitator_id": "Facilitator",
        },
        **extra,
    }
    return _round_page(request, session, found, "round.html", status, **context)


def _closing(session: Session, found: rounds.RoundReach) -> dict[str, Any]:
    """What closing did: feedback sent and read, and where each selected story went."""
    return {
        "feedback_sent": feedback.feedback_sent(session=session, round_id=require_id(found.round)),
        "promoted": decisions.promoted_to(session, found.round),
        "selected": [d.story_id for d in decisions.selected_in(session, found.round) if d.story_id],
    }


def _setup_values(outline: rounds.RoundOutline) -> dict[str, str]:
    """The set-up form's values as the round has them now."""
    values = {
        "name": outline.name,
        "voting_method": outline.voting_method,
        "secret": "yes" if outline.secret else "no",
        "facilitator_id": str(outline.facilitator_id),
    }
    return values | {f"domain_{d.id}": "1" for d in outline.domains}


def _round_page(
    request: Request,
    session: Session,
    found: rounds.RoundReach,
    template: str,
    status: int = 200,
    **extra: Any,
) -> Response:
    """A facilitator page about one round, with its outline and period."""
    outline = rounds.outline_of(session, found)
    context = {
        "round": outline,
        "period": periods.get_period(session=session, period_id=outline.period_id),
        "domain_names": {d.id: d.name for d in outline.domains},
        "methods": METHOD_LABELS,
        **extra,
    }
    return render(request, f"msc/facilitator/{template}", context, status)
