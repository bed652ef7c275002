"""Recording and reading the append-only audit log."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storybank.bulk import add_rows, insert_rows
from storybank.models import AuditChange, AuditEvent, User, utcnow
from storybank.register.cells import EXPORT_FAILED, spreadsheet_safe

EVENTS = AuditEvent.__table__  # type: ignore[attr-defined]
CHANGES = AuditChange.__table__  # type: ignore[attr-defined]


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
class NewEvent:
    """One audit event to record with others in bulk (see `record_event` for the fields)."""

    action: str
    entity: str
    entity_id: object
    details: dict[str, Any] | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    story_id: int | None = None


def record_events(*, session: Session, actor: User | None, events: Sequence[NewEvent]) -> None:
    """Add many audit events in the session's transaction at once: one INSERT for the
    events and one for their before/after values, however many there are. Events with
    before/after values must each name a different entity."""
    if not events:
        return
    session.flush()
    at, actor_id = utcnow(), actor.id if actor else None
    rows = [
        {
            "at": at,
            "actor_id": actor_id,
            "action": e.action,
            "entity": e.entity,
            "entity_id": str(e.entity_id),
            "details": e.details or {},
        }
        for e in events
    ]
    changed = {(e.entity, str(e.entity_id)): e for e in events if e.before or e.after}
    if len(changed) < sum(1 for e in events if e.before or e.after):
        raise ValueError("events with before/after values must name different entities")
    event_ids = insert_rows(session, EVENTS, rows)
    changes = [
        {
            "event_id": event_id,
            "story_id": e.story_id,
            "before": e.before or {},
            "after": e.after or {},
        }
        for event_id, row in zip(event_ids, rows, strict=True)
        if (e := changed.get((str(row["entity"]), str(row["entity_id"])))) is not None
    ]
    add_rows(session, CHANGES, changes)


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


EXPORT_PAGE_SIZE = 500
AUDIT_COLUMNS = ("id", "at", "actor_id", "actor", "action", "entity", "entity_id", "details")


def audit_rows(
    *, session: Session, filters: AuditFilters, page_size: int | None = None
) -> Iterator[list[str]]:
    """Every matching event as CSV cells, newest first, fetched a page at a time.

    The first page is read at once (a query that cannot run fails before a download
    starts). Before/after values of edits are not exported: they may hold story text,
    which must stay erasable.
    """
    page_size = page_size or EXPORT_PAGE_SIZE
    first = _page_cells(session, filters, 0, page_size)
    return _every_page(session, filters, first, page_size)


def _every_page(
    session: Session, filters: AuditFilters, first: list[list[str]], page_size: int
) -> Iterator[list[str]]:
    page, offset = first, 0
    while True:
        yield from page
        if len(page) < page_size:
            return
        offset += page_size
        page = _page_cells(session, filters, offset, page_size)


def _page_cells(
    session: Session, filters: AuditFilters, offset: int, limit: int
) -> list[list[str]]:
    _, rows = list_events(session=session, filters=filters, offset=offset, limit=limit)
    return [
        [
            str(event.id),
            event.at.isoformat(),
            str(event.actor_id or ""),
            spreadsheet_safe(name or ""),
            spreadsheet_safe(event.action),
            spreadsheet_safe(event.entity),
            spreadsheet_safe(event.entity_id),
            spreadsheet_safe(json.dumps(event.details, sort_keys=True)),
        ]
        for event, _change, name in rows
    ]


def audit_csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """The audit rows as CSV text line by line; a failure part-way ends on a line saying so."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AUDIT_COLUMNS)
    yield _drain(buffer)
    try:
        for row in rows:
            writer.writerow(row)
            yield _drain(buffer)
    except Exception:
        yield f"{EXPORT_FAILED}\r\n"
        raise


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
