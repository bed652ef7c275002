"""Exporting the story register as CSV or XLSX: what the actor may read, a page at a time."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlmodel import Session, col, select

from storybank.access import Actor, reads_original
from storybank.audit import record_event
from storybank.codebook import list_codes
from storybank.models import CodeKind, CodePublic, Story, Unit, User
from storybank.register.cells import EXPORT_FAILED, spreadsheet_safe
from storybank.register.columns import EXPORTED, Column, Kind, choice_label
from storybank.stories import StoryFilters, as_shown, confirmed_codes, list_stories
from storybank.units import parent_names

Row = dict[str, Any]
Target = str | Path | IO[bytes] | IO[str]
PAGE_SIZE = 500
CHUNK_BYTES = 64 * 1024
BOLD = Font(bold=True)
WRAPPED = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
FORMATS = {
    Kind.date: "dd/mm/yyyy",
    Kind.timestamp: "dd/mm/yyyy hh:mm:ss",
    Kind.money: '"£"#,##0.00',
}
CODEBOOK_COLUMNS = (("key", 28), ("kind", 10), ("number", 8), ("label", 45), ("description", 90))


def export_register(
    *, session: Session, actor: Actor, filters: StoryFilters, page_size: int | None = None
) -> Iterator[Row]:
    """The register rows of every story the actor may read that matches the filters.

    The first page (of PAGE_SIZE) is read at once, so a query that cannot run fails
    here, before a download has started; later pages are read as rows are consumed.
    """
    page_size = page_size or PAGE_SIZE
    first = _page_rows(session, actor, filters, 0, page_size)
    return _every_row(session, actor, filters, first, page_size)


def _page_rows(
    session: Session, actor: Actor, filters: StoryFilters, offset: int, limit: int
) -> list[Row]:
    stories = list_stories(
        session=session, actor=actor, filters=filters, offset=offset, limit=limit
    ).stories
    shown = as_shown(session=session, actor=actor, stories=stories)
    return list(_register_rows(session, actor, shown))


def _every_row(
    session: Session, actor: Actor, filters: StoryFilters, first: list[Row], page_size: int
) -> Iterator[Row]:
    page, offset = first, 0
    while True:
        yield from page
        if len(page) < page_size:
            return
        offset += page_size
        page = _page_rows(session, actor, filters, offset, page_size)


def _register_rows(session: Session, actor: Actor, stories: list[Story]) -> Iterator[Row]:
    """One page of stories as rows keyed by column name (choices as their labels). Read
    from outside its site, a story's row carries no author email (only inside the site,
    where an admin's re-import keeps authors, is it needed)."""
    site_ids = {s.site_id for s in stories}
    sites = {s.id: s for s in session.exec(select(Unit).where(col(Unit.id).in_(site_ids)))}
    regions = parent_names(session=session)
    author_ids = {s.author_id for s in stories}
    authors = {
        user_id: (name, email)
        for user_id, name, email in session.exec(
            select(User.id, User.display_name, User.email).where(col(User.id).in_(author_ids))
        ).all()
    }
    codes = confirmed_codes(session=session, story_ids=[s.id for s in stories])
    for story in stories:
        site = sites[story.site_id]
        refs = codes.get(story.id or 0, [])
        author, author_email = authors.get(story.author_id, ("", ""))
        if not reads_original(actor, story.site_id):
            author_email = ""
        yield {
            **{c.name: _story_value(c, story) for c in EXPORTED},
            "id": story.id,
            "site": site.name,
            "region": regions.get(story.site_id, ""),
            "author": author,
            "author_email": author_email,
            "weekly_cost_change": _difference(story.weekly_cost_before, story.weekly_cost_after),
            "outcomes": "; ".join(str(r.number) for r in refs if r.kind == CodeKind.outcome),
            "themes": "; ".join(r.key for r in refs if r.kind == CodeKind.theme),
        }


def _story_value(column: Column, story: Story) -> Any:
    value = getattr(story, column.name, None)
    if column.kind == Kind.choice:
        return choice_label(value) or None
    if column.kind == Kind.solutions:
        return "; ".join(value or [])
    return value


def _difference(before: Decimal | None, after: Decimal | None) -> Decimal | None:
    return None if before is None or after is None else after - before


def record_export(*, session: Session, actor: Actor, filters: StoryFilters, format: str) -> None:
    """Audit that the register left storybank (which filters, not which text)."""
    chosen = {
        name: str(value)
        for name, value in vars(filters).items()
        if value is not None and name not in ("q", "sort")
    }
    record_event(
        session=session,
        actor=actor.user,
        action="register.export",
        entity="register",
        entity_id=format,
        details={"filters": chosen, "search": bool(filters.q)},
    )
    session.commit()


