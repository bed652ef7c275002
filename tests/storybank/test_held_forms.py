"""Kept forms: one-time, for their author only, capped per person, gone on expiry or erasure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from storybank import accounts
from storybank.accounts import held_forms
from storybank.errors import NotFound
from storybank.models import HeldForm, utcnow
from tests.builders import KEYED, actor_for, make_story


@pytest.fixture
def ended(session, staff):
    return accounts.start_session(session=session, settings=KEYED, user=staff).record


def _hold(session, ended, **extra):
    form = {"title": "Kept", "csrf_token": "secret"}
    return held_forms.hold_form(
        session=session, settings=KEYED, ended=ended, target="/stories/new", form=form, **extra
    )


def test_a_kept_form_is_given_back_to_its_author_once(session, staff, ended):
    token = _hold(session, ended)
    held = held_forms.held_form(
        session=session, settings=KEYED, actor=actor_for(session, staff), token=token
    )
    assert held.form == {"title": "Kept"}, "the form token is never kept"
    held_forms.forget_held_form(session=session, held=held)
    with pytest.raises(NotFound):
        held_forms.held_form(
            session=session, settings=KEYED, actor=actor_for(session, staff), token=token
        )


def test_a_person_keeps_at_most_ten_forms(session, ended):
    tokens = [_hold(session, ended) for _ in range(12)]
    kept = session.exec(select(HeldForm)).all()
    assert len(kept) == held_forms.MOST_HELD_PER_PERSON
    assert tokens[-1] is not None


def test_expired_forms_are_purged(session, ended):
    _hold(session, ended)
    session.execute(update(HeldForm).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    held_forms.purge_expired_held_forms(session=session)
    session.commit()
    assert session.exec(select(HeldForm)).all() == []


def test_forms_of_an_erased_story_can_be_forgotten(session, somerset, staff, ended):
    story = make_story(session, site=somerset, author=staff, status="draft")
    _hold(session, ended, story_id=story.id)
    held_forms.forget_held_forms_of_story(session=session, story_id=story.id)
    session.commit()
    assert session.exec(select(HeldForm)).all() == []


def test_nothing_is_kept_for_a_story_that_does_not_exist(session, ended):
    assert _hold(session, ended, story_id=999_999) is None
    assert session.exec(select(HeldForm)).all() == []
