"""A panel member's MSC pages: their rounds, the reading pack, the ballot, joining as a
guest with a one-time code, and a storyteller's trail of their stories through rounds."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SESSION_COOKIE, SessionDep, SettingsDep, client_address
from storybank import accounts
from storybank.access import Actor
from storybank.errors import Forbidden, InvalidInput, NotFound, TooManyRequests
from storybank.models import Ballot, Id, MscDomain, RoundState, require_id
from storybank.msc import ballots, candidates, feedback, members, passes, rounds
from storybank.msc.ballots import BallotChoice
from storybank.msc.candidates import PackEntry
from storybank.msc.rounds import RoundReach
from web.deps import CSRF_MESSAGE, FormActor, FormValues, PageActor, secure_cookies, tokens_match
from web.templating import render

router = APIRouter(include_in_schema=False)
JOIN_CSRF_COOKIE = "storybank_join_csrf"
SAVED_NOTICE = "Your ballot is saved. You can change it until voting closes."
NOTHING_CHOSEN = "Choose at least one story in a domain before saving your ballot."
NEXT_STEP = {
    RoundState.draft: "The facilitator is still preparing this round.",
    RoundState.reading: "Read the candidate stories; voting opens next.",
    RoundState.voting: "Voting is open: read the stories, then fill in your ballot.",
    RoundState.deciding: "Voting has closed; the panel is deciding.",
    RoundState.closed: "This round has closed.",
}


@dataclass
class DomainBallot:
    """One fieldset of the ballot: a domain, its stories in this pass, and what is chosen."""

    domain: MscDomain
    stories: list[PackEntry]
    chosen: dict[str, str] = field(default_factory=dict)
    error: str | None = None


def _reach_as_reader(session: Session, actor: Actor, round_id: int) -> RoundReach:
    """The round, if the actor sits on it or runs it; NotFound for anyone else."""
    found = rounds.reach(session=session, actor=actor, round_id=round_id)
    if not found.reader:
        raise NotFound(f"There is no selection round with id {round_id} that you can see.")
    return found


def _reach_as_member(session: Session, actor: Actor, round_id: int) -> RoundReach:
    """The round, if the actor sits on its panel; NotFound for anyone else."""
    found = _reach_as_reader(session, actor, round_id)
    if found.member is None:
        raise NotFound(f"There is no selection round with id {round_id} that you can see.")
    return found


def my_round_reaches(session: Session, actor: Actor) -> list[RoundReach]:
    """The rounds the actor sits on (a guest: only their own, until it closes)."""
    found = (
        rounds.reach(session=session, actor=actor, round_id=require_id(rnd))
        for rnd in rounds.list_rounds(session=session, actor=actor)
    )
    return [reached for reached in found if reached.member is not None]


@router.get("/msc/rounds")
def my_rounds(request: Request, session: SessionDep, actor: PageActor) -> Response:
    context = {"reaches": my_round_reaches(session, actor), "next_step": NEXT_STEP, "nav": "rounds"}
    return render(request, "msc/panel/rounds.html", context)


@router.get("/msc/rounds/{round_id}/reading")
def reading_pack(request: Request, round_id: Id, session: SessionDep, actor: PageActor) -> Response:
    found = _reach_as_reader(session, actor, round_id)
    pack = candidates.reading_pack(session=session, actor=actor, round_id=round_id)
    domains = rounds.round_domains(session, round_id)
    grouped = [(d, [e for e in pack if e.domain_id == d.id]) for d in domains]
    unplaced = [e for e in pack if e.domain_id not in {d.id for d in domains}]
    context = {"found": found, "grouped": grouped, "unplaced": unplaced, "nav": "rounds"}
    return render(request, "msc/panel/reading.html", context)


def _ballot_domains(session: Session, actor: Actor, found: RoundReach) -> list[DomainBallot]:
    """The domains voted on in the current pass, each with its stories from the pack."""
    round_id = require_id(found.round)
    pack = {
        e.story_id: e
        for e in candidates.reading_pack(session=session, actor=actor, round_id=round_id)
    }
    voted = passes.voted_in_pass(session, found.round, found.round.current_pass)
    return [
        DomainBallot(domain, [pack[s] for s in voted[require_id(domain)] if s in pack])
        for domain in rounds.round_domains(session, round_id)
        if voted.get(require_id(domain))
    ]


def field_name(domain_id: int, story_id: int | None = None) -> str:
    """A ballot field's name: `d3` for a domain's one choice, `d3_s12` per story."""
    return f"d{domain_id}" if story_id is None else f"d{domain_id}_s{story_id}"


def chosen_from_ballot(method: str, domain_id: int, content: dict[str, Any]) -> dict[str, str]:
    """A saved ballot as the form's field values."""
    if method == "single" and "choice" in content:
        return {field_name(domain_id): str(content["choice"])}
    if method == "approval":
        return {field_name(domain_id, s): "1" for s in content.get("approved", [])}
    if method == "score":
        scores = content.get("scores", {})
        return {field_name(domain_id, int(s)): str(v) for s, v in scores.items()}
    ranking = content.get("ranking", [])
    return {field_name(domain_id, s): str(place) for place, s in enumerate(ranking, start=1)}


