"""The reviewer's pages: the queue, a story with its suggestions' evidence marked, accept /
reject / add / confirm and next, blind double-coding assignment and adjudication. Plain
forms that post and redirect; web/static/js/review.js adds the keyboard path."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep, SettingsDep
from storybank.access import Actor
from storybank.errors import Conflict, FieldProblem, InvalidInput
from storybank.models import DecisionKind, Id
from storybank.review import adjudicating, assigning, deciding
from storybank.review.evidence import mark_evidence
from storybank.review.queue import next_in_queue, review_queue
from storybank.review.sheet import review_sheet
from storybank.review.suggesting import story_text
from storybank.stories.personal_data import personal_data_in
from web.deps import FormActor, FormValues, PageActor
from web.forms.story import FIELD_LABELS
from web.templating import render

router = APIRouter(include_in_schema=False)
NOTICES = {
    "finished": "Your codes for the last story are confirmed.",
    "assigned": "Two reviewers now code this story blind.",
    "adjudicated": "The adjudication is recorded.",
}


@router.get("/review")
def queue_page(request: Request, session: SessionDep, actor: PageActor) -> Response:
    context = {
        "items": review_queue(session=session, actor=actor),
        "awaiting": adjudicating.awaiting_adjudication(session=session, actor=actor),
        "notices": _notices(request),
        "nav": "review",
    }
    return render(request, "review/queue.html", context)


@router.get("/review/{story_id}")
def review_page(request: Request, story_id: Id, session: SessionDep, actor: PageActor) -> Response:
    return _review(request, session, actor, story_id)


def _review(
    request: Request, session: Session, actor: Actor, story_id: int, **extra: Any
) -> Response:
    sheet = review_sheet(session=session, actor=actor, story_id=story_id)
    text = story_text(sheet.story)
    applied = sheet.my_code_ids
    labels = {"title": "Title", **FIELD_LABELS}
    context = {
        "sheet": sheet,
        "marked": mark_evidence(text.fields, sheet.suggestions),
        "field_labels": labels,
        "labels": labels,
        "personal_data": personal_data_in(sheet.story),
        "personal_data_intro": "Before this story leaves its site, its de-identified version "
        "replaces these.",
        "addable": [c for c in sheet.codes.values() if c.active and c.id not in applied],
        "notices": _notices(request),
        "nav": "review",
        **extra,
    }
    return render(request, "review/story.html", context, status=422 if "message" in extra else 200)


@router.post("/review/{story_id}/suggestions/{suggestion_id}")
def decide_form(
    story_id: Id, suggestion_id: Id, session: SessionDep, actor: FormActor, form: FormValues
) -> Response:
    decision = _choice(form, "decision", {k.value: k for k in DecisionKind})
    deciding.decide(
        session=session,
        actor=actor,
        story_id=story_id,
        suggestion_id=suggestion_id,
        decision=decision,
    )
    focus = form.get("next", "") if form.get("next", "").isdigit() else str(suggestion_id)
    return RedirectResponse(f"/review/{story_id}#suggestion-{focus}", status_code=303)


@router.post("/review/{story_id}/codes")
def add_code_form(
    request: Request, story_id: Id, session: SessionDep, actor: FormActor, form: FormValues
) -> Response:
    key = form.get("code_key", "").strip()
    if not key:
        return _review(request, session, actor, story_id, message="Choose the code to add.")
    deciding.add_code(session=session, actor=actor, story_id=story_id, code_key=key)
    return RedirectResponse(f"/review/{story_id}#your-codes", status_code=303)


@router.post("/review/{story_id}/codes/{code_key}/remove")
def remove_code_form(
    story_id: Id, code_key: str, session: SessionDep, actor: FormActor
) -> Response:
    deciding.remove_code(session=session, actor=actor, story_id=story_id, code_key=code_key)
    return RedirectResponse(f"/review/{story_id}#your-codes", status_code=303)


@router.post("/review/{story_id}/finish")
def finish_form(
    story_id: Id, session: SessionDep, settings: SettingsDep, actor: FormActor
) -> Response:
    deciding.finish(
        session=session, actor=actor, story_id=story_id, retrain_every=settings.nlp_retrain_every
    )
    following = next_in_queue(session=session, actor=actor, after=story_id)
    target = f"/review/{following}?finished=1" if following else "/review?finished=1"
    return RedirectResponse(target, status_code=303)


@router.get("/review/{story_id}/assign")
def assign_page(request: Request, story_id: Id, session: SessionDep, actor: PageActor) -> Response:
    return _assign(request, session, actor, story_id, {}, {})


def _assign(
    request: Request,
    session: Session,
    actor: Actor,
    story_id: int,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    story = deciding.reviewable_story(session=session, actor=actor, story_id=story_id)
    context = {
        "story": story,
        "reviewers": assigning.site_reviewers(session=session, site_id=story.site_id),
        "values": values,
        "errors": errors,
        "labels": {"first": "First reviewer", "second": "Second reviewer"},
        "nav": "review",
    }
    return render(request, "review/assign.html", context, status=status)


@router.post("/review/{story_id}/assign")
def assign_form(
    request: Request, story_id: Id, session: SessionDep, actor: FormActor, form: FormValues
) -> Response:
    ids = [form.get("first", ""), form.get("second", "")]
    errors = {
        name: "Choose a reviewer."
        for name, value in zip(("first", "second"), ids, strict=True)
        if not value.isdigit()
    }
    try:
        if errors:
            raise InvalidInput("Choose two reviewers.")
        assigning.assign_double_coding(
            session=session, actor=actor, story_id=story_id, reviewer_ids=[int(i) for i in ids]
        )
    except (InvalidInput, Conflict) as exc:
        errors = errors or {"first": exc.message}
        status = 409 if isinstance(exc, Conflict) else 422
        return _assign(request, session, actor, story_id, form, errors, status)
    return RedirectResponse(f"/review/{story_id}?assigned=1", status_code=303)


@router.get("/review/{story_id}/adjudicate")
def adjudicate_page(
    request: Request, story_id: Id, session: SessionDep, actor: PageActor
) -> Response:
    return _adjudicate(request, session, actor, story_id, {}, {})


def _adjudicate(
    request: Request,
    session: Session,
    actor: Actor,
    story_id: int,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    sheet = adjudicating.adjudication_sheet(session=session, actor=actor, story_id=story_id)
    context = {
        "sheet": sheet,
        "values": values,
        "errors": errors,
        "notices": _notices(request),
        "nav": "review",
    }
    return render(request, "review/adjudicate.html", context, status=status)


@router.post("/review/{story_id}/adjudicate")
def adjudicate_form(
    request: Request, story_id: Id, session: SessionDep, actor: FormActor, form: FormValues
) -> Response:
    key = form.get("code_key", "")
    try:
        included = _choice(form, "included", {"yes": True, "no": False})
        adjudicating.adjudicate(
            session=session,
            actor=actor,
            story_id=story_id,
            code_key=key,
            included=included,
            reason=form.get("reason", ""),
        )
    except (InvalidInput, Conflict) as exc:
        problems = exc.problems or [FieldProblem("included", exc.message)]
        errors = {f"{p.field}-{key}": p.message for p in problems}
        status = 409 if isinstance(exc, Conflict) else 422
        return _adjudicate(request, session, actor, story_id, form, errors, status)
    return RedirectResponse(f"/review/{story_id}/adjudicate?adjudicated=1", status_code=303)


def _choice(form: dict[str, str], name: str, allowed: dict[str, Any]) -> Any:
    """The posted value of a choice, or InvalidInput naming the field."""
    value = form.get(name, "")
    if value not in allowed:
        message = f"Choose one of: {', '.join(allowed)}."
        raise InvalidInput(message, problems=[FieldProblem(name, message)])
    return allowed[value]


def _notices(request: Request) -> list[str]:
    return [text for flag, text in NOTICES.items() if request.query_params.get(flag)]
