"""Blind double coding: a reviewer of the story's site assigns it to two reviewers, who
code it without seeing each other's work until both have finished."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storybank.access import Actor, load_actor, may_review
from storybank.audit import record_event
from storybank.errors import Conflict, FieldProblem, InvalidInput
from storybank.models import Grant, ReviewAssignment, Role, User
from storybank.review.deciding import reviewable_story
from storybank.review.final import story_codings


def assign_double_coding(
    *, session: Session, actor: Actor, story_id: int, reviewer_ids: Sequence[int]
) -> list[ReviewAssignment]:
    """Assign the story to two reviewers (one already coding it alone keeps position 1)."""
    story = reviewable_story(session=session, actor=actor, story_id=story_id)
    _check_pair(session, story.site_id, reviewer_ids)
    existing = story_codings(session=session, story_ids=[story_id])[story_id].assignments
    _check_free(existing, reviewer_ids)
    first = existing[0].reviewer_id if existing else reviewer_ids[0]
    second = next(r for r in reviewer_ids if r != first)
    made = [] if existing else [_assignment(story_id, first, 1, actor)]
    made.append(_assignment(story_id, second, 2, actor))
    session.add_all(made)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            "Someone changed this story's coders just now.", code="already_assigned"
        ) from None
    record_event(
        session=session,
        actor=actor.user,
        action="review.assign_double",
        entity="story",
        entity_id=story_id,
        details={"reviewer_ids": [first, second]},
    )
    session.commit()
    return [*existing, *made]


def _check_free(existing: list[ReviewAssignment], reviewer_ids: Sequence[int]) -> None:
    """Conflict if the story has two coders, or a lone coder who is not in the pair or
    has finished."""
    if len(existing) == 2:
        raise Conflict("This story is already double coded.", code="already_assigned")
    if existing and (
        existing[0].finished_at is not None or existing[0].reviewer_id not in reviewer_ids
    ):
        raise Conflict(
            "A reviewer is already coding this story alone; include them as one of the two, "
            "before they finish.",
            code="being_coded",
        )


def _assignment(story_id: int, reviewer_id: int, position: int, actor: Actor) -> ReviewAssignment:
    return ReviewAssignment(
        story_id=story_id, reviewer_id=reviewer_id, position=position, assigned_by_id=actor.id
    )


def _check_pair(session: Session, site_id: int, reviewer_ids: Sequence[int]) -> None:
    """Two different, active reviewers of the site; InvalidInput naming the field if not."""
    if len(reviewer_ids) != 2 or reviewer_ids[0] == reviewer_ids[1]:
        raise InvalidInput(
            "Choose two different reviewers.",
            problems=[FieldProblem("reviewer_ids", "Choose two different reviewers.")],
        )
    for reviewer_id in reviewer_ids:
        user = session.get(User, reviewer_id)
        if (
            user is None
            or not user.is_active
            or not may_review(load_actor(session=session, user=user), site_id)
        ):
            message = f"User {reviewer_id} is not a reviewer of this story's site."
            raise InvalidInput(message, problems=[FieldProblem("reviewer_ids", message)])


def site_reviewers(*, session: Session, site_id: int) -> list[User]:
    """Active people who may code this site's stories, by name (for the assign form)."""
    users = session.exec(
        select(User)
        .join(Grant, col(Grant.user_id) == User.id)
        .where(Grant.role == Role.reviewer, col(User.is_active))
        .distinct()
        .order_by(col(User.display_name))
    ).all()
    return [u for u in users if may_review(load_actor(session=session, user=u), site_id)]