def choice_from_form(
    method: str, domain_id: int, story_ids: list[int], form: dict[str, str]
) -> BallotChoice | None:
    """What the form says for one domain, for the service to check; None if left blank."""
    if method == "single":
        picked = form.get(field_name(domain_id), "")
        return BallotChoice(choice=int(picked)) if picked.isdigit() else None
    given = {s: form.get(field_name(domain_id, s), "").strip() for s in story_ids}
    given = {s: v for s, v in given.items() if v}
    if not given:
        return None
    if method == "approval":
        return BallotChoice(approved=sorted(given))
    numbers = {s: int(v) if v.isdigit() else -1 for s, v in given.items()}
    if method == "score":
        return BallotChoice(scores=numbers)
    by_place = {place: s for s, place in sorted(numbers.items(), reverse=True)}
    return BallotChoice(
        ranking=[by_place[p] for p in range(1, len(story_ids) + 1) if p in by_place]
    )


def _own_ballots(session: Session, actor: Actor, found: RoundReach) -> dict[int, Ballot]:
    """The member's own ballots in the round's current pass, by domain."""
    own = ballots.my_ballots(session=session, actor=actor, round_id=require_id(found.round))
    return {b.domain_id: b for b in own if b.pass_number == found.round.current_pass}


def _ballot_page(
    request: Request,
    found: RoundReach,
    domains: list[DomainBallot],
    status: int = 200,
    message: str | None = None,
) -> Response:
    context = {
        "found": found,
        "domains": domains,
        "method": found.round.voting_method,
        "voting": found.round.state == RoundState.voting,
        "notice": SAVED_NOTICE if request.query_params.get("saved") else None,
        "message": message,
        "field_name": field_name,
        "nav": "rounds",
    }
    return render(request, "msc/panel/ballot.html", context, status)


@router.get("/msc/rounds/{round_id}/ballot")
def ballot_form(request: Request, round_id: Id, session: SessionDep, actor: PageActor) -> Response:
    found = _reach_as_member(session, actor, round_id)
    domains = _ballot_domains(session, actor, found)
    own = _own_ballots(session, actor, found)
    for entry in domains:
        if saved := own.get(require_id(entry.domain)):
            entry.chosen = chosen_from_ballot(
                found.round.voting_method, saved.domain_id, saved.content
            )
    return _ballot_page(request, found, domains)


@router.post("/msc/rounds/{round_id}/ballot")
def save_ballot(
    request: Request, round_id: Id, session: SessionDep, actor: FormActor, form: FormValues
) -> Response:
    found = _reach_as_member(session, actor, round_id)
    domains = _ballot_domains(session, actor, found)
    method, cast = found.round.voting_method, 0
    for entry in domains:
        domain_id = require_id(entry.domain)
        ids = [s.story_id for s in entry.stories]
        entry.chosen = {k: v for k, v in form.items() if k.startswith(f"d{domain_id}")}
        given = choice_from_form(method, domain_id, ids, form)
        if given is None:
            continue
        try:
            ballots.cast_ballot(
                session=session, actor=actor, round_id=round_id, domain_id=domain_id, given=given
            )
            cast += 1
        except InvalidInput as exc:
            entry.error = f"{entry.domain.name}: {exc.message}"
    if any(entry.error for entry in domains):
        return _ballot_page(request, found, domains, 422)
    if cast == 0:
        return _ballot_page(request, found, domains, 422, NOTHING_CHOSEN)
    return RedirectResponse(f"/msc/rounds/{round_id}/ballot?saved=1", status_code=303)


@router.get("/msc/join")
def join_page(request: Request, settings: SettingsDep, code: str = "") -> Response:
    return _join_form(request, settings, code)


@router.post("/msc/join")
def join(
    request: Request, session: SessionDep, settings: SettingsDep, form: FormValues
) -> Response:
    code = form.get("code", "")
    if not tokens_match(form.get("csrf_token"), request.cookies.get(JOIN_CSRF_COOKIE)):
        raise Forbidden(CSRF_MESSAGE, code="csrf_failed")
    try:
        user = members.redeem_guest_code(
            session=session, settings=settings, code=code, address=client_address(request)
        )
    except TooManyRequests as exc:
        headers = {"Retry-After": str(exc.retry_after)}
        return _join_form(request, settings, code, exc.message, 429, headers)
    except InvalidInput as exc:
        return _join_form(request, settings, code, exc.message, 401)
    new = accounts.start_session(
        session=session,
        settings=settings,
        user=user,
        previous_token=request.cookies.get(SESSION_COOKIE),
    )
    round_id = members.guest_round_id(session=session, user_id=require_id(user))
    response = RedirectResponse(f"/msc/rounds/{round_id}/reading", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        new.token,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, settings),
        path="/",
    )
    response.delete_cookie(JOIN_CSRF_COOKIE, path="/msc/join", httponly=True, samesite="strict")
    return response


def _join_form(
    request: Request,
    settings: SettingsDep,
    code: str = "",
    error: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The one-time code form, with a double-submit CSRF cookie (there is no session yet)."""
    token = request.cookies.get(JOIN_CSRF_COOKIE, "")
    if not 32 <= len(token) <= 64 or not token.replace("-", "").replace("_", "").isalnum():
        token = secrets.token_urlsafe(32)
    context = {"code": code, "error": error, "join_csrf": token}
    response = render(request, "msc/panel/join.html", context, status, headers)
    response.set_cookie(
        JOIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request, settings),
        path="/msc/join",
    )
    return response


@router.get("/msc/my-stories")
def my_stories(request: Request, session: SessionDep, actor: PageActor) -> Response:
    trails = feedback.my_story_trails(session=session, actor=actor)
    for trail in trails:
        for reached in trail.rounds:
            if reached.read_at is None:
                feedback.mark_read(session=session, actor=actor, feedback_id=reached.feedback_id)
    return render(request, "msc/panel/my_stories.html", {"trails": trails, "nav": "rounds"})
