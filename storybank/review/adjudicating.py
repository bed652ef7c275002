"""Adjudication: once both blind coders have finished, each code they disagree on is
decided in or out by a reviewer of the site, with the reason; the adjudicated set is final."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.audit import record_event
from storybank.errors import Conflict, FieldProblem, InvalidInput, NotFound
from storybank.models import Adjudication, Code, ReviewAssignment, Role, Story, StoryStatus, User
from storybank.review.deciding import reviewable_story, settle_suggestions
from storybank.review.final import StoryCoding, story_codings
from storybank.review.queue import require_any_reviewer

REASON_LIMIT = 2000


@dataclass
class DisputedCode:
    """A code one blind coder applied and the other did not, and its adjudication."""

    code: Code
    applied_by: list[str]  # the coders' names who applied it
    adjudication: Adjudication | None


@dataclass
class AdjudicationSheet:
    """A double-coded story's disagreements, once both coders have finished."""

    story: Story
    coders: list[User]
    agreed: list[Code]
    disputed: list[DisputedCode]

    @property
    def complete(self) -> bool:
        """True when every disagreement has been adjudicated."""
        return all(d.adjudication is not None for d in self.disputed)


def adjudication_sheet(*, session: Session, actor: Actor, story_id: int) -> AdjudicationSheet:
    """The two coders' agreed and disputed codes; Conflict until both have finished."""
    story = reviewable_story(session=session, actor=actor, story_id=story_id)
    coding = _finished_double(session, story_id)
    coders = [session.get(User, r) for r in coding.coders]
    codes = {c.id or 0: c for c in session.exec(select(Code)).all()}
    first, second = (coding.codes_by_coder.get(r, set()) for r in coding.coders)
    made = {
        a.code_id: a
        for a in session.exec(select(Adjudication).where(Adjudication.story_id == story_id)).all()
    }
    disputed = [
        DisputedCode(
            code=codes[code_id],
            applied_by=[
                u.display_name
                for u in coders
                if u and code_id in coding.codes_by_coder.get(u.id or 0, set())
            ],
            adjudication=made.get(code_id),
        )
        for code_id in sorted(coding.disputed(), key=lambda i: (codes[i].kind, codes[i].sort_order))
    ]
    agreed = sorted((codes[i] for i in first & second), key=lambda c: (c.kind, c.sort_order))
    return AdjudicationSheet(story, [u for u in coders if u], agreed, disputed)


def _finished_double(session: Session, story_id: int) -> StoryCoding:
    coding = story_codings(session=session, story_ids=[story_id])[story_id]
    if not coding.double:
        raise Conflict("This story is not double coded.", code="not_double_coded")
    if not coding.all_finished:
        raise Conflict(
            "Both reviewers must finish coding before their disagreements are adjudicated.",
            code="coding_unfinished",
        )
    return coding


def _checked_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason or len(reason) > REASON_LIMIT:
        message = f"Give the reason for this decision (at most {REASON_LIMIT} characters)."
        raise InvalidInput(message, problems=[FieldProblem("reason", message)])
    return reason


def _open_dispute(session: Session, story_id: int, code_key: str) -> Code:
    """The code, if the two coders disagree on it and nobody has adjudicated it yet."""
    code = session.exec(select(Code).where(Code.key == code_key)).first()
    if code is None:
        raise NotFound(f"The codebook has no code {code_key!r}.")
    coding = _finished_double(session, story_id)
    if code.id not in coding.disputed():
        raise Conflict(f"The two coders did not disagree on {code.label!r}.", code="not_disputed")
    if code.id in coding.adjudicated:
        raise Conflict(f"{code.label!r} has been adjudicated already.", code="already_adjudicated")
    return code


def adjudicate(
    *, session: Session, actor: Actor, story_id: int, code_key: str, included: bool, reason: str
) -> Adjudication:
    """Decide one disputed code in or out, with the reason (required)."""
    reviewable_story(session=session, actor=actor, story_id=story_id)
    reason = _checked_reason(reason)
    code = _open_dispute(session, story_id, code_key)
    made = Adjudication(
        story_id=story_id,
        code_id=code.id or 0,
        decided_by_id=actor.id,
        included=included,
        reason=reason,
    )
    session.add(made)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            f"{code.label!r} has been adjudicated already.", code="already_adjudicated"
        ) from None
    settle_suggestions(session=session, story_id=story_id)
    record_event(
        session=session,
        actor=actor.user,
        action="review.adjudicate",
        entity="story",
        entity_id=story_id,
        details={"code_id": code.id, "included": included},
    )
    session.commit()
    return made


def awaiting_adjudication(*, session: Session, actor: Actor) -> list[Story]:
    """Double-coded stories of the actor's reviewer sites with disagreements to decide."""
    require_any_reviewer(actor)
    finished = (
        select(ReviewAssignment.story_id)
        .where(col(ReviewAssignment.finished_at).is_not(None))
        .group_by(col(ReviewAssignment.story_id))
        .having(func.count() == 2)
    )
    stories = session.exec(
        select(Story)
        .where(col(Story.id).in_(finished), Story.status == StoryStatus.submitted)
        .where(col(Story.site_id).in_(actor.sites_for(Role.reviewer)))
        .order_by(col(Story.submitted_at), col(Story.id))
    ).all()
    codings = story_codings(session=session, story_ids=[s.id for s in stories])
    return [s for s in stories if codings[s.id or 0].awaiting_adjudication()]
