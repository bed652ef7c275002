"""Reading an uploaded register file (CSV UTF-8 or the first sheet of an XLSX) into rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from openpyxl import load_workbook

from storybank.errors import InvalidInput, TooLarge, UnsupportedFile

ZIP_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
SUFFIXES = {".csv": "csv", ".xlsx": "xlsx"}


@dataclass
class SheetRow:
    """One data row: its number as a person sees it in the spreadsheet, and its cells."""

    number: int
    cells: list[Any]


@dataclass
class Sheet:
    """The header row (row 1) and the non-blank data rows below it."""

    format: str
    headers: list[str]
    rows: list[SheetRow] = field(default_factory=list)


def file_format(filename: str, content: bytes) -> str:
    """'csv' or 'xlsx', from the file name and the content; UnsupportedFile otherwise."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xls" or content.startswith(OLD_EXCEL_MAGIC):
        raise UnsupportedFile(
            "Old Excel files (.xls) cannot be read. Save the sheet as .xlsx or as CSV UTF-8."
        )
    if suffix in SUFFIXES:
        return "xlsx" if content.startswith(ZIP_MAGIC) else SUFFIXES[suffix]
    if suffix == "" and content.startswith(ZIP_MAGIC):
        return "xlsx"
    if suffix in ("", ".txt"):
        return "csv"
    raise UnsupportedFile(
        f"A {suffix} file cannot be imported. Upload the story register as CSV (UTF-8) "
        "or as an Excel workbook (.xlsx)."
    )


def parse_rows(filename: str, content: bytes, *, max_rows: int = 20_000) -> Sheet:
    """The header and data rows of a CSV or XLSX file; blank rows are skipped."""
    if not content.strip():
        raise InvalidInput("The file is empty.")
    kind = file_format(filename, content)
    lines = _xlsx_lines(content) if kind == "xlsx" else _csv_lines(content)
    header = next(lines, None)
    if header is None:
        raise InvalidInput("The file is empty.")
    sheet = Sheet(format=kind, headers=[_header_text(cell) for cell in header])
    for number, cells in enumerate(lines, start=2):
        if not any(_present(cell) for cell in cells):
            continue
        if len(sheet.rows) >= max_rows:
            raise TooLarge(
                f"The file has more than {max_rows:,} stories. Split it into smaller files."
            )
        sheet.rows.append(SheetRow(number=number, cells=list(cells)))
    return sheet


def _csv_lines(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnsupportedFile(
            "The file is not UTF-8 text. In Excel choose Save As, then "
            "'CSV UTF-8 (Comma delimited)', or upload the .xlsx workbook instead."
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        yield from reader
    except csv.Error as error:
        raise InvalidInput(
            f"The CSV file cannot be read near line {reader.line_num}: {error}."
        ) from None


def _xlsx_lines(content: bytes) -> Iterator[Iterable[Any]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    # openpyxl raises many kinds of error for a damaged or foreign zip; all mean the same.
    except Exception:
        raise UnsupportedFile(
            "The file cannot be read as an Excel workbook (.xlsx). Save it again from "
            "Excel, or upload it as CSV UTF-8."
        ) from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers record wrong dimensions; read every row
        yield from sheet.iter_rows(values_only=True)
    finally:
        book.close()


def _header_text(cell: Any) -> str:
    return "" if cell is None else str(cell).replace("\ufeff", "").strip()


def _present(cell: Any) -> bool:
    return cell is not None and str(cell).strip() != ""
