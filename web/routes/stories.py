"""Finding and reading stories, and withdrawing one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from storybank import accounts, stories
from storybank import units as sites_service
from storybank.access import SITE_ROLES, Actor, may_review
from storybank.codebook import list_codes
from storybank.errors import Conflict
from storybank.models import (
    LABELS,
    ConsentLevel,
    ContactRoute,
    Id,
    Perspective,
    Role,
    StoryStatus,
    Unit,
    VersionIn,
)
from storybank.review.suggesting import suggestions_state
from storybank.similar_stories import similar_to
from storybank.stories.search import mark_found
from web.deps import FormActor, FormValues, PageActor, ReadableStory, WritableStory
from web.forms.messages import field_errors
from web.forms.story import FIELDS
from web.forms.story_filters import DATE_LABELS, PAGE_SIZE, SORT_OPTIONS, StoryListQuery
from web.pagination import Pagination
from web.templating import render

router = APIRouter(include_in_schema=False)
NOTICES = {
    "submitted": "Thank you. The story has been submitted.",
    "withdrawn": "The story has been withdrawn.",
    "consent_changed": "The consent has been changed.",
    "deidentified_confirmed": "The de-identified version is confirmed.",
    "deidentified_saved": "The de-identified version is saved, but not confirmed yet.",
}
FILTER_CHOICES = {
    "status": [(s.value, LABELS[s.value]) for s in StoryStatus],
    "perspective": [(p.value, LABELS[p.value]) for p in Perspective],
    "contact_route": [(c.value, LABELS[c.value]) for c in ContactRoute],
    "story_type": [("success", "Success"), ("learning", "Learning")],
    "consent_level": [(c.value, LABELS.get(c.value, c.value)) for c in ConsentLevel],
    "sort": list(SORT_OPTIONS),
}


@router.get("/")
def home() -> Response:
    return RedirectResponse("/stories", status_code=303)


@router.get("/stories")
def story_list(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    query: Annotated[StoryListQuery, Query()],
) -> Response:
    found = stories.list_stories(
        session=session,
        actor=actor,
        filters=query.filters(),
        offset=0 if query.after else query.offset,
        after=query.after,
    )
    problems = query.date_problems
    shown = stories.to_public(session=session, actor=actor, stories=found.stories)
    context = {
        "query": query,
        "stories": shown,
        "highlights": mark_found(shown, query.q),
        "pages": Pagination(
            total=found.total,
            shown=len(found.stories),
            query=query,
            page_size=PAGE_SIZE,
            cursor_link=query.cursor_link(found.next_after),
        ),
        "sites": visible_sites(session, actor),
        "choices": FILTER_CHOICES,
        "codes": list_codes(session=session),
        "errors": {name: problem.message for name, problem in problems.items()},
        "date_parts": {name: problem.parts for name, problem in problems.items()},
        "date_labels": DATE_LABELS,
    }
    return render(request, "stories/list.html", context, 422 if problems else 200)


@router.get("/stories/{story_id}")
def story_page(
    request: Request, session: SessionDep, actor: PageActor, story: ReadableStory
) -> Response:
    public = stories.to_public(session=session, actor=actor, stories=[story])[0]
    recorder = story.consent_recorded_by_id
    deidentified = (
        stories.get_deidentified(session=session, actor=actor, story_id=story.id or 0)
        if story.site_id in actor.sites_for(Role.staff, Role.reviewer)
        else None
    )
    confirmer = deidentified.confirmed_by_id if deidentified else None
    context = {
        "story": public,
        "deidentified": deidentified,
        "deidentified_by": accounts.get_user(session=session, user_id=confirmer)
        if confirmer
        else None,
        "consent_by": accounts.get_user(session=session, user_id=recorder) if recorder else None,
        "can_edit": actor.works_in(story.site_id, Role.staff),
        "may": stories.allowed(story),
        "notices": [text for flag, text in NOTICES.items() if request.query_params.get(flag)],
        "fields": FIELDS,
        "suggestions_state": suggestions_state(session=session, story_id=story.id or 0)
        if story.site_id in actor.sites_for(*SITE_ROLES)
        else None,
        "may_review": may_review(actor, story.site_id),
    }
    return render(request, "stories/detail.html", context)


@router.get("/stories/{story_id}/similar")
def similar_page(
    request: Request, session: SessionDep, actor: PageActor, story: ReadableStory
) -> Response:
    """The readable stories most like this one: its own request, so the story page stays a
    fixed handful of queries at any size of bank (its page loads this section into place)."""
    shown = stories.to_public(session=session, actor=actor, stories=[story])[0]
    context = {"story": shown, "similar": similar_to(session=session, actor=actor, story=story)}
    if request.query_params.get("fragment"):
        return render(request, "stories/_similar.html", context)
    return render(request, "stories/similar.html", context)


@router.get("/stories/{story_id}/withdraw")
def withdraw_page(request: Request, actor: PageActor, story: WritableStory) -> Response:
    context = {"story": story, "may": stories.allowed(story), "values": {}, "errors": {}}
    return render(request, "stories/withdraw.html", context)


@router.post("/stories/{story_id}/withdraw")
def withdraw(
    request: Request,
    story_id: Id,
    session: SessionDep,
    actor: FormActor,
    story: WritableStory,
    form: FormValues,
) -> Response:
    page = "stories/withdraw.html"
    context = {"story": story, "may": stories.allowed(story), "values": form, "errors": {}}
    try:
        data = VersionIn.model_validate(
            {"version": form.get("version"), "reason": form.get("reason", "")}
        )
        stories.withdraw_story(session=session, actor=actor, story_id=story_id, data=data)
    except ValidationError as exc:
        return render(request, page, {**context, "errors": field_errors(exc, form)}, 422)
    except Conflict as exc:
        return render(request, page, {**context, "message": exc.message}, 409)
    return RedirectResponse(f"/stories/{story_id}?withdrawn=1", status_code=303)


def visible_sites(session: Session, actor: Actor) -> list[Unit]:
    """The sites the actor works in (every site for admins), for choosing among."""
    return sites_service.visible_sites(session=session, actor=actor)