def register_filename(format: str, day: date | None = None) -> str:
    """The file name of an export made on `day` (today by default)."""
    return f"story-register-{(day or date.today()):%Y%m%d}.{format}"


def export_to_folder(
    *,
    session: Session,
    actor: Actor,
    filters: StoryFilters,
    formats: Sequence[str],
    folder: Path,
    day: date | None = None,
) -> list[tuple[Path, int]]:
    """Write the register as dated CSV and/or XLSX files in a folder; each path and row count."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for format in formats:
        record_export(session=session, actor=actor, filters=filters, format=format)
        rows = export_register(session=session, actor=actor, filters=filters)
        path = folder / register_filename(format, day)
        if format == "csv":
            count = write_csv(rows, path)
        else:
            count = write_xlsx(rows, path, codes=codebook_for_export(session=session))
        written.append((path, count))
    return written


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """The CSV text line by line, starting with a byte-order mark so Excel reads UTF-8.

    If reading the rows fails part-way, the last line says the file is incomplete
    before the error goes on (so a download is never cut short silently).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in EXPORTED])
    yield "\ufeff" + _drain(buffer)
    try:
        for row in rows:
            writer.writerow([_csv_cell(row.get(c.name)) for c in EXPORTED])
            yield _drain(buffer)
    except Exception:
        yield f"{EXPORT_FAILED}\r\n"
        raise


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return spreadsheet_safe(str(value))


def write_csv(rows: Iterable[Row], target: Target) -> int:
    """Write the rows as CSV (UTF-8 with BOM) to a path or stream; returns how many."""
    counted = _Counter(rows)
    if isinstance(target, str | Path):
        with open(target, "w", encoding="utf-8", newline="") as stream:
            stream.writelines(csv_lines(counted))
    elif isinstance(target, io.TextIOBase):
        target.writelines(csv_lines(counted))
    else:
        for line in csv_lines(counted):
            target.write(line.encode("utf-8"))  # type: ignore[arg-type]
    return counted.count


def csv_chunks(rows: Iterable[Row]) -> Iterator[bytes]:
    """The CSV file as UTF-8 bytes, a line at a time (for streaming responses)."""
    for line in csv_lines(rows):
        yield line.encode("utf-8")


def write_xlsx(rows: Iterable[Row], target: Target, *, codes: Sequence[CodePublic] = ()) -> int:
    """Write the rows and a Codebook sheet as an XLSX workbook; returns how many rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Story register")
    _prepare(sheet, [c.width for c in EXPORTED], [c.header for c in EXPORTED])
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, c, row.get(c.name)) for c in EXPORTED])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(EXPORTED))}{count + 1}"
    _codebook_sheet(book, codes)
    book.save(target)  # type: ignore[arg-type]
    return count


def xlsx_chunks(rows: Iterable[Row], *, codes: Sequence[CodePublic] = ()) -> Iterator[bytes]:
    """The XLSX file in chunks, built in a spooled temporary file (zip needs the whole)."""
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        write_xlsx(rows, spool, codes=codes)
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk


def codebook_for_export(*, session: Session) -> list[CodePublic]:
    """The active codes, listed on the Codebook sheet of an XLSX export."""
    return list_codes(session=session)


def _prepare(sheet: WriteOnlyWorksheet, widths: list[int], headers: list[str]) -> None:
    """Column widths, a frozen bold header row."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = BOLD
        header.append(cell)
    sheet.append(header)


def _xlsx_cell(sheet: WriteOnlyWorksheet, column: Column, value: Any) -> Any:
    if isinstance(value, datetime):
        value = value.astimezone(UTC).replace(tzinfo=None)  # Excel has no time zones
    elif isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, never a formula, whatever it starts with
    if column.kind in FORMATS and value is not None:
        cell.number_format = FORMATS[column.kind]
    cell.alignment = WRAPPED if column.kind in (Kind.long_text, Kind.solutions) else TOP
    return cell


def _codebook_sheet(book: Workbook, codes: Sequence[CodePublic]) -> None:
    sheet = book.create_sheet("Codebook")
    _prepare(sheet, [w for _, w in CODEBOOK_COLUMNS], [name for name, _ in CODEBOOK_COLUMNS])
    for code in codes:
        description = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", code.description))
        description.alignment = WRAPPED
        sheet.append([code.key, code.kind, code.number, code.label, description])


class _Counter:
    """Counts the rows as a writer consumes them."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Row]:
        for row in self.rows:
            self.count += 1
            yield row
