"""The demo loader trains and activates the first model from the demo codings."""

from __future__ import annotations

from sqlmodel import select

from storybank.demo import demo_stories, load_demo, train_demo_model
from storybank.learning import forget_loaded_models
from storybank.models import ModelVersion
from tests.nlp_double import use_nlp_double


def test_the_demo_trains_and_activates_one_model_from_its_codings(session, monkeypatch):
    use_nlp_double(monkeypatch)
    forget_loaded_models()
    load_demo(session=session)
    coded = [s for s in demo_stories() if s.get("status", "submitted") == "submitted"]

    first = train_demo_model(session=session)
    again = train_demo_model(session=session)

    assert first is not None and first.activated
    assert first.training_size == len(coded)
    assert again is None  # a model is active already: the demo leaves it alone
    row = session.exec(select(ModelVersion)).one()
    assert (row.status, row.trained_via, row.created_by_id) == ("active", "demo", None)
