"""Every insight as a plain table (title, headings, rows) and a chart, and the table as CSV
or XLSX: what the page shows is what the downloads hold."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from storybank.insights.charts import (
    Bar,
    Chart,
    Interval,
    bar_chart,
    heat_map,
    interval_chart,
    line_chart,
)
from storybank.insights.cooccurrence import CoOccurrence
from storybank.insights.crosstabs import CrossTab
from storybank.insights.frequencies import Frequencies
from storybank.insights.panels import PanelValues
from storybank.insights.value import RecordedValue


@dataclass
class Table:
    """A titled table of plain values."""

    title: str
    headings: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""


def _kind_title(kind: str) -> str:
    return "Outcomes" if kind == "outcome" else "Themes"


def _pct(share: float) -> str:
    return f"{round(100 * share)}%"


def frequencies_table(found: Frequencies) -> Table:
    """Code, kind, stories, denominator, share (and suggested, when counted)."""
    headings = ["code", "kind", "stories", "of coded stories", "share"]
    if found.pending.include:
        headings.insert(3, "suggested (pending)")
    table = Table("Stories carrying each code", headings)
    for c in found.codes:
        row = [c.code.name, c.code.kind, c.count, c.denominator, _pct(c.share)]
        if found.pending.include:
            row.insert(3, c.suggested)
        table.rows.append(row)
    table.note = (
        f"{found.coded} of {found.stories} stories in the filter have final codes; "
        f"{found.awaiting} are awaiting review."
    )
    return table


def frequencies_chart(found: Frequencies, kind: str) -> Chart:
    """Bars of each outcome's (or theme's) share, with count/denominator printed."""
    bars = [
        Bar(c.code.name, c.share, c.count + c.suggested, c.denominator)
        for c in found.codes
        if c.code.kind == kind
    ]
    what = "outcome" if kind == "outcome" else "theme"
    return bar_chart(
        title=f"Stories showing each {what}",
        description=(
            f"Share of the {found.denominator} coded stories in the filter carrying each {what}; "
            f"{found.awaiting} stories are awaiting review. The table beside it has every figure."
        ),
        bars=bars,
        value_label="share of coded stories",
    )


def cross_tab_table(table: CrossTab) -> Table:
    """Codes by columns: 'count/denominator (share)' in each cell."""
    found = Table(
        f"Codes by {table.dimension.replace('_', ' ')}",
        ["code"] + [f"{c.label} (n={c.denominator})" for c in table.columns],
    )
    for code in table.codes:
        cells = [
            f"{n}/{c.denominator} ({_pct(s)})"
            for c in table.columns
            for n, s in [table.cell(code, c)]
        ]
        found.rows.append([code.name, *cells])
    return found


def cross_tab_chart(table: CrossTab, kind: str = "outcome") -> Chart:
    """A heat map of each code's share per column."""
    codes = [c for c in table.codes if c.kind == kind]
    return heat_map(
        title=f"{_kind_title(kind)} by {table.dimension.replace('_', ' ')}",
        description=(
            "Share of each column's coded stories carrying the code; the table beside it "
            "gives every count and denominator."
        ),
        rows=[c.name for c in codes],
        columns=[c.label for c in table.columns],
        values=[[table.cell(code, c)[1] for c in table.columns] for code in codes],
        value_label="share of coded stories",
    )


def trend_chart(table: CrossTab, kind: str = "outcome") -> Chart:
    """Lines of each outcome's share per period."""
    codes = [c for c in table.codes if c.kind == kind]
    dated = [c for c in table.columns if c.key]
    return line_chart(
        title=f"{'Outcomes' if kind == 'outcome' else 'Themes'} by {table.period}",
        description="Share of each period's coded stories carrying each code.",
        periods=[c.label for c in dated],
        series={code.name: [table.cell(code, c)[1] for c in dated] for code in codes},
        value_label="share of coded stories",
    )


