"""Monitoring figures against a hand-built bank (tests/monitoring_builders.py), each worked
out by hand: what an admin sees of every site, and an evaluator of only what they read."""

from __future__ import annotations

import pytest

from storybank.errors import InvalidInput
from storybank.insights.monitoring import monitoring
from storybank.stories.finding import StoryFilters
from tests.builders import actor_for, make_user
from tests.monitoring_builders import NOW, at, build_bank


@pytest.fixture
def bank(session):
    return build_bank(session)


def _admin(session):
    return actor_for(session, make_user(session, roles=["admin"], name="Lead Admin"))


def _evaluator(session, bank):
    sites = [bank.sites["Somerset"], bank.sites["Derby"]]
    return actor_for(session, make_user(session, roles=["evaluator"], sites=sites, name="Eve"))


def _figures(session, actor, **kwargs):
    filters = kwargs.pop("filters", StoryFilters())
    return monitoring(session=session, actor=actor, filters=filters, now=NOW, **kwargs)


def test_stories_per_site_region_author_and_month(session, bank):
    found = _figures(session, _admin(session))
    # Submitted, not erased: s1-s4 and b1 by Ann, d1 by Ben (not the draft nor the erased).
    assert found.stories == 6
    assert [(s.name, s.stories) for s in found.sites] == [
        ("Somerset", 4),
        ("Bath", 1),
        ("Derby", 1),
    ]
    assert [(r.name, r.stories) for r in found.regions] == [("South West", 5), ("Midlands", 1)]
    assert [(a.name, a.stories, a.last_submitted) for a in found.authors] == [
        ("Ann Author", 5, at(6, 20)),
        ("Ben Writer", 1, at(6, 25)),
    ]
    assert [(p.key, p.stories) for p in found.periods] == [
        ("2026-03", 1),
        ("2026-04", 1),
        ("2026-05", 1),
        ("2026-06", 3),
    ]
    quarters = _figures(session, _admin(session), period="quarter")
    assert [(p.key, p.stories) for p in quarters.periods] == [("2026-Q1", 1), ("2026-Q2", 5)]


def test_learning_stories_as_a_share_of_all(session, bank):
    found = _figures(session, _admin(session))
    assert (found.learning, found.stories) == (1, 6)
    assert found.learning_share == pytest.approx(1 / 6)


def test_quiet_sites_list_their_last_submission_and_those_with_none(session, bank):
    found = _figures(session, _admin(session))
    # Since 1 May: Quietvale never submitted, Bath last on 1 March (its erased story of
    # 28 June does not count).
    assert [(s.name, s.last_submitted) for s in found.quiet] == [
        ("Quietvale", None),
        ("Bath", at(3, 1)),
    ]
    assert found.quiet[1].days_quiet(NOW) == 121
    week = _figures(session, _admin(session), quiet_days=7)
    assert [s.name for s in week.quiet] == ["Quietvale", "Bath", "Somerset"]


def test_quiet_sites_stay_inside_the_filter_and_the_readers_sites(session, bank):
    midlands = _figures(
        session, _admin(session), filters=StoryFilters(unit_id=bank.sites["Derby"].parent_id)
    )
    assert [s.name for s in midlands.quiet] == ["Quietvale"]
    # The evaluator covers Somerset and Derby only, both heard from since 1 May.
    assert _figures(session, _evaluator(session, bank)).quiet == []


def test_share_of_stories_reaching_each_level(session, bank):
    found = _figures(session, _admin(session))
    reach = {r.level: (r.candidates, r.selected, r.stories) for r in found.levels}
    # Site rounds: s1-s4 (Somerset) and d1 (Derby); region and programme: s1.
    assert reach == {"site": (5, 1, 6), "region": (1, 1, 6), "programme": (1, 0, 6)}
    assert found.levels[0].share == pytest.approx(5 / 6)


def test_closed_rounds_with_feedback_outstanding(session, bank):
    found = _figures(session, _admin(session))
    # Somerset's closed round: s2, s3 and s4 have had no feedback; the region round sent
    # its one; Derby's and the programme's rounds are not closed.
    assert [
        (r.round_name, r.unit_name, r.level, r.period_name, r.outstanding) for r in found.feedback
    ] == [("Somerset round", "Somerset", "site", "2026 Q1", 3)]
    # The evaluator cannot read the site-only s4, so it is not counted for her.
    assert [r.outstanding for r in _figures(session, _evaluator(session, bank)).feedback] == [2]


def test_review_backlog_with_its_age_overall_and_by_site(session, bank):
    backlog = _figures(session, _admin(session)).backlog
    # Awaiting review: s3 (1 April, 90 days), s4 (1 June, 29 days), b1 (1 March, 121 days).
    assert (backlog.overall.awaiting, backlog.overall.oldest) == (3, at(3, 1))
    assert backlog.overall.median_age_days == 90.0
    assert [(s.name, s.awaiting, s.oldest, s.median_age_days) for s in backlog.sites] == [
        ("Somerset", 2, at(4, 1), 59.5),
        ("Bath", 1, at(3, 1), 121.0),
    ]


def test_an_evaluator_counts_only_the_stories_she_may_read(session, bank):
    found = _figures(session, _evaluator(session, bank))
    # Not Bath (not hers) nor s4 (site only): s1, s2, s3 and d1.
    assert found.stories == 4
    assert [(s.name, s.stories) for s in found.sites] == [("Somerset", 3), ("Derby", 1)]
    assert (found.backlog.overall.awaiting, found.backlog.overall.median_age_days) == (1, 90.0)
    assert {r.level: r.candidates for r in found.levels} == {"site": 4, "region": 1, "programme": 1}


def test_filters_narrow_every_figure(session, bank):
    found = _figures(session, _admin(session), filters=StoryFilters(story_type="learning"))
    assert (found.stories, found.learning, [s.name for s in found.sites]) == (1, 1, ["Somerset"])
    assert found.backlog.overall.awaiting == 0 and found.backlog.overall.median_age_days is None


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"period": "year"}, "period"), ({"quiet_days": 0}, "quiet_days")]
)
def test_bad_choices_are_refused_naming_the_field(session, bank, kwargs, field):
    with pytest.raises(InvalidInput) as refused:
        _figures(session, _admin(session), **kwargs)
    assert refused.value.problems[0].field == field
