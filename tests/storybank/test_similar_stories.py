"""Similar stories and near duplicates: only readable stories, in the text the reader sees."""

from __future__ import annotations

import pytest

from storybank.errors import NotFound
from storybank.similar_stories import near_duplicates, similar_stories
from tests.builders import actor_for, make_story, make_user

HUB = {
    "title": "Walter found the men's shed through the library hub",
    "what_happened": "Walter came to the library hub about his leaking roof and heard about "
    "the men's shed; he now fixes bikes there every Wednesday with three other men.",
    "what_changed": "He has mates at the men's shed and no longer sits alone all week.",
    "why_significant": "Walter says the shed gave him a reason to get up.",
}
RETOLD = {
    "title": "Walter found the men's shed at the library hub",
    "what_happened": "Walter came into the library hub about his leaking roof and heard of "
    "the men's shed; he fixes bikes there each Wednesday with three other men.",
    "what_changed": "He has mates at the men's shed and no longer sits alone all week.",
    "why_significant": "Walter says the shed gives him a reason to get up.",
}
OTHER = {
    "title": "A grant cleared Priya's rent arrears",
    "what_happened": "The navigator sat with Priya over her rent arrears and a benefits check.",
    "what_changed": "The arrears are cleared and the eviction letter was withdrawn.",
    "why_significant": "Priya and her children can stay in their flat.",
}


def _story(session, site, author, texts, **extra):
    blank = {"what_mattered": "", "before_cls": ""}
    return make_story(session, site=site, author=author, **{**blank, **texts, **extra})


def test_similar_stories_come_best_first_and_never_the_story_itself(session, somerset, staff):
    first = _story(session, somerset, staff, HUB)
    retold = _story(session, somerset, staff, RETOLD)
    other = _story(session, somerset, staff, OTHER)

    found = similar_stories(session=session, actor=actor_for(session, staff), story_id=first.id)

    assert found[0].id == retold.id
    assert first.id not in [s.id for s in found]
    assert found[0].site_name == "Somerset" and found[0].text_version == "original"
    assert all(s.score < found[0].score for s in found if s.id == other.id)


def test_a_story_of_another_site_without_a_confirmed_deidentified_version_never_appears(
    session, somerset, derby, staff
):
    derby_staff = make_user(session, roles=["staff"], sites=[derby])
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset, derby])
    mine = _story(session, somerset, staff, HUB)
    hidden = _story(session, derby, derby_staff, RETOLD, deidentified=False)
    site_only = _story(session, derby, derby_staff, RETOLD, consent_level="site_only")
    shared = _story(session, derby, derby_staff, RETOLD)

    found = similar_stories(session=session, actor=actor_for(session, evaluator), story_id=mine.id)

    ids = [s.id for s in found]
    assert shared.id in ids
    assert hidden.id not in ids and site_only.id not in ids
    assert {s.text_version for s in found} == {"deidentified"}
    staff_sees = similar_stories(session=session, actor=actor_for(session, staff), story_id=mine.id)
    assert staff_sees == []  # Somerset staff read none of Derby's stories


def test_an_unreadable_story_has_no_similar_stories_to_show(session, somerset, derby, staff):
    derby_staff = make_user(session, roles=["staff"], sites=[derby])
    theirs = _story(session, derby, derby_staff, HUB, consent_level="site_only")
    with pytest.raises(NotFound):
        similar_stories(session=session, actor=actor_for(session, staff), story_id=theirs.id)


def test_a_draft_told_again_is_a_near_duplicate_of_the_same_site_s_story_only(
    session, somerset, derby, staff
):
    admin = make_user(session, roles=["admin"])
    submitted = _story(session, somerset, staff, HUB)
    _story(session, somerset, staff, OTHER)
    elsewhere = _story(session, derby, admin, HUB)
    draft = _story(session, somerset, staff, RETOLD, status="draft", consent_level=None)

    found = near_duplicates(session=session, actor=actor_for(session, admin), story_id=draft.id)

    assert [s.id for s in found] == [submitted.id]
    assert elsewhere.id not in [s.id for s in found]
    assert found[0].score >= 0.4


def test_a_different_story_is_no_near_duplicate(session, somerset, staff):
    _story(session, somerset, staff, HUB)
    draft = _story(session, somerset, staff, OTHER, status="draft", consent_level=None)
    actor = actor_for(session, staff)
    assert near_duplicates(session=session, actor=actor, story_id=draft.id) == []