def co_occurrence_table(found: CoOccurrence, limit: int = 40) -> Table:
    """The most frequent pairs with Jaccard and lift."""
    table = Table(
        "Codes found together", ["code", "with code", "stories with both", "Jaccard", "lift"]
    )
    for pair in found.pairs()[:limit]:
        lift = "" if pair.lift is None else f"{pair.lift:.2f}"
        table.rows.append(
            [pair.first.name, pair.second.name, pair.both, f"{pair.jaccard:.2f}", lift]
        )
    table.note = f"Among {found.coded} coded stories; lift 1 means as often as chance."
    return table


def co_occurrence_chart(found: CoOccurrence) -> Chart:
    """A heat map of Jaccard between outcomes (rows) and themes (columns)."""
    outcomes = [c for c in found.codes if c.kind == "outcome"]
    themes = [c for c in found.codes if c.kind != "outcome" and found.singles.get(c.id)]
    return heat_map(
        title="Outcomes and themes found together (Jaccard)",
        description="Stories with both codes over stories with either; the table lists the pairs.",
        rows=[c.name for c in outcomes],
        columns=[c.label for c in themes],
        values=[[found.pair(o, t).jaccard for t in themes] for o in outcomes],
        value_label="Jaccard",
    )


def panels_table(found: PanelValues) -> Table:
    """Per level and code: selected share with its interval beside the bank share."""
    table = Table(
        "What panels select",
        [
            "level",
            "code",
            "selected stories with code",
            "share",
            "95% interval",
            "share in the filter",
        ],
    )
    for level in found.levels:
        for code in found.codes:
            s = found.shares[level][code.id]
            interval = f"{_pct(s.low)} to {_pct(s.high)}"
            table.rows.append(
                [
                    level,
                    code.name,
                    f"{s.count}/{s.selected}",
                    _pct(s.share),
                    interval,
                    _pct(found.bank_share(code)),
                ]
            )
    return table


def panels_chart(found: PanelValues, level: str) -> Chart:
    """Each outcome's share among the level's selected stories, with its interval."""
    shares = found.shares.get(level, {})
    rows = [
        Interval(code.name, s.share, s.low, s.high, found.bank_share(code))
        for code in found.codes
        if code.kind == "outcome" and (s := shares.get(code.id)) and s.selected
    ]
    return interval_chart(
        title=f"Outcomes among stories selected at {level} level",
        description=(
            f"{found.selected.get(level, 0)} selected stories; each bar is a 95% Wilson interval, "
            "the marker the share among all the filter's coded stories."
        ),
        rows=rows,
    )


def value_table(found: RecordedValue) -> Table:
    """Stories, stories with a cost, total and spread of the weekly change per group."""
    table = Table(
        "Weekly support cost change recorded in stories",
        [
            "group",
            "stories",
            "record a cost",
            "total change (£/week)",
            "median",
            "lowest",
            "highest",
        ],
    )
    for group in [found.overall, *found.groups]:
        spread = group.spread()
        table.rows.append(
            [
                group.label,
                group.stories,
                group.costed,
                group.total,
                spread["median"],
                spread["min"],
                spread["max"],
            ]
        )
    table.note = "Only stories that record a cost before and after count; nothing is extrapolated."
    return table


def value_chart(found: RecordedValue) -> Chart:
    """Bars of the total weekly change per group."""
    groups = found.groups or [found.overall]
    return bar_chart(
        title="Total weekly cost change recorded in stories",
        description="Sum of (after minus before), pounds a week, over stories recording both.",
        bars=[Bar(f"{g.label} ({g.costed} of {g.stories})", float(g.total)) for g in groups],
        value_label="£ a week",
        percent=False,
    )


def to_csv(table: Table) -> str:
    """The table as CSV (headings first)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headings)
    writer.writerows(table.rows)
    if table.note:
        writer.writerow([])
        writer.writerow([table.note])
    return out.getvalue()


def to_xlsx(table: Table) -> bytes:
    """The table as an XLSX workbook of one sheet."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31]
    sheet.append(table.headings)
    for row in table.rows:
        sheet.append([_cell(v) for v in row])
    if table.note:
        sheet.append([])
        sheet.append([table.note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value
