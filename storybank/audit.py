"""Recording and reading the append-only audit log."""

from __future__ import annotations

import json
from collections.abc import Iterator
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
    conditions: list[Any] = []
    if filters.actor_id is not None:
        conditions.append(col(AuditEvent.actor_id) == filters.actor_id)
    for name in ("action", "entity", "entity_id"):
        if value := getattr(filters, name):
            conditions.append(getattr(AuditEvent, name) == value)
    if filters.since:
        conditions.append(col(AuditEvent.at) >= filters.since)
    if filters.until:
        conditions.append(col(AuditEvent.at) <= filters.until)
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    rows = session.exec(
        select(AuditEvent, AuditChange, User.display_name)
        .outerjoin(AuditChange, col(AuditChange.event_id) == AuditEvent.id)
        .outerjoin(User, col(User.id) == AuditEvent.actor_id)
        .where(*conditions)
        .order_by(col(AuditEvent.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return total, [(event, change, name) for event, change, name in rows]


AUDIT_COLUMNS = ("id", "at", "actor_id", "actor", "action", "entity", "entity_id", "details")


def audit_rows(
    *, session: Session, filters: AuditFilters, page_size: int = 500
) -> Iterator[list[str]]:
    """Every matching event as CSV cells, newest first, fetched a page at a time.

    Before/after values of edits are not exported: they may hold story text, which must
    stay erasable.
    """
    offset = 0
    while True:
        _, rows = list_events(session=session, filters=filters, offset=offset, limit=page_size)
        for event, _change, name in rows:
            yield [
                str(event.id),
                event.at.isoformat(),
                str(event.actor_id or ""),
                name or "",
                event.action,
                event.entity,
                event.entity_id,
                json.dumps(event.details, sort_keys=True),
            ]
        if len(rows) < page_size:
            return
        offset += page_size
