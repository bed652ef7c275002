"""A reviewer's work on one story: accept or reject each suggestion, add or remove a code,
then finish ("confirm and next"). Each reviewer only ever sees and changes their own work,
which is what keeps blind double coding blind."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storybank.access import Actor, require_reviewer
from storybank.audit import record_event
from storybank.errors import Conflict, NotFound
from storybank.learning.retraining import retrain_if_due
from storybank.models import (
    Code,
    Coding,
    CodingSource,
    DecisionKind,
    ReviewAssignment,
    Story,
    StoryStatus,
    Suggestion,
    SuggestionDecision,
    SuggestionState,
    utcnow,
)
from storybank.review.final import story_codings
from storybank.stories.finding import get_story


def reviewable_story(*, session: Session, actor: Actor, story_id: int) -> Story:
    """A submitted story the actor may code; NotFound, Forbidden or Conflict otherwise."""
    story = get_story(session=session, actor=actor, story_id=story_id)
    require_reviewer(actor, story.site_id)
    if story.status != StoryStatus.submitted:
        raise Conflict("Only submitted stories are coded.", code="story_not_submitted")
    return story


def my_assignment(*, session: Session, actor: Actor, story_id: int) -> ReviewAssignment | None:
    """The actor's assignment to code this story, if any."""
    return session.exec(
        select(ReviewAssignment).where(
            ReviewAssignment.story_id == story_id, ReviewAssignment.reviewer_id == actor.id
        )
    ).first()


def claim(*, session: Session, actor: Actor, story: Story) -> ReviewAssignment:
    """The actor's unfinished assignment to the story, made now if nobody codes it yet."""
    mine = my_assignment(session=session, actor=actor, story_id=story.id or 0)
    if mine is not None:
        if mine.finished_at is not None:
            raise Conflict("You have already finished coding this story.", code="review_finished")
        return mine
    coding = story_codings(session=session, story_ids=[story.id]).get(story.id or 0)
    if coding is not None and coding.assignments:
        raise Conflict("Other reviewers are coding this story.", code="assigned_to_others")
    if coding is not None and coding.codes_by_coder:
        raise Conflict("This story has been coded already.", code="already_coded")
    assignment = ReviewAssignment(
        story_id=story.id or 0, reviewer_id=actor.id, position=1, assigned_by_id=actor.id
    )
    session.add(assignment)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            "Another reviewer started on this story.", code="assigned_to_others"
        ) from None
    return assignment


def decide(
    *, session: Session, actor: Actor, story_id: int, suggestion_id: int, decision: DecisionKind
) -> SuggestionDecision:
    """Accept or reject one suggestion. The same decision again changes nothing; the other
    one replaces it until the reviewer finishes."""
    story = reviewable_story(session=session, actor=actor, story_id=story_id)
    suggestion = _live_suggestion(session, story_id, suggestion_id)
    claim(session=session, actor=actor, story=story)
    found = _my_decision(session, actor, suggestion_id)
    if found is not None and found.decision == decision:
        return found
    if found is None:
        found = SuggestionDecision(
            suggestion_id=suggestion_id, story_id=story_id, reviewer_id=actor.id, decision=decision
        )
    found.decision, found.decided_at, found.explicit = decision, utcnow(), True
    session.add(found)
    _apply(session, actor, suggestion, accepted=decision == DecisionKind.accepted)
    _audit(session, actor, f"review.{decision}", story_id, suggestion.code_id)
    session.commit()
    return found


def _live_suggestion(session: Session, story_id: int, suggestion_id: int) -> Suggestion:
    suggestion = session.get(Suggestion, suggestion_id)
    if suggestion is None or suggestion.story_id != story_id:
        raise NotFound(f"This story has no suggestion {suggestion_id}.")
    if suggestion.state == SuggestionState.superseded:
        raise Conflict(
            "A newer model replaced this suggestion; reload the story to see its suggestions.",
            code="suggestion_superseded",
        )
    if suggestion.state != SuggestionState.pending:
        raise Conflict(
            "This story's codes are final; its suggestions can no longer be decided.",
            code="suggestion_settled",
        )
    return suggestion


def _my_decision(session: Session, actor: Actor, suggestion_id: int) -> SuggestionDecision | None:
    return session.exec(
        select(SuggestionDecision).where(
            SuggestionDecision.suggestion_id == suggestion_id,
            SuggestionDecision.reviewer_id == actor.id,
        )
    ).first()


def _my_coding(session: Session, actor: Actor, story_id: int, code_id: int) -> Coding | None:
    return session.exec(
        select(Coding).where(
            Coding.story_id == story_id, Coding.code_id == code_id, Coding.coder_id == actor.id
        )
    ).first()


