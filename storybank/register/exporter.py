"""Exporting the story register as CSV or XLSX: what the actor may read, a page at a time."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
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
from storybank.models import Code, CodeKind, CodePublic, Unit, User
from storybank.register.cells import EXPORT_FAILED, spreadsheet_safe
from storybank.register.columns import EXPORTED, Column, Kind, choice_label
from storybank.review.final import final_code_ids
from storybank.review.final_table import MAX_BIT
from storybank.stories import StoryFilters
from storybank.stories.streaming import StoryRow, story_row_pages
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
# Each exported column's name and kind, in order.
EXPORTED_KINDS = tuple((c.name, c.kind) for c in EXPORTED)
CODEBOOK_COLUMNS = (("key", 28), ("kind", 10), ("number", 8), ("label", 45), ("description", 90))


def export_register(
    *, session: Session, actor: Actor, filters: StoryFilters, page_size: int | None = None
) -> Iterator[Row]:
    """The register rows of every story the actor may read that matches the filters.

    The first page (of PAGE_SIZE) is read at once, so a query that cannot run fails
    here, before a download has started; later pages are read as rows are consumed,
    each by one query seeking past the page before, with its codes in one more.
    """
    pages = story_row_pages(
        session=session, actor=actor, filters=filters, page_size=page_size or PAGE_SIZE
    )
    names = _Names.load(session)
    first = _page_rows(session, actor, names, pages)
    return _every_row(session, actor, names, first, pages)


def _page_rows(
    session: Session, actor: Actor, names: _Names, pages: Iterator[list[StoryRow]]
) -> list[Row]:
    """The register rows of the next page of stories ([] after the last)."""
    return list(_register_rows(session, actor, names, next(pages, [])))


def _every_row(
    session: Session,
    actor: Actor,
    names: _Names,
    first: list[Row],
    pages: Iterator[list[StoryRow]],
) -> Iterator[Row]:
    page = first
    while page:
        yield from page
        page = _page_rows(session, actor, names, pages)


@dataclass
class _Names:
    """What an export reads once: the names of sites and their regions, and the codebook's
    cells in codebook order (outcome numbers, theme keys) by code id."""

    sites: dict[int, str]
    regions: dict[int, str]
    outcomes: list[tuple[int, str]]
    themes: list[tuple[int, str]]

    @classmethod
    def load(cls, session: Session) -> _Names:
        """Every unit's name, every site's region name, and every code's cell."""
        sites = {unit_id or 0: name for unit_id, name in session.exec(select(Unit.id, Unit.name))}
        codes = session.exec(
            select(Code).order_by(col(Code.kind), col(Code.sort_order), col(Code.id))
        )
        outcomes, themes = [], []
        for code in codes.all():
            if code.kind == CodeKind.outcome:
                outcomes.append((code.id or 0, str(code.number)))
            else:
                themes.append((code.id or 0, code.key))
        return cls(sites, parent_names(session=session), outcomes, themes)

    @property
    def in_code_sets(self) -> bool:
        """Whether every code fits stories.code_set, so a story's final codes are its bits."""
        return all(code_id <= MAX_BIT for code_id, _ in (*self.outcomes, *self.themes))


def _register_rows(
    session: Session, actor: Actor, names: _Names, stories: list[StoryRow]
) -> Iterator[Row]:
    """One page of stories as rows keyed by column name (choices as their labels). Read
    from outside its site, a story's row carries no author email (only inside the site,
    where an admin's re-import keeps authors, is it needed)."""
    if not stories:
        return
    author_ids = {s["author_id"] for s in stories}
    authors = {
        user_id: (name, email)
        for user_id, name, email in session.exec(
            select(User.id, User.display_name, User.email).where(col(User.id).in_(author_ids))
        ).all()
    }
    if names.in_code_sets:
        codes = {s["id"]: _bit_cells(names, s["code_set"]) for s in stories}
    else:
        codes = _code_cells(session, names, [s["id"] for s in stories])
    for story in stories:
        author, author_email = authors.get(story["author_id"], ("", ""))
        if not reads_original(actor, story["site_id"]):
            author_email = ""
        outcomes, themes = codes.get(story["id"], ("", ""))
        yield {
            **{name: _story_value(kind, story.get(name)) for name, kind in EXPORTED_KINDS},
            "site": names.sites[story["site_id"]],
            "region": names.regions.get(story["site_id"], ""),
            "author": author,
            "author_email": author_email,
            "weekly_cost_change": _difference(
                story["weekly_cost_before"], story["weekly_cost_after"]
            ),
            "outcomes": outcomes,
            "themes": themes,
        }


def _code_cells(
    session: Session, names: _Names, story_ids: list[int]
) -> dict[int, tuple[str, str]]:
    """Each story's final codes (storybank/review/final.py) as the register's two cells,
    gathered for the whole page of stories at once (when code ids do not fit a bit set)."""
    finals = final_code_ids(session=session, story_ids=story_ids)
    return {story_id: _cells(names, final.__contains__) for story_id, final in finals.items()}


def _bit_cells(names: _Names, code_set: int | None) -> tuple[str, str]:
    """The register's two code cells from a story's stored final code set (no query)."""
    if not code_set:
        return "", ""
    return _cells(names, lambda code_id: bool(code_set >> code_id & 1))


def _cells(names: _Names, has: Callable[[int], bool]) -> tuple[str, str]:
    """The outcome numbers and theme keys a story has, in codebook order."""
    return (
        "; ".join(text for code_id, text in names.outcomes if has(code_id)),
        "; ".join(text for code_id, text in names.themes if has(code_id)),
    )


def _story_value(kind: Kind, value: Any) -> Any:
    if kind == Kind.choice:
        return choice_label(value) or None
    if kind == Kind.solutions:
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
    """The CSV text in whole lines, starting with a byte-order mark so Excel reads UTF-8.

    If reading the rows fails part-way, the last line says the file is incomplete
    before the error goes on (so a download is never cut short silently).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in EXPORTED])
    yield "\ufeff" + _drain(buffer)
    names = [c.name for c in EXPORTED]
    try:
        # Lines are handed on a chunk at a time, not one string per row.
        for row in rows:
            writer.writerow([_csv_cell(row.get(name)) for name in names])
            if buffer.tell() >= CHUNK_BYTES:
                yield _drain(buffer)
    except Exception:
        yield _drain(buffer) + f"{EXPORT_FAILED}\r\n"
        raise
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _csv_cell(value: Any) -> str:
    if value.__class__ is str:
        return spreadsheet_safe(value)
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
    """The CSV file as UTF-8 bytes in chunks of about CHUNK_BYTES (for streaming
    responses); the lines written before a failure are sent before the error goes on."""
    pending: list[str] = []
    size = 0
    try:
        for line in csv_lines(rows):
            pending.append(line)
            size += len(line)
            if size >= CHUNK_BYTES:
                yield "".join(pending).encode("utf-8")
                pending, size = [], 0
    except Exception:
        yield "".join(pending).encode("utf-8")
        raise
    if pending:
        yield "".join(pending).encode("utf-8")


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
