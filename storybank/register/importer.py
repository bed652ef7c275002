"""Importing the story register: check every row, then write all of them or none."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy import update as sql_update
from sqlmodel import Session, col

from storybank.access import Actor, require_role
from storybank.audit import NewEvent, record_event, record_events
from storybank.bulk import add_pairs, insert_rows, refresh_plans
from storybank.config import Settings, get_settings
from storybank.errors import Conflict, FieldProblem, InvalidInput, TooLarge
from storybank.models import (
    AuditChange,
    AuditEvent,
    Coding,
    CodingSource,
    Role,
    Story,
    StoryFinalCode,
    StoryStatus,
    new_reference,
    utcnow,
)
from storybank.register import cells
from storybank.register.columns import COLUMNS, KEPT_FOR_ADMINS, Column, find_column
from storybank.register.matches import (
    PlannedUpdate,
    StoryMatch,
    check_match,
    stories_by_reference,
)
from storybank.register.rows import PlannedStory, Problems, RowChecker
from storybank.register.sheets import Sheet, SheetRow, parse_rows
from storybank.review.final_table import code_set_of, insert_final_codes
from storybank.stories.deidentifying import lapse_confirmation

__all__ = [
    "ImportProblem",
    "ImportRejected",
    "ImportReport",
    "StoryMatch",
    "check_import",
    "import_stories",
    "parse_rows",
]

log = logging.getLogger("storybank.register")
Progress = Callable[[int, int], None]
HEADER_ROW = 1
BATCH_SIZE = 500  # stories inserted per statement
STORIES = Story.__table__  # type: ignore[attr-defined]
CODINGS = Coding.__table__  # type: ignore[attr-defined]
FINAL_CODES = StoryFinalCode.__table__  # type: ignore[attr-defined]
# What a bulk import fills, whose foreign-key plans are refreshed after its first batch.
FILLED = (STORIES, CODINGS, FINAL_CODES, AuditEvent.__table__, AuditChange.__table__)  # type: ignore[attr-defined]
# Each story column's default, so that every row of a bulk insert names every column.
STORY_DEFAULTS = {
    name: field.get_default(call_default_factory=True)
    for name, field in Story.model_fields.items()
    if name != "id"
}
NOT_KEPT_NOTE = (
    "Only an admin's import keeps the file's author_email, submitted_at and withdrawn_at: "
    "you become the author of every new story, and its submitted and withdrawn times are "
    "the time of the import."
)


@dataclass
class ImportProblem:
    """One bad cell: the spreadsheet row (header = 1), the column and what is wrong."""

    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What a check (or an import) found: every problem and how many rows are good."""

    format: str
    rows: int
    good_rows: int
    problems: list[ImportProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    matches: list[StoryMatch] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    created_story_ids: list[int] = field(default_factory=list)
    updated_story_ids: list[int] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        """How many data rows have at least one problem."""
        return len({p.row for p in self.problems if p.row > HEADER_ROW})


@dataclass
class Plan:
    """What a good file will write: new stories and updates of matched ones."""

    new: list[PlannedStory] = field(default_factory=list)
    updates: list[PlannedUpdate] = field(default_factory=list)


@dataclass
class ImportRejected(InvalidInput):
    """An import with bad rows: nothing was written; `report` lists every problem."""

    code: str = "import_rejected"
    report: ImportReport | None = None


def check_import(
    *,
    session: Session,
    actor: Actor,
    filename: str,
    content: bytes,
    update: bool = False,
    settings: Settings | None = None,
) -> ImportReport:
    """Check a register file without writing anything: every bad row, and the good count.

    Rows whose reference matches a story are listed in `matches`: skipped, or (with
    `update`) the story's fields updated from the row.
    """
    report, _ = _examine(session, actor, filename, content, update, settings or get_settings())
    session.rollback()
    return report


def import_stories(
    *,
    session: Session,
    actor: Actor,
    filename: str,
    content: bytes,
    update: bool = False,
    progress: Progress | None = None,
    settings: Settings | None = None,
) -> ImportReport:
    """Write every story of a register file in one transaction, or none if any row is bad.

    A row matching an existing story by reference is skipped or, with `update`, updates it.
    `progress(done, total)` is called after each batch of new stories is written.
    """
    settings = settings or get_settings()
    report, plan = _examine(session, actor, filename, content, update, settings)
    planned = plan.new
    if report.problems:
        session.rollback()
        raise ImportRejected(
            _rejection(report),
            problems=[FieldProblem(f"row {p.row}: {p.column}", p.message) for p in report.problems],
            report=report,
        )
    try:
        now = utcnow()
        report.updated_story_ids = _write_updates(session, actor, plan.updates, now)
        for start in range(0, len(planned), BATCH_SIZE):
            batch = planned[start : start + BATCH_SIZE]
            report.created_story_ids.extend(_write_batch(session, actor, batch, now))
            if start == 0:
                refresh_plans(session, FILLED)
            if progress:
                progress(len(report.created_story_ids), len(planned))
        _record_import(session, actor, report, planned, content)
        session.commit()
    except BaseException:
        session.rollback()
        report.created_story_ids.clear()
        report.updated_story_ids.clear()
        raise
    log.info(
        "register import by user %s: %d stories written, %d updated",
        actor.id,
        len(planned),
        len(plan.updates),
    )
    return report


def _rejection(report: ImportReport) -> str:
    rows = f" in {report.bad_rows} row(s)" if report.bad_rows else ""
    return f"The file has {len(report.problems)} problem(s){rows}; nothing was imported."


def _examine(
    session: Session, actor: Actor, filename: str, content: bytes, update: bool, settings: Settings
) -> tuple[ImportReport, Plan]:
    require_role(actor, Role.staff)
    if len(content) > settings.max_import_bytes:
        raise TooLarge(
            f"The file is larger than the limit of {settings.max_import_bytes:,} bytes. "
            "Split it into smaller files."
        )
    sheet = parse_rows(filename, content, max_rows=settings.max_import_rows)
    columns, problems, ignored = _read_header(sheet)
    report = ImportReport(format=sheet.format, rows=len(sheet.rows), good_rows=0)
    report.problems, report.ignored_columns = problems, ignored
    if not sheet.rows:
        report.problems.append(ImportProblem(2, "", "There are no stories below the header row."))
    if not any(c.name == "site" for c in columns.values()):
        return report, Plan()
    if not actor.is_admin and any(c.name in KEPT_FOR_ADMINS for c in columns.values()):
        report.notes.append(NOT_KEPT_NOTE)
    return report, _check_rows(session, actor, report, columns, sheet.rows, update)


def _check_rows(
    session: Session,
    actor: Actor,
    report: ImportReport,
    columns: dict[int, Column],
    rows: list[SheetRow],
    update: bool,
) -> Plan:
    """Check each row as a new story, or as a match of the story holding its reference."""
    checker = RowChecker.load(session, actor)
    raw_rows = [(row.number, _cells_of(columns, row)) for row in rows]
    existing = stories_by_reference(
        session=session, references=filter(None, (_reference_of(raw) for _, raw in raw_rows))
    )
    plan = Plan()
    for number, raw in raw_rows:
        story = existing.get(_reference_of(raw) or "")
        if story is None:
            new, found = checker.check(number, raw)
            plan.new.extend([new] if new else [])
        else:
            found = _check_matching_row(checker, number, raw, story, update, report, plan)
        report.problems.extend(ImportProblem(number, name, text) for name, text in found)
        report.good_rows += not found
    return plan


def _check_matching_row(
    checker: RowChecker,
    number: int,
    raw: dict[str, Any],
    story: Story,
    update: bool,
    report: ImportReport,
    plan: Plan,
) -> Problems:
    """Check a row matching `story`; list the match (and plan its update) if it is good."""
    found: Problems = []
    checker.claim_reference(number, story.reference, found)
    match, change, problems = check_match(checker, number, raw, story, update=update)
    found.extend(problems)
    if not found and match is not None:
        report.matches.append(match)
        plan.updates.extend([change] if change else [])
    return found


def _reference_of(raw: dict[str, Any]) -> str | None:
    """The row's reference, if it has a readable one (a bad one is reported by the checks)."""
    try:
        return cells.read_reference(raw.get("reference"))
    except cells.CellProblem:
        return None


def _read_header(sheet: Sheet) -> tuple[dict[int, Column], list[ImportProblem], list[str]]:
    """Which column each header names; problems with the header; export-only columns."""
    columns: dict[int, Column] = {}
    problems: list[ImportProblem] = []
    ignored: list[str] = []
    known = ", ".join(c.name for c in COLUMNS if c.imported)
    filled = _filled_columns(sheet) if not all(sheet.headers) else set()
    for index, header in enumerate(sheet.headers):
        column = find_column(header) if header else None
        if not header:
            if index in filled:
                problems.append(
                    ImportProblem(
                        HEADER_ROW,
                        f"column {get_column_letter(index + 1)}",
                        "This column has values but no header.",
                    )
                )
        elif column is None:
            problems.append(
                ImportProblem(HEADER_ROW, header, f"Unknown column. The columns are: {known}.")
            )
        elif column in columns.values():
            problems.append(ImportProblem(HEADER_ROW, header, "This column appears twice."))
        elif not column.imported:
            ignored.append(header)
        else:
            columns[index] = column
    if not any(c.name == "site" for c in columns.values()):
        problems.append(ImportProblem(HEADER_ROW, "site", "The file needs a site column."))
    return columns, problems, ignored


def _filled_columns(sheet: Sheet) -> set[int]:
    """The positions of the columns holding at least one value."""
    return {
        index
        for row in sheet.rows
        for index, cell in enumerate(row.cells)
        if cells.cell_text(cell) != ""
    }


def _cells_of(columns: dict[int, Column], row: SheetRow) -> dict[str, Any]:
    return {
        column.name: row.cells[index] if index < len(row.cells) else None
        for index, column in columns.items()
    }


def _write_batch(
    session: Session, actor: Actor, batch: list[PlannedStory], now: datetime
) -> list[int]:
    """Insert a batch of stories, their codings and their audit events, a statement each."""
    rows = [_new_story(actor, plan, now) for plan in batch]
    story_ids = insert_rows(session, STORIES, rows)
    pairs = [
        (story_id, code)
        for story_id, plan in zip(story_ids, batch, strict=True)
        for code in plan.code_ids
    ]
    add_pairs(
        session,
        CODINGS,
        ("story_id", "code_id"),
        pairs,
        {"coder_id": actor.id, "source": CodingSource.manual.value, "created_at": now},
    )
    # New stories have no review assignments: their final codes are their codings.
    insert_final_codes(session, pairs)
    events = [
        _import_event(story_id, row["reference"], plan)
        for story_id, row, plan in zip(story_ids, rows, batch, strict=True)
    ]
    record_events(session=session, actor=actor.user, events=events)
    return story_ids


def _import_event(story_id: int, reference: str, plan: PlannedStory) -> NewEvent:
    """The audit event of one imported story (its text only in the erasable `after`)."""
    return NewEvent(
        action="story.import",
        entity="story",
        entity_id=story_id,
        details={
            "reference": reference,
            "site_id": plan.site_id,
            "author_id": plan.author_id,
            "status": plan.status,
            "consent_level": plan.consent_level,
            "fields": sorted(plan.values),
            "codes": plan.code_keys,
            "row": plan.row,
        },
        after=_jsonable(plan.values),
        story_id=story_id,
    )


def _write_updates(
    session: Session, actor: Actor, updates: list[PlannedUpdate], now: datetime
) -> list[int]:
    """Update each matched story's fields if no one changed it since the check; audited."""
    for change in updates:
        result = session.execute(
            sql_update(Story)
            .where(col(Story.id) == change.story_id, col(Story.version) == change.version)
            .values(**change.changes, version=change.version + 1, updated_at=now)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(
                f"Story {change.story_id} (row {change.row}) changed during the import; "
                "nothing was imported. Try again.",
                code="stale_version",
            )
        record_event(
            session=session,
            actor=actor.user,
            action="story.import_update",
            entity="story",
            entity_id=change.story_id,
            details={"fields": sorted(change.changes), "row": change.row},
            before=_jsonable(change.before),
            after=_jsonable(change.changes),
            story_id=change.story_id,
        )
        story = session.get(Story, change.story_id)
        if story is not None:
            lapse_confirmation(
                session=session, actor=actor, story=story, fields=list(change.changes)
            )
    return [change.story_id for change in updates]


def _new_story(actor: Actor, plan: PlannedStory, now: datetime) -> dict[str, Any]:
    """The stories row of a planned story (every column, for a bulk insert)."""
    consented = plan.consent_level is not None
    submitted = plan.submitted_at or (now if plan.status == StoryStatus.submitted else None)
    withdrawn = plan.withdrawn_at or (now if plan.status == StoryStatus.withdrawn else None)
    return {
        **STORY_DEFAULTS,
        **plan.values,
        "reference": plan.reference or new_reference(),
        "site_id": plan.site_id,
        "author_id": plan.author_id,
        "status": plan.status,
        "consent_level": plan.consent_level,
        "consent_recorded_by_id": actor.id if consented else None,
        "consent_recorded_at": now if consented else None,
        "submitted_at": submitted,
        "withdrawn_at": withdrawn,
        "created_at": now,
        "updated_at": now,
        # New stories' final codes are their codings (see _write_batch).
        "code_set": code_set_of(plan.code_ids),
    }


def _record_import(
    session: Session,
    actor: Actor,
    report: ImportReport,
    planned: list[PlannedStory],
    content: bytes,
) -> None:
    digest = hashlib.sha256(content).hexdigest()
    record_event(
        session=session,
        actor=actor.user,
        action="register.import",
        entity="register",
        entity_id=digest[:16],
        details={
            "format": report.format,
            "stories": len(planned),
            "updated": len(report.updated_story_ids),
            "skipped": sum(m.action == "skip" for m in report.matches),
            "site_ids": sorted({p.site_id for p in planned}),
            "sha256": digest,
        },
    )


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: str(value) if isinstance(value, date | Decimal) else value
        for name, value in values.items()
    }
