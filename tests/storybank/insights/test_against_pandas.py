"""Every insight figure equals an independent computation: pandas over the register the
same person exports (final codes, submitted stories), on the demo bank plus a generated one."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from scipy.stats import binomtest, norm
from sqlmodel import Session, select

from storybank.access import Actor, load_actor
from storybank.demo_scale import generate_stories
from storybank.insights.cooccurrence import co_occurrence
from storybank.insights.crosstabs import cross_tab
from storybank.insights.frequencies import code_frequencies
from storybank.insights.monitoring import monitoring
from storybank.insights.panels import panel_values
from storybank.insights.value import recorded_value
from storybank.models import Unit, User
from storybank.register.exporter import export_to_folder
from storybank.stories.finding import StoryFilters

PEOPLE = ("admin@demo.storybank.local", "evaluator@demo.storybank.local")


@pytest.fixture
def bank(engine):
    with Session(engine, expire_on_commit=False) as session:
        generate_stories(session=session, count=400, seed=3, until=date(2026, 11, 30))
        yield session


def _register(session: Session, actor: Actor, folder: Path) -> pd.DataFrame:
    [(path, _)] = export_to_folder(
        session=session,
        actor=actor,
        filters=StoryFilters(status="submitted"),
        formats=["csv"],
        folder=folder,
    )
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    outcomes = frame["outcomes"].map(lambda c: {f"outcome_{n}" for n in c.split("; ") if n})
    themes = frame["themes"].map(lambda c: {k for k in c.split("; ") if k})
    frame["codes"] = [o | t for o, t in zip(outcomes, themes, strict=True)]
    return frame


def _actor(session: Session, email: str) -> Actor:
    return load_actor(
        session=session, user=session.exec(select(User).where(User.email == email)).one()
    )


@pytest.mark.parametrize("email", PEOPLE)
def test_frequencies_match_pandas(bank, tmp_path, email):
    actor = _actor(bank, email)
    frame = _register(bank, actor, tmp_path)
    coded = frame[frame["codes"].map(bool)]
    found = code_frequencies(session=bank, actor=actor, filters=StoryFilters())
    assert (found.stories, found.coded) == (len(frame), len(coded))
    expected = {key: int(coded["codes"].map(lambda c, k=key: k in c).sum()) for key in _keys(found)}
    assert {c.code.key: c.count for c in found.codes} == expected
    assert all(c.denominator == len(coded) for c in found.codes)


@pytest.mark.parametrize("email", PEOPLE)
def test_cross_tabs_by_site_and_perspective_match_pandas(bank, tmp_path, email):
    actor = _actor(bank, email)
    coded = _register(bank, actor, tmp_path)
    coded = coded[coded["codes"].map(bool)]
    for dimension, column in (("site", "site"), ("perspective", "perspective")):
        table = cross_tab(session=bank, actor=actor, filters=StoryFilters(), dimension=dimension)
        for heading in table.columns:
            label = "" if heading.label == "Not given" else heading.label
            group = coded[coded[column] == label]
            assert heading.denominator == len(group), (dimension, heading.label)
            for code in table.codes:
                expected = int(group["codes"].map(lambda c, k=code.key: k in c).sum())
                assert table.cell(code, heading)[0] == expected, (
                    dimension,
                    heading.label,
                    code.key,
                )
        assert sum(c.denominator for c in table.columns) == len(coded)


@pytest.mark.parametrize("email", PEOPLE)
def test_co_occurrence_matches_pandas(bank, tmp_path, email):
    actor = _actor(bank, email)
    coded = _register(bank, actor, tmp_path)
    coded = coded[coded["codes"].map(bool)]
    pairs: dict[tuple[str, str], int] = {}
    for codes in coded["codes"]:
        for first, second in itertools.combinations(sorted(codes), 2):
            pairs[(first, second)] = pairs.get((first, second), 0) + 1
    found = co_occurrence(session=bank, actor=actor, filters=StoryFilters())
    assert {tuple(sorted((p.first.key, p.second.key))): p.both for p in found.pairs()} == pairs
    top = found.pairs()[0]
    a = int(coded["codes"].map(lambda c: top.first.key in c).sum())
    b = int(coded["codes"].map(lambda c: top.second.key in c).sum())
    assert top.jaccard == pytest.approx(top.both / (a + b - top.both))
    assert top.lift == pytest.approx(top.both * len(coded) / (a * b))


@pytest.mark.parametrize("email", PEOPLE)
def test_recorded_value_matches_pandas(bank, tmp_path, email):
    actor = _actor(bank, email)
    frame = _register(bank, actor, tmp_path)
    costed = frame[(frame["weekly cost before"] != "") & (frame["weekly cost after"] != "")]
    change = sum(
        (
            Decimal(a) - Decimal(b)
            for a, b in zip(costed["weekly cost after"], costed["weekly cost before"], strict=True)
        ),
        Decimal(0),
    )
    found = recorded_value(session=bank, actor=actor, filters=StoryFilters(), by="site")
    assert (found.overall.stories, found.overall.costed) == (len(frame), len(costed))
    assert found.overall.total == change
    by_site = costed.groupby("site").size().to_dict()
    assert {g.label: g.costed for g in found.groups if g.costed} == by_site


def _keys(found) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.code.key for c in found.codes]


@pytest.mark.parametrize("email", PEOPLE)
def test_a_filtered_count_matches_pandas_filtering_the_whole_register(bank, tmp_path, email):
    actor = _actor(bank, email)
    frame = _register(bank, actor, tmp_path)
    region = bank.exec(select(Unit).where(Unit.name == "South West England")).one()
    wanted = frame[
        (frame["region"] == region.name)
        & frame["success/learning"].str.startswith("Learning")
        & frame["codes"].map(lambda c: "outcome_3" in c)
    ]
    filters = StoryFilters(unit_id=region.id, story_type="learning", outcome=3)
    found = code_frequencies(session=bank, actor=actor, filters=filters)
    assert found.coded == len(wanted) > 0
    expected = {
        key: int(wanted["codes"].map(lambda c, k=key: k in c).sum()) for key in _keys(found)
    }
    assert {c.code.key: c.count for c in found.codes} == expected


def test_counting_by_join_gives_the_same_figures_as_the_code_sets(bank, monkeypatch):
    """Codebooks past the code-set limit are counted by joining the final codes instead."""
    from storybank.insights import code_sets

    actor = _actor(bank, PEOPLE[1])

    def figures():  # type: ignore[no-untyped-def]
        pairs = co_occurrence(session=bank, actor=actor, filters=StoryFilters())
        freq = code_frequencies(session=bank, actor=actor, filters=StoryFilters())
        tabs = [
            cross_tab(session=bank, actor=actor, filters=StoryFilters(), dimension=d, period=p)
            for d, p in (("period", "quarter"), ("period", "month"), ("region", "year"))
        ]
        return (
            (pairs.both, pairs.singles, pairs.coded),
            (freq.stories, freq.coded, [c.count for c in freq.codes]),
            [(t.counts, [(c.key, c.label, c.denominator) for c in t.columns]) for t in tabs],
        )

    by_sets = figures()
    monkeypatch.setattr(code_sets, "MAX_BIT", 3)
    assert figures() == by_sets


@pytest.mark.parametrize("email", PEOPLE)
def test_trends_by_quarter_and_month_match_pandas(bank, tmp_path, email):
    actor = _actor(bank, email)
    coded = _register(bank, actor, tmp_path)
    coded = coded[coded["codes"].map(bool)].copy()
    dates = pd.to_datetime(coded["date of change"], errors="coerce")
    buckets = {
        "quarter": dates.dt.year.astype("Int64").astype(str)
        + "-Q"
        + dates.dt.quarter.astype("Int64").astype(str),
        "month": dates.dt.strftime("%Y-%m"),
    }
    for period, bucket in buckets.items():
        coded["bucket"] = bucket.where(dates.notna(), "")
        table = cross_tab(
            session=bank, actor=actor, filters=StoryFilters(), dimension="period", period=period
        )
        assert {c.key: c.denominator for c in table.columns} == coded.groupby(
            "bucket"
        ).size().to_dict()
        for heading in table.columns:
            group = coded[coded["bucket"] == heading.key]
            for code in table.codes:
                expected = int(group["codes"].map(lambda c, k=code.key: k in c).sum())
                assert table.cell(code, heading)[0] == expected, (period, heading.key, code.key)


@pytest.mark.parametrize("email", PEOPLE)
def test_what_panels_value_matches_pandas(bank, tmp_path, email):
    """Per MSC level: the coded stories selected there and each code's count among them,
    from the register and the rounds' decisions read as plain tables; the intervals
    beside scipy's Wilson interval."""
    actor = _actor(bank, email)
    coded = _register(bank, actor, tmp_path)
    coded = coded[coded["codes"].map(bool)]
    decisions = pd.read_sql(
        "SELECT d.story_id, u.level FROM msc_round_decisions d "
        "JOIN msc_rounds r ON r.id = d.round_id JOIN units u ON u.id = r.unit_id "
        "WHERE d.story_id IS NOT NULL",
        bank.connection(),
    )
    found = panel_values(session=bank, actor=actor, filters=StoryFilters())
    assert found.levels and set(found.levels) == set(decisions["level"])
    assert found.coded == len(coded)
    for level in found.levels:
        chosen = {str(i) for i in decisions.loc[decisions["level"] == level, "story_id"]}
        selected = coded[coded["id"].isin(chosen)]
        assert found.selected[level] == len(selected), level
        for code in found.codes:
            count = int(selected["codes"].map(lambda c, k=code.key: k in c).sum())
            share = found.shares[level][code.id]
            assert (share.count, share.selected) == (count, len(selected)), (level, code.key)
            if len(selected):
                # The intervals use z = 1.96, scipy a confidence level: the same one.
                level_of_196 = 2 * norm.cdf(1.96) - 1
                interval = binomtest(count, len(selected)).proportion_ci(
                    confidence_level=level_of_196, method="wilson"
                )
                assert (share.low, share.high) == pytest.approx((interval.low, interval.high))
    assert any(found.selected[level] for level in found.levels)