def _apply(session: Session, actor: Actor, suggestion: Suggestion, *, accepted: bool) -> None:
    """Make the actor's coding of the suggested code match the decision."""
    coding = _my_coding(session, actor, suggestion.story_id, suggestion.code_id)
    if accepted and coding is None:
        session.add(
            Coding(
                story_id=suggestion.story_id,
                code_id=suggestion.code_id,
                coder_id=actor.id,
                source=CodingSource.suggested,
                suggestion_id=suggestion.id,
                model_version=suggestion.model_version,
                confidence=suggestion.confidence,
            )
        )
    elif not accepted and coding is not None:
        session.delete(coding)


def add_code(*, session: Session, actor: Actor, story_id: int, code_key: str) -> Coding:
    """Apply a code the model did not suggest (or accept its suggestion, if it did)."""
    story = reviewable_story(session=session, actor=actor, story_id=story_id)
    code = _active_code(session, code_key)
    claim(session=session, actor=actor, story=story)
    if _my_coding(session, actor, story_id, code.id or 0) is not None:
        raise Conflict(f"You have already applied {code.label!r}.", code="code_already_applied")
    suggested = session.exec(
        select(Suggestion).where(
            Suggestion.story_id == story_id,
            Suggestion.code_id == code.id,
            Suggestion.state == SuggestionState.pending,
        )
    ).first()
    if suggested is not None:
        decide(
            session=session,
            actor=actor,
            story_id=story_id,
            suggestion_id=suggested.id or 0,
            decision=DecisionKind.accepted,
        )
    else:
        session.add(Coding(story_id=story_id, code_id=code.id or 0, coder_id=actor.id))
        _audit(session, actor, "review.add_code", story_id, code.id or 0)
        session.commit()
    found = _my_coding(session, actor, story_id, code.id or 0)
    assert found is not None
    return found


def remove_code(*, session: Session, actor: Actor, story_id: int, code_key: str) -> None:
    """Take off a code the actor applied (an accepted suggestion becomes a rejected one);
    a code they never applied is left as it is."""
    story = reviewable_story(session=session, actor=actor, story_id=story_id)
    code = _active_code(session, code_key, active_only=False)
    coding = _my_coding(session, actor, story_id, code.id or 0)
    if coding is None:
        return
    claim(session=session, actor=actor, story=story)
    if coding.suggestion_id is not None:
        decide(
            session=session,
            actor=actor,
            story_id=story_id,
            suggestion_id=coding.suggestion_id,
            decision=DecisionKind.rejected,
        )
        return
    session.delete(coding)
    _audit(session, actor, "review.remove_code", story_id, code.id or 0)
    session.commit()


def _active_code(session: Session, key: str, *, active_only: bool = True) -> Code:
    code = session.exec(select(Code).where(Code.key == key)).first()
    if code is None or (active_only and not code.active):
        raise NotFound(f"The codebook has no code {key!r} in use.")
    return code


def finish(
    *, session: Session, actor: Actor, story_id: int, retrain_every: int = 0
) -> ReviewAssignment:
    """Confirm the actor's codes: suggestions left undecided count as rejected. Then, if
    `retrain_every` decisions have been made since the newest model, queue a retrain."""
    story = reviewable_story(session=session, actor=actor, story_id=story_id)
    assignment = claim(session=session, actor=actor, story=story)
    decided = select(SuggestionDecision.suggestion_id).where(
        SuggestionDecision.reviewer_id == actor.id
    )
    for suggestion in session.exec(
        select(Suggestion).where(
            Suggestion.story_id == story_id,
            Suggestion.state == SuggestionState.pending,
            col(Suggestion.id).not_in(decided),
        )
    ).all():
        session.add(
            SuggestionDecision(
                suggestion_id=suggestion.id or 0,
                story_id=story_id,
                reviewer_id=actor.id,
                decision=DecisionKind.rejected,
                explicit=False,
            )
        )
    assignment.finished_at = utcnow()
    session.add(assignment)
    session.flush()
    settle_suggestions(session=session, story_id=story_id)
    _audit(session, actor, "review.finish", story_id, None)
    session.commit()
    retrain_if_due(session=session, every=retrain_every)
    return assignment


def settle_suggestions(*, session: Session, story_id: int) -> None:
    """Once the story has final codes, mark each pending suggestion accepted or rejected."""
    final = story_codings(session=session, story_ids=[story_id])[story_id].final()
    if final is None:
        return
    for suggestion in session.exec(
        select(Suggestion).where(
            Suggestion.story_id == story_id, Suggestion.state == SuggestionState.pending
        )
    ).all():
        accepted = suggestion.code_id in final
        suggestion.state = SuggestionState.accepted if accepted else SuggestionState.rejected
        suggestion.settled_at = utcnow()
        session.add(suggestion)


def _audit(session: Session, actor: Actor, action: str, story_id: int, code_id: int | None) -> None:
    details = {"code_id": code_id} if code_id is not None else {}
    record_event(
        session=session,
        actor=actor.user,
        action=action,
        entity="story",
        entity_id=story_id,
        details=details,
    )
