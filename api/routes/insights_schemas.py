"""The JSON shapes of the insights, built from the services' results."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field

from storybank.insights.cooccurrence import CoOccurrence
from storybank.insights.crosstabs import CrossTab
from storybank.insights.frequencies import Frequencies
from storybank.insights.links import column_params, stories_query
from storybank.insights.panels import PanelValues
from storybank.insights.scope import DESCRIPTIVE, CodeInfo
from storybank.insights.value import CostChange, RecordedValue
from storybank.stories.finding import StoryFilters

STORIES = "/api/v1/stories?"


class CodeOut(BaseModel):
    key: str
    kind: str
    label: str
    number: int | None


def code_out(code: CodeInfo) -> CodeOut:
    return CodeOut(key=code.key, kind=code.kind, label=code.label, number=code.number)


class FrequencyRow(CodeOut):
    count: int = Field(description="Stories whose final codes include this code")
    suggested: int = Field(description="Awaiting stories with this code pending as a suggestion")
    denominator: int
    share: float = Field(description="(count + suggested) / denominator")
    stories_url: str


class FrequenciesOut(BaseModel):
    stories: int = Field(description="Submitted stories in the filter that you may read")
    coded: int = Field(description="Of those, stories with final codes")
    awaiting_review: int
    denominator: int
    with_suggestions: int = Field(description="Awaiting stories counted from suggestions")
    include_suggested: bool
    min_confidence: float
    note: str = DESCRIPTIVE
    rows: list[FrequencyRow]


def frequencies_out(found: Frequencies, filters: StoryFilters) -> FrequenciesOut:
    rows = [
        FrequencyRow(
            **code_out(c.code).model_dump(),
            count=c.count,
            suggested=c.suggested,
            denominator=c.denominator,
            share=round(c.share, 4),
            stories_url=STORIES + stories_query(filters, c.code),
        )
        for c in found.codes
    ]
    return FrequenciesOut(
        stories=found.stories,
        coded=found.coded,
        awaiting_review=found.awaiting,
        denominator=found.denominator,
        with_suggestions=found.with_suggestions,
        include_suggested=found.pending.include,
        min_confidence=found.pending.min_confidence,
        rows=rows,
    )


class ColumnOut(BaseModel):
    key: str
    label: str
    denominator: int


class CellOut(BaseModel):
    column: str
    count: int
    share: float
    stories_url: str


class CrossTabRow(CodeOut):
    cells: list[CellOut]


class CrossTabOut(BaseModel):
    by: str
    period: str
    note: str = DESCRIPTIVE
    columns: list[ColumnOut]
    rows: list[CrossTabRow]


def cross_tab_out(table: CrossTab, filters: StoryFilters) -> CrossTabOut:
    rows = []
    for code in table.codes:
        cells = []
        for column in table.columns:
            count, share = table.cell(code, column)
            extra = column_params(table.dimension, column.key)
            url = STORIES + stories_query(filters, code, **extra)
            cells.append(
                CellOut(column=column.key, count=count, share=round(share, 4), stories_url=url)
            )
        rows.append(CrossTabRow(**code_out(code).model_dump(), cells=cells))
    columns = [
        ColumnOut(key=c.key, label=c.label, denominator=c.denominator) for c in table.columns
    ]
    return CrossTabOut(by=table.dimension, period=table.period, columns=columns, rows=rows)


class PairOut(BaseModel):
    first: str
    second: str
    both: int
    jaccard: float
    lift: float | None
    stories_url: str


class CoOccurrenceOut(BaseModel):
    coded: int
    note: str = DESCRIPTIVE
    singles: dict[str, int]
    pairs: list[PairOut]


def co_occurrence_out(found: CoOccurrence, filters: StoryFilters) -> CoOccurrenceOut:
    pairs = [
        PairOut(
            first=p.first.key,
            second=p.second.key,
            both=p.both,
            jaccard=round(p.jaccard, 4),
            lift=None if p.lift is None else round(p.lift, 4),
            stories_url=STORIES + stories_query(filters, p.first, **_second(p.second)),
        )
        for p in found.pairs()
    ]
    singles = {c.key: found.singles.get(c.id, 0) for c in found.codes}
    return CoOccurrenceOut(coded=found.coded, singles=singles, pairs=pairs)


def _second(code: CodeInfo) -> dict[str, str | int]:
    """The second code of a pair as a list filter (an outcome and a theme can combine)."""
    return code.filter if code.number is None else {}


class LevelCodeOut(CodeOut):
    count: int
    share: float
    low: float = Field(description="95% Wilson interval, lower bound")
    high: float = Field(description="95% Wilson interval, upper bound")
    bank_share: float = Field(description="Share among all the filter's coded stories")


class LevelOut(BaseModel):
    level: str
    selected: int = Field(description="Coded stories in the filter selected at this level")
    codes: list[LevelCodeOut]


class PanelsOut(BaseModel):
    coded: int
    note: str = DESCRIPTIVE
    levels: list[LevelOut]


def panels_out(found: PanelValues) -> PanelsOut:
    levels = []
    for level in found.levels:
        codes = [
            LevelCodeOut(
                **code_out(code).model_dump(),
                count=(share := found.shares[level][code.id]).count,
                share=round(share.share, 4),
                low=round(share.low, 4),
                high=round(share.high, 4),
                bank_share=round(found.bank_share(code), 4),
            )
            for code in found.codes
        ]
        levels.append(LevelOut(level=level, selected=found.selected[level], codes=codes))
    return PanelsOut(coded=found.coded, levels=levels)


class CostOut(BaseModel):
    key: str
    label: str
    stories: int
    costed: int = Field(description="Stories recording a weekly cost before and after")
    total_change: Decimal = Field(description="Sum of (after - before), pounds a week")
    spread: dict[str, Decimal | None]


class ValueOut(BaseModel):
    grouping: str
    note: str = "Only stories that record both costs count; nothing is extrapolated."
    overall: CostOut
    groups: list[CostOut]


def _cost_out(group: CostChange) -> CostOut:
    return CostOut(
        key=group.key,
        label=group.label,
        stories=group.stories,
        costed=group.costed,
        total_change=group.total,
        spread=group.spread(),
    )


def value_out(found: RecordedValue) -> ValueOut:
    return ValueOut(
        grouping=found.grouping,
        overall=_cost_out(found.overall),
        groups=[_cost_out(g) for g in found.groups],
    )
