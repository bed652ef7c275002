"""The learning loop through the API: reviewers' decisions give each code's acceptance rate
and the reliability table, and finishing a story retrains once enough decisions are made."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storybank.learning import forget_loaded_models, train_and_maybe_activate
from storybank.models import ModelVersion
from tests.builders import make_story, token_headers
from tests.learning_builders import make_coded_stories
from tests.nlp_double import use_nlp_double
from tests.review_builders import make_reviewer, suggest_now
from tests.suggesters import PhraseSuggester

REVIEW = "/api/v1/review/stories"


@pytest.fixture(autouse=True)
def double(monkeypatch):
    use_nlp_double(monkeypatch)
    forget_loaded_models()
    yield
    forget_loaded_models()


@pytest.fixture
def first(session):
    make_coded_stories(session, 12)
    return train_and_maybe_activate(session=session, actor=None)


def _review_one_story(client, session, site, author, version: str) -> dict[str, str]:
    """Suggestions from `version` on one story: accept the hub, reject the quick response,
    leave the rest undecided, and finish (undecided ones count as rejected)."""
    reviewer = make_reviewer(session, site)
    rheaders = token_headers(session, reviewer)
    story = make_story(session, site=site, author=author)
    made = {s.code_id: s for s in suggest_now(session, story, PhraseSuggester(version=version))}
    by_key = {
        s["code_key"]: s["id"]
        for s in client.get(f"{REVIEW}/{story.id}", headers=rheaders).json()["suggestions"]
    }
    assert len(by_key) == len(made) == 4
    for key, decision in (("community_hub", "accepted"), ("quick_response", "rejected")):
        sent = client.put(
            f"{REVIEW}/{story.id}/suggestions/{by_key[key]}/decision",
            json={"decision": decision},
            headers=rheaders,
        )
        assert sent.status_code == 200, sent.text
    done = client.post(f"{REVIEW}/{story.id}/finish", headers=rheaders)
    assert done.status_code == 200, done.text
    return rheaders


def test_acceptance_rates_and_reliability_come_from_reviewers_decisions(
    client, session, somerset, staff, first
):
    rheaders = _review_one_story(client, session, somerset, staff, first.version)

    body = client.get(f"/api/v1/models/{first.version}", headers=rheaders).json()

    rates = {c["key"]: (c["acceptance_rate"], c["suggestions_decided"]) for c in body["per_code"]}
    assert rates["community_hub"] == (1.0, 1)
    assert rates["quick_response"] == (0.0, 1)
    assert rates["outcome_3"] == (0.0, 1)  # left undecided, so rejected on finishing
    assert rates["carer_support"] == (None, 0)
    bands = {(b["low"], b["high"]): b for b in body["reliability"] if b["count"]}
    assert bands == {
        (0.6, 0.7): {
            "low": 0.6,
            "high": 0.7,
            "count": 1,
            "mean_confidence": 0.62,
            "acceptance_rate": 0.0,
        },
        (0.7, 0.8): {
            "low": 0.7,
            "high": 0.8,
            "count": 1,
            "mean_confidence": 0.77,
            "acceptance_rate": 0.0,
        },
        (0.8, 0.9): {
            "low": 0.8,
            "high": 0.9,
            "count": 1,
            "mean_confidence": 0.84,
            "acceptance_rate": 0.0,
        },
        (0.9, 1.0): {
            "low": 0.9,
            "high": 1.0,
            "count": 1,
            "mean_confidence": 0.91,
            "acceptance_rate": 1.0,
        },
    }


def test_finishing_a_story_retrains_in_the_background_once_enough_decisions_are_made(
    client, session, settings, somerset, staff, first
):
    settings.nlp_retrain_every = 4  # the story below makes 4 decisions

    _review_one_story(client, session, somerset, staff, first.version)

    session.expire_all()
    rows = session.exec(select(ModelVersion).order_by(ModelVersion.id)).all()
    assert [(r.version == first.version, r.status, r.trained_via) for r in rows] == [
        (True, "retired", "command"),
        (False, "active", "background"),
    ]
    assert rows[1].training_size == 13  # the reviewed story's final codes are in


def test_fewer_decisions_than_the_setting_do_not_retrain(
    client, session, settings, somerset, staff, first
):
    settings.nlp_retrain_every = 5

    _review_one_story(client, session, somerset, staff, first.version)

    session.expire_all()
    assert len(session.exec(select(ModelVersion)).all()) == 1
