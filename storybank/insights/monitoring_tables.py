"""The monitoring figures as tables and bar charts (see `tables.py`): what the page shows
is what the CSV and XLSX downloads hold."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from storybank.insights.charts import Bar, Chart, bar_chart
from storybank.insights.monitoring import Monitoring
from storybank.insights.tables import Table

NAMES = ("sites", "regions", "authors", "periods", "quiet", "levels", "feedback", "backlog")
CHARTED_AUTHORS = 20


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value else ""


def _pct(share: float) -> str:
    return f"{round(100 * share)}%"


def sites_table(found: Monitoring) -> Table:
    """Stories per site, most first."""
    table = Table(
        "Stories per site", ["site", "stories"], [[s.name, s.stories] for s in found.sites]
    )
    table.note = f"{found.stories} submitted stories in the filter."
    return table


def regions_table(found: Monitoring) -> Table:
    """Stories per region (the sites' parent units)."""
    rows = [[r.name, r.stories] for r in found.regions]
    return Table("Stories per region", ["region", "stories"], rows)


def authors_table(found: Monitoring) -> Table:
    """Stories per author with the date of their last submission."""
    rows = [[a.name, a.stories, _day(a.last_submitted)] for a in found.authors]
    return Table("Stories per author", ["author", "stories", "last submitted"], rows)


def periods_table(found: Monitoring) -> Table:
    """Stories submitted per month or quarter."""
    rows = [[p.key or "No date", p.stories] for p in found.periods]
    return Table(f"Stories submitted per {found.period}", [found.period, "stories"], rows)


def quiet_table(found: Monitoring) -> Table:
    """Sites with no story submitted in the last N days, and when they last did."""
    table = Table("Sites gone quiet", ["site", "last submitted", "days since"])
    for site in found.quiet:
        days = site.days_quiet(found.now)
        table.rows.append([site.name, _day(site.last_submitted) or "never", days])
    table.note = f"No story submitted in the last {found.quiet_days} days."
    return table


def levels_table(found: Monitoring) -> Table:
    """Stories reaching each MSC level (as candidates, and selected) over all stories."""
    headings = ["level", "candidates", "selected", "of stories", "share reaching"]
    rows = [[r.level, r.candidates, r.selected, r.stories, _pct(r.share)] for r in found.levels]
    return Table("Stories reaching each MSC level", headings, rows)


def feedback_table(found: Monitoring) -> Table:
    """Closed rounds whose candidates' authors have had no feedback yet."""
    headings = ["round", "unit", "level", "period", "closed", "feedback outstanding"]
    rows = [
        [r.round_name, r.unit_name, r.level, r.period_name, _day(r.closed_at), r.outstanding]
        for r in found.feedback
    ]
    return Table("Closed rounds with feedback outstanding", headings, rows)


def backlog_table(found: Monitoring) -> Table:
    """Stories awaiting review: how many, the oldest, the median age; overall and by site."""
    headings = ["site", "awaiting review", "oldest submitted", "median age (days)"]
    table = Table("Review backlog", headings)
    assert found.backlog is not None
    for s in [found.backlog.overall, *found.backlog.sites]:
        table.rows.append([s.name, s.awaiting, _day(s.oldest), s.median_age_days])
    table.note = "Submitted stories with no final codes yet."
    return table


TABLES: dict[str, Callable[[Monitoring], Table]] = {
    "sites": sites_table,
    "regions": regions_table,
    "authors": authors_table,
    "periods": periods_table,
    "quiet": quiet_table,
    "levels": levels_table,
    "feedback": feedback_table,
    "backlog": backlog_table,
}


def monitoring_chart(found: Monitoring, name: str) -> Chart:
    """The bar chart beside one monitoring table."""
    title, description, bars, percent = _chart_parts(found, name)
    value_label = "share of stories" if percent else "stories"
    return bar_chart(
        title=title, description=description, bars=bars, value_label=value_label, percent=percent
    )


def _chart_parts(found: Monitoring, name: str) -> tuple[str, str, list[Bar], bool]:
    """Title, description, bars and whether the values are shares, per table."""
    if name == "levels":
        bars = [Bar(r.level, r.share, r.candidates, r.stories) for r in found.levels]
        return "Stories reaching each MSC level", "Candidates at each level.", bars, True
    if name == "quiet":
        bars = [
            Bar(s.name, float(d or 0), note=None if d is not None else "never")
            for s in found.quiet
            for d in [s.days_quiet(found.now)]
        ]
        return "Days since a site last submitted", "Sites gone quiet.", bars, False
    if name == "backlog":
        assert found.backlog is not None
        bars = [Bar(s.name, float(s.awaiting)) for s in found.backlog.sites]
        return "Stories awaiting review per site", "The review backlog.", bars, False
    table = TABLES[name](found)
    shown = table.rows[:CHARTED_AUTHORS] if name == "authors" else table.rows
    bars = [Bar(str(row[0]), float(row[-1] if name == "feedback" else row[1])) for row in shown]
    return table.title, f"{table.title}; the table beside it has every figure.", bars, False
