"""UK GDPR duties: export everything held about a story or a person, erase a story,
and flag stories kept past the retention period for review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from storybank.access import Actor, require_role
from storybank.accounts.held_forms import forget_held_forms_of_story
from storybank.audit import record_event
from storybank.errors import Conflict, InvalidInput, NotFound
from storybank.models import (
    TEXT_FIELDS,
    ApiToken,
    AuditChange,
    AuditEvent,
    Ballot,
    Code,
    Coding,
    Grant,
    LoginSession,
    Role,
    RoundMember,
    SelectionRound,
    Story,
    StoryDeidentified,
    Unit,
    User,
    utcnow,
)
from storybank.review.final_table import mark_stale
from storybank.review.forgetting import forget_review_of_story
from storybank.stories.search import purge_removed_text

ERASED_TITLE = "[erased]"


def _admin_story(session: Session, actor: Actor, story_id: int) -> Story:
    require_role(actor, Role.admin)
    story = session.get(Story, story_id)
    if story is None:
        raise NotFound(f"There is no story with id {story_id}.")
    return story


def _events(session: Session, *conditions: Any) -> list[dict[str, Any]]:
    rows = session.exec(
        select(AuditEvent, AuditChange)
        .outerjoin(AuditChange, col(AuditChange.event_id) == AuditEvent.id)
        .where(or_(*conditions))
        .order_by(col(AuditEvent.id))
    ).all()
    return [
        {
            **event.model_dump(mode="json"),
            "before": change.before if change else None,
            "after": change.after if change else None,
        }
        for event, change in rows
    ]


def export_story_data(*, session: Session, actor: Actor, story_id: int) -> dict[str, Any]:
    """Everything held about one story: its fields, codings and audit trail."""
    story = _admin_story(session, actor, story_id)
    site = session.get(Unit, story.site_id)
    codings = session.exec(
        select(Coding, Code.key)
        .join(Code, col(Code.id) == Coding.code_id)
        .where(Coding.story_id == story.id)
    ).all()
    record_event(
        session=session,
        actor=actor.user,
        action="privacy.export_story",
        entity="story",
        entity_id=story.id,
    )
    session.commit()
    return {
        "story": story.model_dump(mode="json"),
        "site": site.model_dump(mode="json") if site else None,
        "codings": [{**c.model_dump(mode="json"), "code_key": key} for c, key in codings],
        "audit": _events(
            session,
            (col(AuditEvent.entity) == "story") & (col(AuditEvent.entity_id) == str(story.id)),
        ),
    }


def export_user_data(*, session: Session, actor: Actor, user_id: int) -> dict[str, Any]:
    """Everything held about one person: account, roles, sites, tokens, work and audit."""
    require_role(actor, Role.admin)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user with id {user_id}.")
    account = user.model_dump(mode="json", exclude={"password_hash"})
    tokens = session.exec(select(ApiToken).where(ApiToken.user_id == user_id)).all()
    record_event(
        session=session,
        actor=actor.user,
        action="privacy.export_user",
        entity="user",
        entity_id=user_id,
    )
    session.commit()
    return {
        "account": account,
        "grants": [
            {"role": role, "unit_id": unit}
            for role, unit in session.exec(
                select(Grant.role, Grant.unit_id).where(Grant.user_id == user_id)
            )
        ],
        "api_tokens": [t.model_dump(mode="json", exclude={"token_hash"}) for t in tokens],
        "active_sessions": len(
            session.exec(select(LoginSession.id).where(LoginSession.user_id == user_id)).all()
        ),
        "stories_written": [
            {"id": s.id, "title": s.title, "status": s.status}
            for s in session.exec(select(Story).where(Story.author_id == user_id))
        ],
        "codings_made": len(
            session.exec(select(Coding.id).where(Coding.coder_id == user_id)).all()
        ),
        "msc_panels": _panel_memberships(session, user_id),
        "audit": _events(
            session,
            col(AuditEvent.actor_id) == user_id,
            (col(AuditEvent.entity) == "user") & (col(AuditEvent.entity_id) == str(user_id)),
        ),
    }


def _panel_memberships(session: Session, user_id: int) -> list[dict[str, Any]]:
    """The MSC panels a person sat on, with their own ballots; in a secret round only that
    they voted in a domain and pass, never what they chose or when (the database keeps a
    member's ballot with their membership so they can change it while voting is open;
    nothing shows the two together)."""
    rows = session.exec(
        select(RoundMember, SelectionRound)
        .join(SelectionRound, col(SelectionRound.id) == RoundMember.round_id)
        .where(RoundMember.user_id == user_id)
        .order_by(col(RoundMember.id))
    ).all()
    return [
        {
            "round_id": rnd.id,
            "round_name": rnd.name,
            "is_guest": member.is_guest,
            "added_at": member.added_at.isoformat(),
            "secret_ballot": rnd.secret,
            "ballots": [_own_ballot(b, rnd.secret) for b in _ballots_of(session, member)],
        }
        for member, rnd in rows
    ]


def _ballots_of(session: Session, member: RoundMember) -> list[Ballot]:
    query = select(Ballot).where(Ballot.member_id == member.id)
    return list(session.exec(query.order_by(col(Ballot.pass_number), col(Ballot.domain_id))))


def _own_ballot(ballot: Ballot, secret: bool) -> dict[str, Any]:
    shown: dict[str, Any] = {"domain_id": ballot.domain_id, "pass_number": ballot.pass_number}
    if secret:
        return {**shown, "choice": "not shown: a secret ballot"}
    return {
        **shown,
        "kind": ballot.kind,
        "content": ballot.content,
        "cast_at": ballot.updated_at.isoformat(),
    }


def erase_story(*, session: Session, actor: Actor, story_id: int, reason: str) -> Story:
    """Erase a story's text everywhere; its audit trail keeps a tombstone, counts drop it."""
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise InvalidInput(
            "Give the reason for erasing (1 to 500 characters), e.g. "
            "'erasure request from the person, ref 2026-041'."
        )
    story = _admin_story(session, actor, story_id)
    if story.erased_at is not None:
        raise Conflict("This story has already been erased.", code="already_erased")
    for name in TEXT_FIELDS:
        setattr(story, name, "")
    story.title = ERASED_TITLE
    story.community_solutions = []
    story.weekly_cost_before = story.weekly_cost_after = None
    story.erased_at = story.updated_at = utcnow()
    story.version += 1
    session.add(story)
    session.execute(delete(Coding).where(col(Coding.story_id) == story.id))
    mark_stale(session, [story.id])
    forget_review_of_story(session=session, story_id=story.id or 0)
    session.execute(delete(AuditChange).where(col(AuditChange.story_id) == story.id))
    session.execute(delete(StoryDeidentified).where(col(StoryDeidentified.story_id) == story.id))
    forget_held_forms_of_story(session=session, story_id=story.id or 0)
    purge_removed_text(session=session)
    record_event(
        session=session,
        actor=actor.user,
        action="story.erase",
        entity="story",
        entity_id=story.id,
        details={"reason": reason, "tombstone": True},
    )
    session.commit()
    return story


def stories_past_retention(*, session: Session, actor: Actor, retention_days: int) -> list[Story]:
    """Stories created longer ago than the retention period and not yet erased."""
    require_role(actor, Role.admin)
    cutoff = utcnow() - timedelta(days=retention_days)
    return list(
        session.exec(
            select(Story)
            .where(col(Story.created_at) < cutoff, col(Story.erased_at).is_(None))
            .order_by(col(Story.created_at))
        ).all()
    )
