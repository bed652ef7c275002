"""The admin pages' forms: grants, audit filters and pages, look-ups, erasing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from pydantic import Field, StringConstraints, field_validator

from storybank.audit import AuditFilters
from storybank.errors import FieldProblem, InvalidInput
from storybank.models import AuditChange, AuditEvent, Id, Role
from web.forms.dates import DateRangeQuery
from web.forms.story import FIELD_LABELS
from web.templating import LOCAL_TIME, ROLE_LABELS

AUDIT_PAGE_SIZE = 100
ROLE_OPTIONS = tuple((role.value, ROLE_LABELS[role]) for role in Role)
USER_LABELS = {
    "email": "Email address",
    "display_name": "Name",
    "password": "Password",
    "role": "Role",
    "unit_id": "Where",
    "grants": "Roles",
}
UNIT_LABELS = {"name": "Name", "level": "Level", "parent_id": "Part of"}
LOOKUP_LABELS = {"story_id": "Story number", "email": "Email address"}
ERASE_LABELS = {"reason": "Reason", "understood": "Confirmation"}
Filter = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]


def read_grant(form: Mapping[str, str]) -> tuple[str, int]:
    """The role and unit chosen on a grant form; each missing or unknown one is named."""
    problems = []
    role = form.get("role", "").strip()
    if role not in {r.value for r in Role}:
        problems.append(FieldProblem("role", "Choose a role from the list."))
    unit = form.get("unit_id", "").strip()
    if not _is_number(unit):
        problems.append(FieldProblem("unit_id", "Choose where they hold the role."))
    if problems:
        raise InvalidInput("Choose a role and where they hold it.", problems=problems)
    return role, int(unit)


def new_user_errors(form: Mapping[str, str]) -> dict[str, str]:
    """What the 'Add a user' form needs before the account service is asked."""
    errors: dict[str, str] = {}
    if not form.get("password"):
        errors["password"] = "Enter a password for the new account."
    return errors


def read_active(value: str | None) -> bool:
    """The hidden 'active' field of the enable/disable buttons."""
    if value not in ("true", "false"):
        raise InvalidInput(
            "This form could not be read. Go back, reload the page and try again.",
            problems=[FieldProblem("active", "Use the Enable or Disable button.")],
        )
    return value == "true"


def story_number(value: str | None) -> int | None:
    """A story number typed into a look-up form, or None if it is not one."""
    text = (value or "").strip().lstrip("#")
    return int(text) if _is_number(text) and int(text) > 0 else None


def _is_number(text: str) -> bool:
    """Plain digits that fit a database id."""
    return text.isascii() and text.isdigit() and len(text) < 10


def erase_errors(form: Mapping[str, str]) -> dict[str, str]:
    """What the erase form needs: a reason, and the box ticked to show it is understood."""
    errors: dict[str, str] = {}
    if not form.get("reason", "").strip():
        errors["reason"] = (
            "Give the reason for erasing, for example 'erasure request from the person, "
            "ref 2026-041'."
        )
    if form.get("understood") != "yes":
        errors["understood"] = "Tick the box to confirm you understand this cannot be undone."
    return errors


class AuditQuery(DateRangeQuery):
    """The audit log's filter form (a GET form); an empty field means 'any'. Dates are
    day, month and year boxes (or one day-first text), as on the story list."""

    actor_id: Id | None = None
    action: Filter | None = None
    entity: Filter | None = None
    entity_id: Filter | None = None
    page: int | None = Field(default=None, ge=1, le=100_000)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_any(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def page_number(self) -> int:
        return self.page or 1

    @property
    def offset(self) -> int:
        return (self.page_number - 1) * AUDIT_PAGE_SIZE

    @property
    def since(self) -> datetime | None:
        """The start of the 'from' day in UK time."""
        day = self.dates.get("date_from")
        return _uk_midnight(day) if day else None

    @property
    def until(self) -> datetime | None:
        """The last moment of the 'to' day in UK time."""
        day = self.dates.get("date_to")
        if day is None:
            return None
        return _uk_midnight(day + timedelta(days=1)) - timedelta(microseconds=1)

    def filters(self) -> AuditFilters:
        """The service's filters for this query."""
        chosen = self.model_dump(include={"actor_id", "action", "entity", "entity_id"})
        return AuditFilters(**chosen, since=self.since, until=self.until)

    def link(self, page: int) -> str:
        """This page's URL for another page of results, keeping every filter."""
        chosen = self.model_dump(mode="json", exclude={"page"}, exclude_none=True)
        return "/admin/audit?" + urlencode({**chosen, "page": page})

    @property
    def export_link(self) -> str:
        """The API's CSV export of the same events (dates become UTC times)."""
        chosen: dict[str, Any] = self.model_dump(
            include={"actor_id", "action", "entity", "entity_id"}, exclude_none=True
        )
        for name, moment in (("since", self.since), ("until", self.until)):
            if moment is not None:
                chosen[name] = moment.astimezone(UTC).isoformat()
        query = urlencode(chosen)
        return "/api/v1/audit/export.csv" + (f"?{query}" if query else "")

    @property
    def is_filtered(self) -> bool:
        return bool(self.model_dump(exclude={"page"}, exclude_none=True))


def _uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TIME)


@dataclass(frozen=True)
class FieldChange:
    """One field of an audited edit: its label, and its value before and after."""

    label: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditLine:
    """One row of the audit page."""

    event: AuditEvent
    actor_name: str | None
    details: str
    changes: list[FieldChange]


def audit_lines(
    rows: Iterable[tuple[AuditEvent, AuditChange | None, str | None]],
) -> list[AuditLine]:
    """The service's audit rows, ready to show: compact details and each changed field."""
    return [
        AuditLine(event, name, compact(event.details), _changes(change))
        for event, change, name in rows
    ]


def compact(details: Mapping[str, Any]) -> str:
    """Details as 'key: value; key: value', lists joined by commas."""
    return "; ".join(f"{key}: {_shown(value)}" for key, value in sorted(details.items()))


def _changes(change: AuditChange | None) -> list[FieldChange]:
    if change is None:
        return []
    names = sorted(set(change.before) | set(change.after))
    return [
        FieldChange(
            FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
            _shown(change.before.get(name)),
            _shown(change.after.get(name)),
        )
        for name in names
    ]


def _shown(value: Any) -> str:
    if value is None or value in ("", []):
        return "(empty)"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
