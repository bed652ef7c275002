"""Admin: data protection. The retention review, subject exports, and erasing a story."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep, SettingsDep
from storybank import accounts, privacy, stories
from storybank.access import Actor
from storybank.config import Settings
from storybank.errors import InvalidInput
from storybank.models import Id, Story
from storybank.units import get_site, list_sites
from web.deps import FormValues, ReadableStory
from web.forms.admin import ERASE_LABELS, LOOKUP_LABELS, erase_errors, story_number
from web.routes.admin import AdminFormActor, AdminPageActor, notices
from web.templating import render

router = APIRouter(include_in_schema=False)
ERASED = "The story has been erased. Its audit trail keeps a tombstone with your reason."


@router.get("/admin/privacy")
def privacy_page(
    request: Request, session: SessionDep, settings: SettingsDep, actor: AdminPageActor
) -> Response:
    shown = notices(request, {"erased": ERASED})
    return _privacy_page(request, session, settings, actor, notices=shown)


@router.get("/admin/privacy/story")
def find_story(
    request: Request, session: SessionDep, settings: SettingsDep, actor: AdminPageActor
) -> Response:
    values = dict(request.query_params)
    number = story_number(values.get("story_id"))
    if number is None:
        errors = {"story_id": "Enter the story's number, for example 42."}
        return _privacy_page(request, session, settings, actor, values, errors, 422)
    if values.get("then") == "erase":
        return RedirectResponse(f"/admin/stories/{number}/erase", status_code=303)
    return RedirectResponse(f"/api/v1/privacy/stories/{number}", status_code=303)


@router.get("/admin/privacy/person")
def find_person(
    request: Request, session: SessionDep, settings: SettingsDep, actor: AdminPageActor
) -> Response:
    values = dict(request.query_params)
    email = values.get("email", "").strip()
    if not email:
        errors = {"email": "Enter the person's email address."}
        return _privacy_page(request, session, settings, actor, values, errors, 422)
    user = accounts.find_user_by_email(session=session, email=email)
    if user is None:
        errors = {"email": "There is no account with this email address."}
        return _privacy_page(request, session, settings, actor, values, errors, 404)
    return RedirectResponse(f"/api/v1/privacy/users/{user.id}", status_code=303)


@router.get("/admin/stories/{story_id}/erase")
def erase_page(
    request: Request, session: SessionDep, actor: AdminPageActor, story: ReadableStory
) -> Response:
    return _erase_page(request, session, story)


@router.post("/admin/stories/{story_id}/erase")
def erase(
    request: Request, story_id: Id, session: SessionDep, actor: AdminFormActor, form: FormValues
) -> Response:
    errors = erase_errors(form)
    if not errors:
        reason = form.get("reason", "")
        try:
            privacy.erase_story(session=session, actor=actor, story_id=story_id, reason=reason)
        except InvalidInput as exc:
            errors = {"reason": exc.message}
        else:
            return RedirectResponse("/admin/privacy?erased=1", status_code=303)
    story = stories.get_story(session=session, actor=actor, story_id=story_id)
    return _erase_page(request, session, story, values=form, errors=errors, status=422)


def _privacy_page(
    request: Request,
    session: Session,
    settings: Settings,
    actor: Actor,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    **extra: Any,
) -> Response:
    days = settings.retention_days
    context = {
        "retention_days": days,
        "overdue": privacy.stories_past_retention(
            session=session, actor=actor, retention_days=days
        ),
        "site_names": {site.id: site.name for site in list_sites(session=session)},
        "values": values or {},
        "errors": errors or {},
        "labels": LOOKUP_LABELS,
        **extra,
    }
    return render(request, "admin/privacy.html", context, status)


def _erase_page(
    request: Request, session: Session, story: Story, status: int = 200, **extra: Any
) -> Response:
    context = {
        "story": story,
        "site": get_site(session=session, site_id=story.site_id),
        "values": {},
        "errors": {},
        "labels": ERASE_LABELS,
        **extra,
    }
    return render(request, "admin/erase.html", context, status)
