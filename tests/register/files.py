"""Register files for tests: rows written as real CSV or XLSX files and read back as bytes."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HEADERS = [
    "site",
    "author_email",
    "title",
    "perspective",
    "contact_route",
    "what_mattered",
    "what_happened",
    "what_changed",
    "before_cls",
    "community_solutions",
    "why_significant",
    "story_type",
    "change_date",
    "weekly_cost_before",
    "weekly_cost_after",
    "consent_level",
    "status",
    "outcomes",
    "themes",
]


def good_row(site: str, **overrides: Any) -> dict[str, Any]:
    """A complete, submittable register row for a site."""
    row: dict[str, Any] = {
        "site": site,
        "title": "Joan found the lunch club",
        "perspective": "individual",
        "contact_route": "Walked into a community hub",
        "what_mattered": "Getting out of the house and seeing people again.",
        "what_happened": "Joan popped into the library hub and met a community agent.",
        "what_changed": "She goes to the lunch club every Tuesday.",
        "before_cls": "She would have waited weeks for an assessment.",
        "community_solutions": "lunch club; walking group",
        "why_significant": "She says she feels like herself again.",
        "story_type": "success",
        "change_date": "2026-03-14",
        "weekly_cost_before": "£1,126.50",
        "weekly_cost_after": "1000",
        "consent_level": "programme_anonymised",
        "status": "submitted",
        "outcomes": "1; 3",
        "themes": "community_hub, reduced_isolation",
    }
    row.update(overrides)
    return row


def write_csv_file(
    path: Path, rows: list[dict[str, Any]], headers: list[str] | None = None, bom: bool = False
) -> bytes:
    """Write rows as a CSV file (optionally with a BOM) and return its bytes."""
    headers = headers or HEADERS
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if row.get(h) is None else row.get(h) for h in headers])
    return path.read_bytes()


def write_xlsx_file(
    path: Path, rows: list[dict[str, Any]], headers: list[str] | None = None
) -> bytes:
    """Write rows to the first sheet of an XLSX workbook and return its bytes."""
    headers = headers or HEADERS
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    book.save(path)
    return path.read_bytes()
