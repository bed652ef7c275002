"""Reviewing: the queue, a story's suggestions, decisions, codes, blind double coding and
adjudication. Every call sees and changes only the caller's own coding work."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import CurrentActor, SessionDep, SettingsDep
from api.routes.review_schemas import (
    AdjudicationIn,
    AdjudicationSheetOut,
    AssignIn,
    AssignmentOut,
    CodeIn,
    DecisionIn,
    DecisionOut,
    QueueItemOut,
    ReviewOut,
    adjudication_out,
    queue_out,
    review_out,
)
from storybank.models import Id
from storybank.review import adjudicating, assigning, deciding
from storybank.review.queue import review_queue
from storybank.review.sheet import review_sheet

router = APIRouter(prefix="/review", tags=["review"])


@router.get("/queue", summary="Stories waiting for your decisions, oldest first")
def read_queue(session: SessionDep, actor: CurrentActor) -> list[QueueItemOut]:
    return queue_out(review_queue(session=session, actor=actor))


@router.get("/stories/{story_id}", summary="A story's suggestions and your own codes")
def read_review(story_id: Id, session: SessionDep, actor: CurrentActor) -> ReviewOut:
    return review_out(review_sheet(session=session, actor=actor, story_id=story_id))


@router.put(
    "/stories/{story_id}/suggestions/{suggestion_id}/decision",
    summary="Accept or reject a suggestion (the same decision again changes nothing)",
)
def decide(
    story_id: Id, suggestion_id: Id, data: DecisionIn, session: SessionDep, actor: CurrentActor
) -> DecisionOut:
    made = deciding.decide(
        session=session,
        actor=actor,
        story_id=story_id,
        suggestion_id=suggestion_id,
        decision=data.decision,
    )
    return DecisionOut(
        suggestion_id=made.suggestion_id, decision=made.decision, decided_at=made.decided_at
    )


@router.post("/stories/{story_id}/codes", status_code=201, summary="Apply a code yourself")
def add_code(story_id: Id, data: CodeIn, session: SessionDep, actor: CurrentActor) -> ReviewOut:
    deciding.add_code(session=session, actor=actor, story_id=story_id, code_key=data.code_key)
    return review_out(review_sheet(session=session, actor=actor, story_id=story_id))


@router.delete(
    "/stories/{story_id}/codes/{code_key}", status_code=204, summary="Take off a code you applied"
)
def remove_code(story_id: Id, code_key: str, session: SessionDep, actor: CurrentActor) -> Response:
    deciding.remove_code(session=session, actor=actor, story_id=story_id, code_key=code_key)
    return Response(status_code=204)


@router.post("/stories/{story_id}/finish", summary="Confirm your codes for this story")
def finish(
    story_id: Id, session: SessionDep, settings: SettingsDep, actor: CurrentActor
) -> ReviewOut:
    deciding.finish(
        session=session, actor=actor, story_id=story_id, retrain_every=settings.nlp_retrain_every
    )
    return review_out(review_sheet(session=session, actor=actor, story_id=story_id))


@router.put("/stories/{story_id}/assignments", summary="Assign two reviewers to code it blind")
def assign(
    story_id: Id, data: AssignIn, session: SessionDep, actor: CurrentActor
) -> list[AssignmentOut]:
    made = assigning.assign_double_coding(
        session=session, actor=actor, story_id=story_id, reviewer_ids=data.reviewer_ids
    )
    return [AssignmentOut.model_validate(a) for a in made]


@router.get("/adjudications", summary="Double-coded stories with disagreements to decide")
def read_awaiting(session: SessionDep, actor: CurrentActor) -> list[int]:
    return [s.id or 0 for s in adjudicating.awaiting_adjudication(session=session, actor=actor)]


@router.get("/stories/{story_id}/adjudication", summary="The two coders' agreed and disputed codes")
def read_adjudication(
    story_id: Id, session: SessionDep, actor: CurrentActor
) -> AdjudicationSheetOut:
    sheet = adjudicating.adjudication_sheet(session=session, actor=actor, story_id=story_id)
    return adjudication_out(sheet)


@router.post("/stories/{story_id}/adjudications", status_code=201, summary="Decide a disputed code")
def adjudicate(
    story_id: Id, data: AdjudicationIn, session: SessionDep, actor: CurrentActor
) -> AdjudicationSheetOut:
    adjudicating.adjudicate(
        session=session,
        actor=actor,
        story_id=story_id,
        code_key=data.code_key,
        included=data.included,
        reason=data.reason,
    )
    sheet = adjudicating.adjudication_sheet(session=session, actor=actor, story_id=story_id)
    return adjudication_out(sheet)
