"""The de-identified version of a story: edited by hand from the original, confirmed by a
staff member or reviewer of its site, before the story may be read outside its site."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from storybank import accounts, stories
from storybank.access import Actor
from storybank.errors import Conflict
from storybank.models import (
    DEIDENTIFIED_FIELDS,
    DeidentifiedIn,
    DeidentifiedPublic,
    Id,
    ProposedDeidentified,
    Story,
)
from web.deps import FormActor, FormValues, PageActor, ReadableStory
from web.forms.messages import field_errors
from web.forms.story import FIELD_LABELS
from web.templating import render

router = APIRouter(include_in_schema=False)
SOLUTIONS_HINT = "One per line."


@router.get("/stories/{story_id}/deidentified")
def deidentified_page(
    request: Request, session: SessionDep, actor: PageActor, story: ReadableStory
) -> Response:
    current = stories.get_deidentified(
        session=session, actor=actor, story_id=story.id or 0, propose=True
    )
    # Once a version is saved, the detector checks it for anything left behind.
    found = current.found if current.proposed else stories.personal_data_in(current)
    values = _values(current.proposed or current)
    return _page(request, session, story, current, values, personal_data=found)


@router.post("/stories/{story_id}/deidentified")
def save_deidentified(
    request: Request,
    story_id: Id,
    session: SessionDep,
    actor: FormActor,
    story: ReadableStory,
    form: FormValues,
) -> Response:
    current = stories.get_deidentified(session=session, actor=actor, story_id=story_id)
    try:
        data = DeidentifiedIn.model_validate(_data(form))
        stories.save_deidentified(session=session, actor=actor, story_id=story_id, data=data)
    except ValidationError as exc:
        errors = field_errors(exc, form)
        return _page(request, session, story, current, form, errors=errors, status=422)
    except Conflict as exc:
        return _page(request, session, story, current, form, message=exc.message, status=409)
    flag = "deidentified_confirmed" if data.confirm else "deidentified_saved"
    return RedirectResponse(f"/stories/{story_id}?{flag}=1", status_code=303)


def _values(texts: DeidentifiedPublic | ProposedDeidentified) -> dict[str, str]:
    """The form's values: the saved version, or the detector's proposal (version 0)."""
    values = {name: getattr(texts, name) for name in DEIDENTIFIED_FIELDS}
    values["community_solutions"] = "\n".join(texts.community_solutions)
    values["version"] = str(getattr(texts, "version", 0))
    return values


def _data(form: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {name: form.get(name, "") for name in DEIDENTIFIED_FIELDS}
    data["community_solutions"] = [
        line.strip() for line in form.get("community_solutions", "").splitlines() if line.strip()
    ]
    data["version"] = form.get("version", "")
    data["confirm"] = form.get("action") == "confirm"
    return data


def _page(
    request: Request,
    session: Session,
    story: Story,
    current: DeidentifiedPublic,
    values: dict[str, str],
    status: int = 200,
    **extra: Any,
) -> Response:
    actor: Actor = request.state.actor
    confirmer = current.confirmed_by_id
    context = {
        "story": story,
        "current": current,
        "confirmed_by": accounts.get_user(session=session, user_id=confirmer)
        if confirmer
        else None,
        "values": values,
        "errors": extra.pop("errors", {}),
        "labels": {**FIELD_LABELS, "version": "Version"},
        "fields": [(name, FIELD_LABELS.get(name, name)) for name in DEIDENTIFIED_FIELDS],
        "personal_data": extra.pop("personal_data", None),
        "is_self": actor.id == story.author_id,
        **extra,
    }
    return render(request, "stories/deidentified.html", context, status)
