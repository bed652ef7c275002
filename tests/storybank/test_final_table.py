"""The stored final codes follow every change to codings, assignments and adjudications."""

from __future__ import annotations

from sqlmodel import Session, select

from storybank.models import Code, Coding, ReviewAssignment, utcnow
from storybank.privacy import erase_story
from storybank.review.final_table import rebuild_final_codes, stored_final_codes
from tests.builders import actor_for, make_story, make_user


def _code_ids(session: Session, *keys: str) -> list[int]:
    found = {c.key: c.id for c in session.exec(select(Code)).all()}
    return [found[key] or 0 for key in keys]


def test_a_coding_made_outside_review_is_stored_as_final(session, somerset, staff):
    story = make_story(session, site=somerset, author=staff)
    hub, outcome = _code_ids(session, "community_hub", "outcome_3")
    session.add(Coding(story_id=story.id, code_id=hub, coder_id=staff.id))
    session.add(Coding(story_id=story.id, code_id=outcome, coder_id=staff.id))
    session.commit()
    assert stored_final_codes(session=session) == {story.id: {hub, outcome}}


def test_an_unfinished_assignment_takes_the_codes_out_until_it_is_finished(
    session, somerset, staff
):
    reviewer = make_user(session, roles=["reviewer"], sites=[somerset], name="Rae Reviewer")
    story = make_story(session, site=somerset, author=staff)
    (hub,) = _code_ids(session, "community_hub")
    assignment = ReviewAssignment(
        story_id=story.id, reviewer_id=reviewer.id, position=1, assigned_by_id=reviewer.id
    )
    session.add(assignment)
    session.add(Coding(story_id=story.id, code_id=hub, coder_id=reviewer.id))
    session.commit()
    assert stored_final_codes(session=session) == {}
    assignment.finished_at = utcnow()
    session.add(assignment)
    session.commit()
    assert stored_final_codes(session=session) == {story.id: {hub}}


def test_a_rolled_back_change_leaves_nothing_behind(session, somerset, staff):
    story = make_story(session, site=somerset, author=staff)
    (hub,) = _code_ids(session, "community_hub")
    session.add(Coding(story_id=story.id, code_id=hub, coder_id=staff.id))
    session.flush()
    session.rollback()
    assert stored_final_codes(session=session) == {}


def test_erasing_a_story_removes_its_final_codes(session, somerset, staff):
    admin = make_user(session, roles=["admin"], name="Ada Admin")
    story = make_story(session, site=somerset, author=staff)
    (hub,) = _code_ids(session, "community_hub")
    session.add(Coding(story_id=story.id, code_id=hub, coder_id=staff.id))
    session.commit()
    erase_story(
        session=session,
        actor=actor_for(session, admin),
        story_id=story.id,
        reason="erasure request from the person, ref 2026-077",
    )
    session.commit()
    assert stored_final_codes(session=session) == {}


def test_a_rebuild_gives_the_same_rows(session, somerset, staff):
    story = make_story(session, site=somerset, author=staff)
    hub, carer = _code_ids(session, "community_hub", "carer_support")
    session.add_all([Coding(story_id=story.id, code_id=c, coder_id=staff.id) for c in (hub, carer)])
    session.commit()
    before = stored_final_codes(session=session)
    assert rebuild_final_codes(session=session) == 2
    session.commit()
    assert stored_final_codes(session=session) == before == {story.id: {hub, carer}}
