"""Admin: browse, filter and export the append-only audit log (read-only by design)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from api.deps import AdminActor, SessionDep
from api.responses import file_download, file_responses
from storybank.audit import AuditFilters, audit_csv_lines, audit_rows, list_events
from storybank.models import Count, Id

router = APIRouter(prefix="/audit", tags=["admin"])


class AuditEventPublic(BaseModel):
    """One audit event with the before/after values of an edit, if kept."""

    id: int
    at: datetime
    actor_id: int | None
    actor: str | None
    action: str
    entity: str
    entity_id: str
    details: dict[str, Any]
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPage(BaseModel):
    """A page of the audit log with the total that matched."""

    total: int
    offset: int
    limit: int
    items: list[AuditEventPublic]


Text = Annotated[str | None, Query(max_length=64)]


def audit_filters(
    actor_id: Id | None = None,
    action: Text = None,
    entity: Text = None,
    entity_id: Text = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AuditFilters:
    """The audit log filters, read from the query string (browse and export alike)."""
    return AuditFilters(
        actor_id=actor_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        since=since,
        until=until,
    )


AuditFiltersDep = Annotated[AuditFilters, Depends(audit_filters)]


@router.get("", summary="Browse the audit log, newest first (admin)")
def browse_audit(
    session: SessionDep,
    actor: AdminActor,
    filters: AuditFiltersDep,
    offset: Annotated[Count, Query()] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPage:
    total, rows = list_events(session=session, filters=filters, offset=offset, limit=limit)
    items = [
        AuditEventPublic.model_validate(
            {
                **event.model_dump(),
                "actor": name,
                "before": change.before if change else None,
                "after": change.after if change else None,
            }
        )
        for event, change, name in rows
    ]
    return AuditPage(total=total, offset=offset, limit=limit, items=items)


@router.get(
    "/export.csv",
    summary="Export the filtered audit log as CSV (admin)",
    response_class=StreamingResponse,
    responses=file_responses("text/csv"),
)
def export_audit(
    session: SessionDep,
    actor: AdminActor,
    filters: AuditFiltersDep,
) -> StreamingResponse:
    rows = audit_rows(session=session, filters=filters)
    return file_download(
        audit_csv_lines(rows), media_type="text/csv", filename="storybank-audit.csv"
    )
