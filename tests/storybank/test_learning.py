"""Model versions: the activation rule, one active at a time, the artifact in the database."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from nlp.interface import StoryText, TrainOptions
from storybank.errors import InvalidInput
from storybank.learning import (
    active_suggester,
    forget_loaded_models,
    list_versions,
    train_and_maybe_activate,
    training_examples,
)
from storybank.models import AuditEvent, ModelStatus, ModelVersion, utcnow
from tests.learning_builders import add_model_version, make_coded_stories
from tests.nlp_double import BOW, use_nlp_double


@pytest.fixture(autouse=True)
def double(monkeypatch):
    use_nlp_double(monkeypatch)
    forget_loaded_models()
    yield
    forget_loaded_models()


def _statuses(session) -> dict[str, str]:
    session.expire_all()
    return {row.version: row.status for row in session.exec(select(ModelVersion)).all()}


def test_the_first_model_is_activated_with_no_comparison(session):
    make_coded_stories(session, 12)

    result = train_and_maybe_activate(session=session, actor=None)

    assert result.activated
    assert result.training_size == 12
    assert result.comparison["active"] is None
    assert _statuses(session) == {result.version: "active"}
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "model.train")).one()
    assert event.entity_id == result.version
    assert event.details == {"status": "active", "training_size": 12}


def test_a_worse_candidate_is_refused_and_kept_as_refused(session):
    make_coded_stories(session, 12)
    first = train_and_maybe_activate(session=session, actor=None)

    worse = train_and_maybe_activate(session=session, actor=None, options=BOW)

    assert not worse.activated
    assert _statuses(session) == {first.version: "active", worse.version: "refused"}
    comparison = worse.comparison
    assert comparison["active"]["version"] == first.version
    assert comparison["candidate"]["score"] == pytest.approx(1.1)
    assert comparison["active"]["score"] == pytest.approx(1.5)
    assert comparison["folds"] == 5 and comparison["examples"] == 12
    assert worse.reason == (
        f"Outcome + theme micro-F1 1.100 is lower than 1.500 for the active {first.version} "
        f"on the same folds; {first.version} stays active."
    )
    refused = session.exec(select(ModelVersion).where(ModelVersion.version == worse.version)).one()
    assert refused.status_reason == worse.reason
    assert refused.artifact  # kept, so it can be looked at later


def test_a_candidate_that_is_not_worse_replaces_the_active_one(session):
    make_coded_stories(session, 12)
    weak = train_and_maybe_activate(session=session, actor=None, options=BOW)

    better = train_and_maybe_activate(session=session, actor=None)
    same = train_and_maybe_activate(session=session, actor=None)

    assert better.activated and same.activated
    assert "not lower than 1.500" in same.reason
    assert _statuses(session) == {
        weak.version: "retired",
        better.version: "retired",
        same.version: "active",
    }


def test_the_database_refuses_a_second_active_version(session):
    add_model_version(session, "v-one", status=ModelStatus.active)

    with pytest.raises(IntegrityError):
        add_model_version(session, "v-two", status=ModelStatus.active)
    session.rollback()
    add_model_version(session, "v-three", status=ModelStatus.retired)
    assert _statuses(session) == {"v-one": "active", "v-three": "retired"}


def test_training_with_too_few_final_codes_says_what_to_do(session):
    make_coded_stories(session, 9)

    with pytest.raises(InvalidInput) as refused:
        train_and_maybe_activate(session=session, actor=None)

    assert refused.value.code == "too_few_examples"
    assert "Only 9 stories have final codes; training needs at least 10" in refused.value.message
    assert _statuses(session) == {}


def test_only_submitted_stories_that_are_not_erased_are_training_examples(session):
    stories = make_coded_stories(session, 4)
    stories[1].status = "withdrawn"
    stories[2].erased_at = utcnow()
    session.add_all(stories)
    session.commit()

    examples = training_examples(session)

    # Read with their personal data replaced (see storybank/learning/examples.py).
    assert [example.story.fields["title"] for example in examples] == [
        "[Person A] found the walking group",
        "[Person A] stayed in her own home",
    ]
    assert (stories[0].title, stories[3].title) == (
        "Marek found the walking group",
        "Priya stayed in her own home",
    )
    assert examples[0].codes == {"outcome_2", "outcome_3", "community_hub", "reduced_isolation"}
    assert examples[0].story.contact_route == "hub_walk_in"


def test_no_active_model_means_no_suggester(session):
    add_model_version(session, "v-refused", status=ModelStatus.refused)

    assert active_suggester(session=session) is None


def test_the_active_model_is_loaded_from_its_stored_bytes_and_reloaded_on_change(session):
    make_coded_stories(session, 12)
    first = train_and_maybe_activate(session=session, actor=None)

    model = active_suggester(session=session)
    assert model is not None and model.info.version == first.version
    assert active_suggester(session=session) is model  # cached while it stays active
    found = model.suggest(StoryText.from_text("She met people at the hub."))
    assert [(s.code_key, s.evidence[0].text) for s in found] == [("community_hub", "hub")]

    second = train_and_maybe_activate(session=session, actor=None)
    reloaded = active_suggester(session=session)
    assert reloaded is not None and reloaded.info.version == second.version


def test_versions_are_listed_newest_first_with_their_figures(session, somerset):
    make_coded_stories(session, 12)
    first = train_and_maybe_activate(session=session, actor=None)
    worse = train_and_maybe_activate(session=session, actor=None, options=BOW)

    listed = list_versions(session=session)

    assert [(item.version, item.status) for item in listed] == [
        (worse.version, "refused"),
        (first.version, "active"),
    ]
    assert listed[1].summary == {"outcome_micro_f1": 0.8, "theme_micro_f1": 0.7}
    assert listed[1].options == TrainOptions().as_dict()
    hub = next(code for code in listed[1].per_code if code.key == "community_hub")
    assert (hub.kind, hub.support, hub.acceptance_rate) == ("theme", 6, None)
