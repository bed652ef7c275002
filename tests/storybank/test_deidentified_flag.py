"""The stories' confirmed de-identified flag follows story_deidentified on every write."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from storybank.models import DeidentifiedIn, Story
from storybank.privacy import erase_story
from storybank.stories import StoryFilters, list_stories
from storybank.stories.deidentifying import save_deidentified
from tests.builders import actor_for, make_site, make_story, make_user


def _flag(session: Session, story: Story) -> bool:
    found = session.execute(
        text("SELECT deidentified_confirmed FROM stories WHERE id = :id"), {"id": story.id}
    ).scalar_one()
    return bool(found)


def _evaluator_sees(session: Session, evaluator, story: Story) -> bool:
    found = list_stories(
        session=session, actor=actor_for(session, evaluator), filters=StoryFilters()
    )
    return story.id in [s.id for s in found.stories] and found.total == len(found.stories)


def _save(session: Session, staff, story: Story, *, version: int, confirm: bool) -> None:
    data = DeidentifiedIn(title="A walk", what_happened="[name] walks again.", version=version)
    data.confirm = confirm
    save_deidentified(
        session=session, actor=actor_for(session, staff), story_id=story.id, data=data
    )


def test_confirming_unconfirming_and_erasing_keep_the_flag_and_the_evaluator_list_in_step(
    session,
):
    site = make_site(session)
    staff = make_user(session, roles=["staff"], sites=[site])
    evaluator = make_user(session, roles=["evaluator"], sites=[site])
    story = make_story(session, site=site, author=staff, deidentified=False)
    assert not _flag(session, story)
    assert not _evaluator_sees(session, evaluator, story)

    _save(session, staff, story, version=0, confirm=True)
    assert _flag(session, story)
    assert _evaluator_sees(session, evaluator, story)

    _save(session, staff, story, version=1, confirm=False)
    assert not _flag(session, story)
    assert not _evaluator_sees(session, evaluator, story)

    _save(session, staff, story, version=2, confirm=True)
    admin = make_user(session, roles=["admin"])
    erase_story(session=session, actor=actor_for(session, admin), story_id=story.id, reason="Asked")
    assert not _flag(session, story)
    assert not _evaluator_sees(session, evaluator, story)


def test_a_story_written_with_a_confirmed_version_is_flagged_and_others_are_not(session):
    site = make_site(session)
    staff = make_user(session, roles=["staff"], sites=[site])
    shared = make_story(session, site=site, author=staff)
    kept = make_story(session, site=site, author=staff, consent_level="site_only")
    assert _flag(session, shared)
    assert not _flag(session, kept)
