"""The evidence briefing's figures: "N of M coded stories", the leading themes, examples
only where consent allows and only in de-identified words, the recorded value and the
period's selections with the panels' reasons redacted."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pytest

from storybank.errors import InvalidInput
from storybank.insights.briefing import evidence_briefing
from storybank.insights.briefing_wording import describe_filters, excerpt
from storybank.stories.finding import StoryFilters
from tests.briefing_builders import NAMES, build_briefing_bank
from tests.builders import actor_for, make_user


@pytest.fixture
def bank(session, somerset, staff):
    return build_briefing_bank(session, somerset, staff)


def _evaluator(session, somerset):
    return actor_for(session, make_user(session, roles=["evaluator"], sites=[somerset]))


def test_each_outcome_reads_n_of_m_coded_stories(session, somerset, bank):
    found = evidence_briefing(
        session=session, actor=_evaluator(session, somerset), filters=StoryFilters()
    )
    # She reads the Margaret, costed and awaiting stories (not the site-only one).
    assert (found.stories, found.coded, found.awaiting) == (3, 2, 1)
    sentences = {f.code.number: f.sentence for f in found.outcomes}
    assert sentences[3] == "1 of 2 coded stories (50%)"
    assert sentences[1] == "0 of 2 coded stories (0%)"
    assert [f.code.key for f in found.themes] == [
        "community_connections",
        "cost_reduction",
        "wellbeing",
    ]


def test_leading_themes_are_the_five_most_frequent(session, somerset, staff, bank):
    admin = actor_for(session, make_user(session, roles=["admin"]))
    found = evidence_briefing(session=session, actor=admin, filters=StoryFilters())
    assert len(found.themes) == 3 and found.themes[0].code.key == "wellbeing"
    assert found.themes[0].sentence == "2 of 3 coded stories (67%)"


def test_examples_are_de_identified_and_never_site_only(session, somerset, bank):
    admin = actor_for(session, make_user(session, roles=["admin"]))
    for actor in (admin, _evaluator(session, somerset)):
        found = evidence_briefing(session=session, actor=actor, filters=StoryFilters())
        outcome_3 = next(f for f in found.outcomes if f.code.number == 3)
        # The later site-only story carries outcome 3 too, yet is never an example.
        assert [e.story_id for e in outcome_3.examples] == [bank.margaret.id]
        assert outcome_3.examples[0].title == "[Person A] walks to the shop again"
        text = repr(asdict(found))
        assert not any(name in text for name in NAMES)


def test_the_value_and_the_periods_selections(session, somerset, bank):
    found = evidence_briefing(
        session=session, actor=_evaluator(session, somerset), filters=StoryFilters()
    )
    assert (found.value.costed, found.value.stories, found.value.total) == (1, 3, -126)
    [selection] = found.selections
    assert (selection.round_name, selection.level, selection.domain) == (
        "Somerset spring round",
        "site",
        "Changes in people's lives",
    )
    assert selection.title == "[Person A] walks to the shop again"
    assert "[Person A]" in selection.reasons and "Okafor" not in selection.reasons


def test_selections_follow_the_period_and_the_dates(session, somerset, bank):
    actor = actor_for(session, make_user(session, roles=["admin"]))
    later = StoryFilters(date_from=date(2026, 7, 1))
    assert evidence_briefing(session=session, actor=actor, filters=later).selections == []
    chosen = evidence_briefing(
        session=session, actor=actor, filters=StoryFilters(), period_id=bank.period_id
    )
    assert [s.story_id for s in chosen.selections] == [bank.margaret.id]
    with pytest.raises(InvalidInput) as refused:
        evidence_briefing(session=session, actor=actor, filters=StoryFilters(), period_id=999)
    assert refused.value.problems[0].field == "period_id"


def test_the_filter_is_described_in_words(session, somerset):
    filters = StoryFilters(
        unit_id=somerset.id,
        story_type="learning",
        date_from=date(2026, 1, 1),
        date_to=date(2026, 3, 31),
        outcome=3,
        selected=True,
    )
    assert describe_filters(session=session, filters=filters) == (
        "Submitted stories: of Somerset (site); changes from 1 January 2026 to 31 March 2026; "
        "learning stories; showing outcome 3 (Support promotes independence, resilience and "
        "wellbeing); selected by a panel"
    )
    assert describe_filters(session=session, filters=StoryFilters()) == (
        "All submitted stories you may read"
    )


def test_excerpts_cut_at_a_word():
    assert excerpt("She walks to the shop every morning now", 20) == "She walks to the…"
    assert excerpt("Short.") == "Short."
