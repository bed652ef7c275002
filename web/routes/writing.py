"""Writing a change story: the form (new and edit), then consent and submit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep, SettingsDep
from storybank import stories
from storybank import units as sites_service
from storybank.access import Actor
from storybank.accounts import held_forms
from storybank.errors import Conflict, Forbidden, InvalidInput
from storybank.models import (
    HeldForm,
    Id,
    Story,
    StoryCreate,
    StoryUpdate,
    SubmitIn,
    Unit,
)
from storybank.units import get_site
from web.deps import (
    FormActor,
    FormValues,
    KeepFormWhenSignedOut,
    PageActor,
    WritableStory,
    readable_story,
    writable_story,
)
from web.forms.consent import CONSENT_CHOICES, consent_errors
from web.forms.messages import field_errors, problem_errors
from web.forms.story import (
    FIELD_LABELS,
    FIELDS,
    SECTIONS,
    STORY_FIELDS,
    FormInvalid,
    read_story,
    story_values,
)
from web.templating import render

router = APIRouter(include_in_schema=False)
FIELD_ORDER = list(FIELDS)
NO_SITES = (
    "You cannot write stories yet: your account is not a staff member of any site. "
    "Ask your admin to add you to your site with the staff role."
)
KEPT_NOTICE = "We kept what you typed. Check it and save."


@router.get("/stories/new")
def new_story_page(request: Request, session: SessionDep, actor: PageActor) -> Response:
    sites = writable_sites(session, actor)
    values = {"site_id": str(sites[0].id)} if len(sites) == 1 else {}
    return _story_form(request, sites=sites, values=values)


@router.post("/stories/new", dependencies=[KeepFormWhenSignedOut])
def create_story(
    request: Request, session: SessionDep, actor: FormActor, form: FormValues
) -> Response:
    sites = writable_sites(session, actor)
    try:
        data = read_story(form, StoryCreate, site_id=form.get("site_id") or None)
        story = stories.create_draft(session=session, actor=actor, data=data)
    except (FormInvalid, InvalidInput, Conflict) as exc:
        return _story_form(request, sites=sites, values=form, **_trouble(exc, form))
    return _after_save(story, form)


@router.get("/stories/{story_id}/edit")
def edit_story_page(
    request: Request, session: SessionDep, actor: PageActor, story: WritableStory
) -> Response:
    if not_editable := _not_editable(request, story):
        return not_editable
    notice = "Your draft has been saved." if request.query_params.get("saved") else None
    return _story_form(
        request, story=story, site=_site(session, story), values=story_values(story), notice=notice
    )


@router.post("/stories/{story_id}/edit", dependencies=[KeepFormWhenSignedOut])
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
        data = read_story(form, StoryUpdate, version=form.get("version"))
        story = stories.update_draft(session=session, actor=actor, story_id=story_id, data=data)
    except (FormInvalid, InvalidInput, Conflict) as exc:
        if isinstance(exc, Conflict) and exc.code == "not_editable":
            return _not_editable_page(request, story, exc)
        return _story_form(request, story=story, site=site, values=form, **_trouble(exc, form))
    return _after_save(story, form)


@router.get("/stories/{story_id}/submit")
def consent_page(
    request: Request, session: SessionDep, actor: PageActor, story: WritableStory
) -> Response:
    stories.require_submittable(story)
    values = {"consent_level": story.consent_level or "", "version": str(story.version)}
    return _consent_form(request, session, story, values)


@router.post("/stories/{story_id}/submit", dependencies=[KeepFormWhenSignedOut])
def submit_story(
    request: Request,
    story_id: Id,
    session: SessionDep,
    actor: FormActor,
    story: WritableStory,
    form: FormValues,
    settings: SettingsDep,
) -> Response:
    if errors := consent_errors(form):
        return _consent_form(request, session, story, form, errors=errors, status=422)
    try:
        data = SubmitIn.model_validate(
            {"version": form.get("version"), "consent_level": form.get("consent_level")}
        )
        stories.submit_story(
            session=session,
            actor=actor,
            story_id=story_id,
            data=data,
            suggest=settings.nlp_suggest_on_submit,
        )
    except (ValidationError, InvalidInput, Conflict) as exc:
        return _consent_form(request, session, story, form, **_trouble(exc, form))
    return RedirectResponse(f"/stories/{story_id}?submitted=1", status_code=303)


@router.get("/stories/resume/{token}")
def resume_story_form(
    request: Request, token: str, session: SessionDep, settings: SettingsDep, actor: PageActor
) -> Response:
    """The form posted when the session had ended, shown again as typed (not saved yet)."""
    held = held_forms.held_form(session=session, settings=settings, actor=actor, token=token)
    response = _held_form_page(request, session, actor, held)
    held_forms.forget_held_form(session=session, held=held)
    return response


def _held_form_page(request: Request, session: Session, actor: Actor, held: HeldForm) -> Response:
    values, notice = held.form, KEPT_NOTICE
    if held.story_id is None:
        sites = writable_sites(session, actor)
        return _story_form(request, sites=sites, values=values, notice=notice)
    story = writable_story(readable_story(held.story_id, session, actor), actor)
    if held.target.endswith("/submit"):
        stories.require_submittable(story)
        return _consent_form(request, session, story, values, notice=notice)
    if not_editable := _not_editable(request, story):
        return not_editable
    return _story_form(
        request, story=story, site=_site(session, story), values=values, notice=notice
    )


def writable_sites(session: Session, actor: Actor) -> list[Unit]:
    """The sites the actor may write stories for; Forbidden if there are none."""
    sites = sites_service.writable_sites(session=session, actor=actor)
    if not sites:
        raise Forbidden(NO_SITES)
    return sites


def _site(session: Session, story: Story) -> Unit:
    return get_site(session=session, site_id=story.site_id)


def _not_editable(request: Request, story: Story) -> Response | None:
    """The 'cannot be edited' page for a story that is no longer a draft; None for a draft."""
    try:
        stories.require_editable(story)
    except Conflict as exc:
        return _not_editable_page(request, story, exc)
    return None


def _not_editable_page(request: Request, story: Story, exc: Conflict) -> Response:
    context = {"story": story, "message": exc.message, "may": stories.allowed(story)}
    return render(request, "stories/not_editable.html", context, exc.status)


def _trouble(exc: Exception, form: dict[str, str]) -> dict[str, Any]:
    """How a failed save is shown: messages beside fields (422) or a conflict (409)."""
    if isinstance(exc, FormInvalid):
        return {"errors": exc.errors, "date_parts": exc.date_parts, "status": 422}
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
    site: Unit | None = None,
    sites: list[Unit] | None = None,
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
        "date_parts": messages.pop("date_parts", {}),
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
