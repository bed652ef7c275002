"""MSC set-up and the storyteller's view: domains of change, reporting periods, guest
members signing in with their one-time code, and feedback on your own stories."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.deps import SESSION_COOKIE, CurrentActor, SessionDep, SettingsDep, client_address
from api.responses import errors
from api.routes.msc_schemas import (
    DomainChange,
    DomainIn,
    DomainPublic,
    FeedbackPublic,
    GuestCodeIn,
    GuestSessionPublic,
    PeriodIn,
    PeriodPublic,
    StoryTrailPublic,
)
from storybank import accounts
from storybank.models import Id
from storybank.msc import domains, feedback, members, periods

router = APIRouter(prefix="/msc", tags=["msc"])


@router.get("/domains", summary="Domains of change (the open domain always among them)")
def list_domains(
    session: SessionDep, actor: CurrentActor, include_inactive: bool = False
) -> list[DomainPublic]:
    found = domains.list_domains(session=session, include_inactive=include_inactive)
    return [DomainPublic.model_validate(d) for d in found]


@router.post("/domains", status_code=201, summary="Add a domain of change (admin)")
def add_domain(data: DomainIn, session: SessionDep, actor: CurrentActor) -> DomainPublic:
    domain = domains.create_domain(session=session, actor=actor, **data.model_dump())
    return DomainPublic.model_validate(domain)


@router.patch("/domains/{domain_id}", summary="Change or deactivate a domain (admin)")
def change_domain(
    domain_id: Id, data: DomainChange, session: SessionDep, actor: CurrentActor
) -> DomainPublic:
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    domain = domains.update_domain(
        session=session, actor=actor, domain_id=domain_id, changes=changes
    )
    return DomainPublic.model_validate(domain)


@router.get("/periods", summary="Reporting periods, newest first")
def list_periods(session: SessionDep, actor: CurrentActor) -> list[PeriodPublic]:
    return [PeriodPublic.model_validate(p) for p in periods.list_periods(session=session)]


@router.post("/periods", status_code=201, summary="Add a reporting period (admin)")
def add_period(data: PeriodIn, session: SessionDep, actor: CurrentActor) -> PeriodPublic:
    period = periods.create_period(session=session, actor=actor, **data.model_dump())
    return PeriodPublic.model_validate(period)


@router.post("/periods/{period_id}/close", summary="Close a period for good (admin)")
def close_period(period_id: Id, session: SessionDep, actor: CurrentActor) -> PeriodPublic:
    period = periods.close_period(session=session, actor=actor, period_id=period_id)
    return PeriodPublic.model_validate(period)


@router.post(
    "/guest-sessions",
    summary="A guest member signs in with their one-time code (sets the session cookie)",
    responses=errors(429),
)
def start_guest_session(
    data: GuestCodeIn,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> GuestSessionPublic:
    user = members.redeem_guest_code(
        session=session, settings=settings, code=data.code, address=client_address(request)
    )
    new = accounts.start_session(
        session=session,
        settings=settings,
        user=user,
        previous_token=request.cookies.get(SESSION_COOKIE),
    )
    secure = request.url.scheme == "https" or settings.cookie_secure is True
    response.set_cookie(
        SESSION_COOKIE, new.token, httponly=True, samesite="lax", secure=secure, path="/"
    )
    round_id = members.guest_round_id(session=session, user_id=user.id or 0)
    return GuestSessionPublic(
        round_id=round_id, display_name=user.display_name, csrf_token=new.record.csrf_token
    )


@router.get("/my-stories", summary="Your stories' journey through MSC rounds, and feedback")
def my_stories(session: SessionDep, actor: CurrentActor) -> list[StoryTrailPublic]:
    trails = feedback.my_story_trails(session=session, actor=actor)
    return [StoryTrailPublic.model_validate(t) for t in trails]


@router.post("/my-stories/{feedback_id}/read", summary="Mark a round's feedback as read")
def mark_feedback_read(feedback_id: Id, session: SessionDep, actor: CurrentActor) -> FeedbackPublic:
    found = feedback.mark_read(session=session, actor=actor, feedback_id=feedback_id)
    return FeedbackPublic.model_validate(found)
