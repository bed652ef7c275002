"""Changing the consent level of a story that has one (or is still a draft)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from storybank import accounts, stories
from storybank.errors import Conflict
from storybank.models import ConsentIn, Id, Story
from storybank.units import get_site
from web.deps import FormActor, FormValues, PageActor, WritableStory
from web.forms.consent import CONSENT_CHOICES, consent_errors
from web.forms.story import FIELD_LABELS
from web.templating import render

router = APIRouter(include_in_schema=False)
STALE = (
    "Someone else changed this story after you opened this page. Reload the page to see "
    "the latest consent, then make your change again."
)


@router.get("/stories/{story_id}/consent")
def consent_change_page(
    request: Request, session: SessionDep, actor: PageActor, story: WritableStory
) -> Response:
    stories.require_consent_changeable(story)
    values = {"consent_level": story.consent_level or "", "version": str(story.version)}
    return _consent_page(request, session, story, values)


@router.post("/stories/{story_id}/consent")
def change_consent(
    request: Request,
    story_id: Id,
    session: SessionDep,
    actor: FormActor,
    story: WritableStory,
    form: FormValues,
) -> Response:
    stories.require_consent_changeable(story)
    if errors := consent_errors(form):
        return _consent_page(request, session, story, form, errors=errors, status=422)
    try:
        data = ConsentIn.model_validate(
            {"level": form.get("consent_level"), "version": form.get("version")}
        )
        stories.record_consent(
            session=session,
            actor=actor,
            story_id=story_id,
            level=data.level,
            version=data.version,
        )
    except (ValidationError, Conflict):  # only the hidden version can be wrong by now
        return _consent_page(request, session, story, form, message=STALE, status=409)
    return RedirectResponse(f"/stories/{story_id}?consent_changed=1", status_code=303)


def _consent_page(
    request: Request,
    session: Session,
    story: Story,
    values: dict[str, str],
    status: int = 200,
    **messages: Any,
) -> Response:
    recorder = story.consent_recorded_by_id
    context = {
        "story": story,
        "site": get_site(session=session, site_id=story.site_id),
        "recorded_by": accounts.get_user(session=session, user_id=recorder) if recorder else None,
        "values": values,
        "errors": messages.pop("errors", {}),
        "choices": CONSENT_CHOICES,
        "labels": FIELD_LABELS,
        **messages,
    }
    return render(request, "stories/consent.html", context, status)
