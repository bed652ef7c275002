"""The shipped codebook and the demo stories: coverage, loading and idempotence."""

from __future__ import annotations

from collections import Counter

from sqlmodel import func, select

from storybank.codebook import load_codebook, shipped_codebook
from storybank.demo import AWAITING_REVIEW, DEMO_PASSWORD, demo_stories, load_demo
from storybank.models import TEXT_FIELDS, Code, Coding, ContactRoute, Perspective, Story, User
from tests.builders import make_site, make_story, make_user

THEMES = [
    "community_hub",
    "different_conversation",
    "trusted_relationship",
    "carer_support",
    "choice_and_control",
    "remaining_at_home",
    "avoided_residential_care",
    "community_connections",
    "reduced_isolation",
    "confidence",
    "wellbeing",
    "positive_risk",
    "technology_telecare",
    "joined_up_working",
    "quick_response",
    "reduced_bureaucracy",
    "cost_reduction",
    "employment_finance",
    "peer_forum",
    "learning_from_failure",
]


def test_shipped_codebook_has_the_six_outcomes_and_the_twenty_theme_keys():
    codes = shipped_codebook()["code"]
    outcomes = [c for c in codes if c["kind"] == "outcome"]
    assert [(c["key"], c["number"]) for c in outcomes] == [(f"outcome_{n}", n) for n in range(1, 7)]
    assert [c["key"] for c in codes if c["kind"] == "theme"] == THEMES
    assert all(c["description"] and len(c["cue_phrases"]) >= 5 for c in codes)


def test_reloading_the_codebook_is_idempotent_and_keeps_codes_in_use(session):
    again = load_codebook(session=session, actor=None)
    assert (again.added, again.updated) == ([], [])
    site = make_site(session)
    author = make_user(session, roles=["staff"], sites=[site])
    story = make_story(session, site=site, author=author)
    extra = Code(kind="theme", key="local_extra", label="A local code")
    session.add(extra)
    session.commit()
    session.add(Coding(story_id=story.id, code_id=extra.id, coder_id=author.id))
    session.commit()
    data = shipped_codebook()
    data["code"][0]["label"] = "Changed label"
    result = load_codebook(session=session, actor=None, data=data)
    assert result.updated == ["outcome_1"]
    assert result.kept_extra == ["local_extra"]
    assert session.exec(select(func.count()).select_from(Code)).one() == 27


def test_demo_stories_cover_the_codebook_and_the_story_fields():
    stories = demo_stories()
    assert len(stories) >= 60
    assert len({s["key"] for s in stories}) == len(stories)
    assert len({s["site"] for s in stories}) >= 6
    outcomes = Counter(n for s in stories for n in s["outcomes"])
    themes = Counter(t for s in stories for t in s["themes"])
    assert all(outcomes[n] >= 3 for n in range(1, 7)), outcomes
    assert all(themes[t] >= 3 for t in THEMES), themes
    assert set(themes) <= set(THEMES)
    assert {s["perspective"] for s in stories} == {p.value for p in Perspective}
    assert {s["contact_route"] for s in stories} == {r.value for r in ContactRoute}
    assert sum(s["story_type"] == "learning" for s in stories) >= 10
    for story in stories:
        words = sum(len(story.get(f, "").split()) for f in TEXT_FIELDS)
        assert 100 <= words <= 400, (story["key"], words)
        assert 1 <= len(story["outcomes"]) <= 3 and 2 <= len(story["themes"]) <= 6


def test_demo_load_writes_stories_codings_and_demo_accounts(session):
    result = load_demo(session=session)
    stories = demo_stories()
    assert result.stories == len(stories)
    assert session.exec(select(func.count()).select_from(Story)).one() == len(stories)
    coded = [
        s
        for s in stories
        if s.get("status", "submitted") != "draft" and s["key"] not in AWAITING_REVIEW
    ]
    expected = sum(len(s["outcomes"]) + len(s["themes"]) for s in coded)
    assert session.exec(select(func.count()).select_from(Coding)).one() == expected
    admin = session.exec(select(User).where(User.email == "admin@demo.storybank.local")).one()
    from storybank.accounts import password_matches

    assert password_matches(admin.password_hash, DEMO_PASSWORD)
