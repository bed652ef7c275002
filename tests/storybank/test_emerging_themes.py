"""Emerging themes over the stories of a filter the actor may read."""

from __future__ import annotations

import pytest

from storybank.emerging_themes import ThemeFilters, emerging_topics
from storybank.errors import InvalidInput
from tests.builders import actor_for, make_story, make_user
from tests.nlp.stories_for_topics import DEBT, LUNCH, TELECARE


def _bank(session, site, author, texts, **extra):
    blank = {"what_mattered": "", "what_changed": "", "before_cls": "", "why_significant": ""}
    values = {**blank, **extra}
    return [
        make_story(
            session, site=site, author=author, title=f"Story {n}", what_happened=text, **values
        )
        for n, text in enumerate(texts)
    ]


def test_topics_come_from_the_readable_stories_of_the_chosen_unit(session, somerset, derby, staff):
    derby_staff = make_user(session, roles=["staff"], sites=[derby])
    ours = _bank(session, somerset, staff, LUNCH + TELECARE)
    _bank(session, derby, derby_staff, DEBT)
    admin = actor_for(session, make_user(session, roles=["admin"]))

    found = emerging_topics(
        session=session, actor=admin, filters=ThemeFilters(unit_id=somerset.id, n_topics=2)
    )

    assert found.stories == 8
    assert {s.id for t in found.topics for s in t.examples} <= {s.id for s in ours}
    assert not any("arrear" in term for t in found.topics for term in t.terms)
    proposal = found.topics[0].proposal
    assert proposal.key and proposal.cue_phrases == found.topics[0].terms


def test_a_reader_s_topics_leave_out_stories_they_may_not_read(session, somerset, derby, staff):
    derby_staff = make_user(session, roles=["staff"], sites=[derby])
    _bank(session, somerset, staff, LUNCH + TELECARE)
    _bank(session, derby, derby_staff, DEBT, consent_level="site_only")

    found = emerging_topics(
        session=session, actor=actor_for(session, staff), filters=ThemeFilters(n_topics=3)
    )

    assert found.stories == 8
    assert not any("arrear" in term for t in found.topics for term in t.terms)


def test_a_proposed_key_is_never_one_already_taken(session, somerset, staff):
    _bank(session, somerset, staff, LUNCH * 2)
    admin = actor_for(session, make_user(session, roles=["admin"]))
    found = emerging_topics(session=session, actor=admin, filters=ThemeFilters(n_topics=1))
    assert found.topics and found.topics[0].proposal.key not in {"community_hub", "lunch_club"}


def test_bad_filters_are_refused(session, staff):
    actor = actor_for(session, staff)
    with pytest.raises(InvalidInput):
        emerging_topics(session=session, actor=actor, filters=ThemeFilters(n_topics=0))
    with pytest.raises(InvalidInput):
        emerging_topics(session=session, actor=actor, filters=ThemeFilters(unit_id=999999))
