"""The evidence briefing: a filter's figures in the shape evaluators publish.

For each outcome and each leading theme, "N of M coded stories (P%)" with one or two
example stories; the value recorded in stories; the period's MSC selections with the
panels' reasons; the note that counts are descriptive. A briefing is written to be
shared, so its stories appear only when their consent lets them leave their site, and
only in their confirmed de-identified words, whoever reads it (`briefing_selections.py`
does the same for the panels' reasons).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlmodel import Session, col

from storybank.access import Actor
from storybank.insights.briefing_selections import Selection, period_selections, shareable
from storybank.insights.briefing_wording import describe_filters, excerpt
from storybank.insights.charts import Bar, Chart, bar_chart
from storybank.insights.frequencies import code_frequencies
from storybank.insights.scope import DESCRIPTIVE, CodeInfo, scope_conditions
from storybank.insights.value import CostChange, recorded_value
from storybank.models import Story, StoryFinalCode, Unit
from storybank.stories.finding import StoryFilters, deidentified_texts, shown_text

LEADING_THEMES = 5
EXAMPLES_PER_CODE = 2
CHART_HEIGHT = 1.2  # inches: one bar and its axis


@dataclass
class Example:
    """A story that shows a code, in its de-identified words (excerpts)."""

    story_id: int
    site_name: str
    title: str
    what_changed: str
    why_significant: str


@dataclass
class CodeFigure:
    """One code's count among the filter's coded stories, with example stories."""

    code: CodeInfo
    count: int
    denominator: int
    examples: list[Example] = field(default_factory=list)

    @property
    def share(self) -> float:
        """count / denominator (0 when no story is coded)."""
        return self.count / self.denominator if self.denominator else 0.0

    @property
    def sentence(self) -> str:
        """ "19 of 33 coded stories (58%)"."""
        return f"{self.count} of {self.denominator} coded stories ({round(100 * self.share)}%)"


@dataclass
class Briefing:
    """Everything a briefing shows, for one filter and reader."""

    described: str
    generated_on: date
    stories: int
    coded: int
    outcomes: list[CodeFigure]
    themes: list[CodeFigure]
    value: CostChange
    selections: list[Selection]
    note: str = DESCRIPTIVE

    @property
    def awaiting(self) -> int:
        """Stories in the filter still awaiting review."""
        return self.stories - self.coded


def evidence_briefing(
    *,
    session: Session,
    actor: Actor,
    filters: StoryFilters,
    period_id: int | None = None,
    today: date | None = None,
) -> Briefing:
    """The briefing of the filter's submitted stories that the actor may read."""
    found = code_frequencies(session=session, actor=actor, filters=filters)
    figures = [CodeFigure(c.code, c.count, c.denominator) for c in found.codes]
    outcomes = [f for f in figures if f.code.kind == "outcome"]
    themes = sorted(
        (f for f in figures if f.code.kind != "outcome" and f.count),
        key=lambda f: (-f.count, f.code.name),
    )[:LEADING_THEMES]
    scope = scope_conditions(session=session, actor=actor, filters=filters)
    _add_examples(session, scope, outcomes + themes)
    value = recorded_value(session=session, actor=actor, filters=filters).overall
    return Briefing(
        described=describe_filters(session=session, filters=filters),
        generated_on=today or date.today(),
        stories=found.stories,
        coded=found.coded,
        outcomes=outcomes,
        themes=themes,
        value=value,
        selections=period_selections(
            session=session, scope=scope, filters=filters, period_id=period_id
        ),
    )


def _add_examples(
    session: Session, scope: list[ColumnElement[bool]], figures: list[CodeFigure]
) -> None:
    """Up to two shareable stories per code, the latest changes first: one query."""
    by_code = {f.code.id: f for f in figures if f.count}
    if not by_code:
        return
    order = (col(Story.change_date).desc().nulls_last(), col(Story.id).desc())
    rank = func.row_number().over(partition_by=col(StoryFinalCode.code_id), order_by=order)
    ranked = (
        select(col(StoryFinalCode.code_id), col(Story.id).label("story_id"), rank.label("rn"))
        .join(Story, col(Story.id) == StoryFinalCode.story_id)
        .where(*scope, *shareable(), col(StoryFinalCode.code_id).in_(sorted(by_code)))
        .subquery()
    )
    query = select(ranked.c.code_id, ranked.c.story_id).where(ranked.c.rn <= EXAMPLES_PER_CODE)
    rows = session.execute(query.order_by(ranked.c.code_id, ranked.c.rn)).all()
    examples = _examples(session, sorted({story_id for _code, story_id in rows}))
    for code_id, story_id in rows:
        by_code[code_id].examples.append(examples[story_id])


def _examples(session: Session, story_ids: list[int]) -> dict[int, Example]:
    """The stories' de-identified excerpts, with their site's name (two queries)."""
    versions = deidentified_texts(session=session, story_ids=story_ids)
    sites = session.execute(
        select(col(Story.id), col(Unit.name))
        .join(Unit, col(Unit.id) == Story.site_id)
        .where(col(Story.id).in_(story_ids))
    )
    found: dict[int, Example] = {}
    for story_id, site in sites:
        text = shown_text(versions.get(story_id))
        found[story_id] = Example(
            story_id,
            site,
            excerpt(text["title"], 200),
            excerpt(text["what_changed"]),
            excerpt(text["why_significant"]),
        )
    return found


def code_chart(figure: CodeFigure) -> Chart:
    """A small bar of one code's share, "19/33 (58%)" printed beside it; the heading above
    it names the code, so the drawing repeats neither (its SVG title still does)."""
    bar = Bar("Coded stories", figure.share, figure.count, figure.denominator)
    chart = bar_chart(
        title="",
        description=f"{figure.code.name}: {figure.sentence}.",
        bars=[bar],
        value_label="share of coded stories",
    )
    return replace(chart, title=figure.code.name, height=CHART_HEIGHT)