@pytest.mark.parametrize("email", PEOPLE)
def test_monitoring_matches_pandas(bank, tmp_path, email):
    """Stories per site, region, author and month of submission, the learning share and
    the quiet sites, from the register the same person exports."""
    actor = _actor(bank, email)
    frame = _register(bank, actor, tmp_path)
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    found = monitoring(session=bank, actor=actor, filters=StoryFilters(), now=now, quiet_days=30)
    assert (found.stories, found.learning) == (
        len(frame),
        int(frame["success/learning"].str.startswith("Learning").sum()),
    )
    assert {s.name: s.stories for s in found.sites} == frame.groupby("site").size().to_dict()
    regions = frame.groupby("region").size().to_dict()
    assert {r.name: r.stories for r in found.regions} == regions
    assert {a.name: a.stories for a in found.authors} == frame.groupby("author").size().to_dict()
    submitted = pd.to_datetime(frame["submitted at"], utc=True)
    months = submitted.dt.strftime("%Y-%m").value_counts().to_dict()
    assert {p.key: p.stories for p in found.periods} == months
    last = submitted.groupby(frame["site"]).max()
    in_view = bank.exec(select(Unit).where(Unit.level == "site")).all()
    seen = {u.name for u in in_view if actor.is_admin or u.id in actor.site_ids}
    quiet = {name for name in seen if name not in last or last[name] < now - timedelta(days=30)}
    assert {s.name for s in found.quiet} == quiet
