"""The demo loader trains and activates the first model from the demo codings, and the
stories it leaves for review get that model's suggestions."""

from __future__ import annotations

from sqlmodel import select

from storybank.demo import AWAITING_REVIEW, demo_stories, load_demo, train_demo_model
from storybank.learning import forget_loaded_models
from storybank.models import ModelVersion, Story, SuggestionRun
from tests.nlp_double import use_nlp_double


def test_the_demo_trains_one_model_and_suggests_codes_for_the_stories_awaiting_review(
    session, monkeypatch
):
    use_nlp_double(monkeypatch)
    forget_loaded_models()
    load_demo(session=session)
    submitted = [s for s in demo_stories() if s.get("status", "submitted") == "submitted"]

    first = train_demo_model(session=session)
    again = train_demo_model(session=session)

    assert first is not None and first.activated
    assert first.training_size == len(submitted) - len(AWAITING_REVIEW)
    assert again is None  # a model is active already: the demo leaves it alone
    row = session.exec(select(ModelVersion)).one()
    assert (row.status, row.trained_via, row.created_by_id) == ("active", "demo", None)
    runs = session.exec(
        select(Story.title, SuggestionRun.state, SuggestionRun.model_version).join(
            SuggestionRun, SuggestionRun.story_id == Story.id
        )
    ).all()
    titles = {s["title"] for s in demo_stories() if s["key"] in AWAITING_REVIEW}
    assert {title for title, _, _ in runs} == titles
    assert {(state, version) for _, state, version in runs} == {("ready", first.version)}
