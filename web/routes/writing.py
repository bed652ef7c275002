"""Writing a change story: the form (new and edit), then consent and submit."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from storybank import sites as sites_service
from storybank import stories
from storybank.access import Actor
from storybank.errors import Conflict, Forbidden, InvalidInput
from storybank.models import (
    Id,
    Site,
    Story,
    StoryCreate,
    StoryStatus,
    StoryUpdate,
    SubmitIn,
)
from storybank.sites import get_site
from web.deps import FormActor, FormValues, PageActor, WritableStory
from web.forms.consent import CONSENT_CHOICES, consent_errors
from web.forms.messages import field_errors, problem_errors
from web.forms.story import (
    FIELD_LABELS,
    FIELDS,
    SECTIONS,
    STORY_FIELDS,
    story_payload,
    story_values,
)
from web.templating import label, render

router = APIRouter(include_in_schema=False)
FIELD_ORDER = list(FIELDS)
NO_SITES = (
    "You cannot write stories yet: your account is not a staff member of any site. "
    "Ask your admin to add you to your site with the staff role."
)


@router.get("/stories/new")
def new_story_page(request: Request, session: SessionDep, actor: PageActor) -> Response:
    sites = writable_sites(session, actor)
    values = {"site_id": str(sites[0].id)} if len(sites) == 1 else {}
    return _story_form(request, sites=sites, values=values)


@router.post("/stories/new")
def create_story(
    request: Request, session: SessionDep, actor: FormActor, form: FormValues
) -> Response:
    sites = writable_sites(session, actor)
    try:
        site_id = form.get("site_id") or None
        data = StoryCreate.model_validate({**story_payload(form), "site_id": site_id})
        story = stories.create_draft(session=session, actor=actor, data=data)
    except (ValidationError, InvalidInput, Conflict) as exc:
        return _story_form(request, sites=sites, values=form, **_trouble(exc, form))
    return _after_save(story, form)


@router.get("/stories/{story_id}/edit")
def edit_story_page(
    request: Request, session: SessionDep, actor: PageActor, story: WritableStory
) -> Response:
    _require_draft(story, "edited")
    notice = "Your draft has been saved." if request.query_params.get("saved") else None
    return _story_form(
        request, story=story, site=_site(session, story), values=story_values(story), notice=notice
    )


@router.post("/stories/{story_id}/edit")
def save_story(
    request: Request,
    story_id: Id,
    session: SessionDep,
    actor: FormActor,
    story: WritableStory,
    form: FormValues,
) -> Response:
    site = _site(session, story)
    try:
        data = StoryUpdate.model_validate({**story_payload(form), "version": form.get("version")})
        story = stories.update_draft(session=session, actor=actor, story_id=story_id, data=data)
    except (ValidationError, InvalidInput, Conflict) as exc:
        return _story_form(request, story=story, site=site, values=form, **_trouble(exc, form))
    return _after_save(story, form)


@router.get("/stories/{story_id}/submit")
def consent_page(
    request: Request, session: SessionDep, actor: PageActor, story: WritableStory
) -> Response:
    _require_draft(story, "submitted")
    values = {"consent_level": story.consent_level or "", "version": str(story.version)}
    return _consent_form(request, session, story, values)


@router.post("/stories/{story_id}/submit")
def submit_story(
    request: Request,
    story_id: Id,
    session: SessionDep,
    actor: FormActor,
    story: WritableStory,
    form: FormValues,
) -> Response:
    if errors := consent_errors(form):
        return _consent_form(request, session, story, form, errors=errors, status=422)
    try:
        data = SubmitIn.model_validate(
            {"version": form.get("version"), "consent_level": form.get("consent_level")}
        )
        stories.submit_story(session=session, actor=actor, story_id=story_id, data=data)
    except (ValidationError, InvalidInput, Conflict) as exc:
        return _consent_form(request, session, story, form, **_trouble(exc, form))
    return RedirectResponse(f"/stories/{story_id}?submitted=1", status_code=303)


def writable_sites(session: Session, actor: Actor) -> list[Site]:
    """The sites the actor may write stories for; Forbidden if there are none."""
    sites = sites_service.writable_sites(session=session, actor=actor)
    if not sites:
        raise Forbidden(NO_SITES)
    return sites


def _site(session: Session, story: Story) -> Site:
    return get_site(session=session, site_id=story.site_id)


def _require_draft(story: Story, verb: str) -> None:
    """Only drafts have a form; say so plainly rather than show one that cannot be saved."""
    if story.status != StoryStatus.draft:
        status = label(story.status).lower()
        raise Conflict(
            f"This story is {status}, so it can no longer be {verb}. Open the story to see it.",
            code="wrong_status",
        )


def _trouble(exc: Exception, form: dict[str, str]) -> dict[str, Any]:
    """How a failed save is shown: messages beside fields (422) or a conflict (409)."""
    if isinstance(exc, ValidationError):
        return {"errors": field_errors(exc, form), "status": 422}
    if isinstance(exc, InvalidInput):
        return {"errors": problem_errors(exc.problems), "message": exc.message, "status": 422}
    assert isinstance(exc, Conflict)
    return {"message": exc.message, "conflict": exc.code, "status": 409}


def _after_save(story: Story, form: dict[str, str]) -> Response:
    """Post, then redirect: on to consent, or back to the saved draft."""
    if form.get("action") == "consent":
        return RedirectResponse(f"/stories/{story.id}/submit", status_code=303)
    return RedirectResponse(f"/stories/{story.id}/edit?saved=1", status_code=303)


def _story_form(
    request: Request,
    *,
    values: dict[str, str],
    story: Story | None = None,
    site: Site | None = None,
    sites: list[Site] | None = None,
    status: int = 200,
    **messages: Any,
) -> Response:
    context = {
        "story": story,
        "site": site,
        "sites": sites or [],
        "values": values,
        "errors": messages.pop("errors", {}),
        "sections": SECTIONS,
        "labels": FIELD_LABELS,
        "today": date.today().isoformat(),
        **messages,
    }
    return render(request, "stories/form.html", context, status)


def _consent_form(
    request: Request,
    session: Session,
    story: Story,
    values: dict[str, str],
    status: int = 200,
    **messages: Any,
) -> Response:
    missing = [p for p in stories.missing_for_submit(story) if p.field in FIELD_ORDER]
    missing.sort(key=lambda problem: FIELD_ORDER.index(problem.field))
    context = {
        "story": story,
        "site": _site(session, story),
        "values": values,
        "errors": messages.pop("errors", {}),
        "missing": missing,
        "choices": CONSENT_CHOICES,
        "labels": FIELD_LABELS,
        "story_fields": STORY_FIELDS,
        **messages,
    }
    return render(request, "stories/submit.html", context, status)
