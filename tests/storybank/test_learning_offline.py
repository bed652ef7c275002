"""The real nlp/ behind the learning service: trained, stored in the database, loaded back
and asked for suggestions, with networking blocked throughout."""

from __future__ import annotations

import socket

import pytest
from sqlmodel import Session, select

from nlp import lemmas, pipeline
from nlp.cues import lexicon
from nlp.interface import StoryText, TrainOptions
from storybank.learning import active_suggester, forget_loaded_models, train_and_maybe_activate
from storybank.models import ModelVersion, Suggestion, SuggestionRun, Unit, User
from storybank.review.suggesting import request_suggestions, suggest_codes
from tests.builders import make_story
from tests.learning_builders import make_coded_stories

QUICK = TrainOptions(folds=3)


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("network access attempted")


@pytest.fixture
def offline(monkeypatch):
    """Python can open no socket (PostgreSQL's libpq keeps its own connection), and
    nothing nlp/ caches was loaded before the guard went up."""
    for name in ("socket", "create_connection", "getaddrinfo"):
        monkeypatch.setattr(socket, name, _refuse)
    for cached in (pipeline._load, lemmas.lemma_table, lexicon.shipped_lexicon):
        cached.cache_clear()
    forget_loaded_models()
    yield
    forget_loaded_models()


def test_train_store_load_and_suggest_with_networking_blocked(session, offline):
    make_coded_stories(session, 12)

    result = train_and_maybe_activate(session=session, actor=None, options=QUICK)
    forget_loaded_models()  # so the model below comes from the stored bytes
    model = active_suggester(session=session)

    assert result.activated
    row = session.exec(select(ModelVersion)).one()
    assert row.version == result.version and len(row.artifact) > 1000
    assert model is not None and model.info.version == result.version
    found = model.suggest(
        StoryText.from_text("Nell popped into the library hub and met a community agent.")
    )
    assert found and all(item.evidence for item in found)
    assert all(item.model_version == result.version for item in found)


def test_a_saved_model_holds_no_name_from_the_stories_it_learnt_from(session, offline):
    import io
    import zipfile

    make_coded_stories(session, 12)

    result = train_and_maybe_activate(session=session, actor=None, options=QUICK)

    row = session.exec(select(ModelVersion).where(ModelVersion.version == result.version)).one()
    with zipfile.ZipFile(io.BytesIO(row.artifact)) as saved:
        held = b" ".join(saved.read(name) for name in saved.namelist()).lower()
    assert b"library" in held  # the story words are there...
    assert b"marek" not in held and b"priya" not in held  # ...but not the people's names


def test_stories_submitted_before_any_model_get_the_first_models_suggestions(session, offline):
    coded = make_coded_stories(session, 12)
    waiting = make_story(
        session,
        site=session.get(Unit, coded[0].site_id),
        author=session.get(User, coded[0].author_id),
        what_happened="Nell popped into the library hub and met a community agent.",
    )
    request_suggestions(session=session, story_ids=[waiting.id])
    session.commit()
    bind = session.get_bind()
    suggest_codes(
        session_factory=lambda: Session(bind, expire_on_commit=False), story_id=waiting.id
    )
    session.expire_all()
    assert session.get(SuggestionRun, waiting.id).state == "no_model"

    result = train_and_maybe_activate(session=session, actor=None, options=QUICK)

    session.expire_all()
    run = session.get(SuggestionRun, waiting.id)
    assert (run.state, run.model_version) == ("ready", result.version)
    made = session.exec(select(Suggestion).where(Suggestion.story_id == waiting.id)).all()
    assert made and {s.model_version for s in made} == {result.version}
