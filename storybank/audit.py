"""Recording and reading the append-only audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storybank.models import AuditChange, AuditEvent, User


def record_event(
    *,
    session: Session,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: object,
    details: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    story_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the session (committed with the change it describes).

    `details` must hold no personal text; `before`/`after` may, and are kept apart so
    that erasing a story can remove them while the event stays.
    """
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        details=details or {},
    )
    session.add(event)
    if before is not None or after is not None:
        session.flush()
        assert event.id is not None
        session.add(
            AuditChange(
                event_id=event.id, story_id=story_id, before=before or {}, after=after or {}
            )
        )
    return event


@dataclass
class AuditFilters:
    """What to narrow the audit log to."""

    actor_id: int | None = None
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def list_events(
    *, session: Session, filters: AuditFilters, offset: int = 0, limit: int = 100
) -> tuple[int, list[tuple[AuditEvent, AuditChange | None, str | None]]]:
    """Audit events newest first, with their before/after values and the actor's name."""
    query = select(AuditEvent)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.entity:
        query = query.where(AuditEvent.entity == filters.entity)
    if filters.entity_id:
        query = query.where(AuditEvent.entity_id == filters.entity_id)
    if filters.since:
        query = query.where(AuditEvent.at >= filters.since)
    if filters.until:
        query = query.where(AuditEvent.at <= filters.until)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.add_columns(AuditChange, User.display_name)
        .outerjoin(AuditChange, col(AuditChange.event_id) == AuditEvent.id)
        .outerjoin(User, col(User.id) == AuditEvent.actor_id)
        .order_by(col(AuditEvent.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return total, [(event, change, name) for event, change, name in rows]
