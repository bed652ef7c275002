"""Background retraining: due after every N decisions, one job, options of the active model."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from storybank import jobs
from storybank.jobs.registry import TASKS
from storybank.learning import forget_loaded_models, train_and_maybe_activate
from storybank.learning.retraining import RETRAIN_JOB, retrain, retrain_due, retrain_if_due
from storybank.models import ModelVersion
from tests.learning_builders import make_coded_stories
from tests.nlp_double import BOW, use_nlp_double


@pytest.fixture(autouse=True)
def double(monkeypatch):
    use_nlp_double(monkeypatch)
    deferred: list[tuple[str, dict]] = []
    monkeypatch.setattr(jobs, "defer", lambda name, **kwargs: deferred.append((name, kwargs)))
    forget_loaded_models()
    yield deferred
    forget_loaded_models()


def test_retraining_is_due_after_every_n_decisions_since_the_newest_model(session):
    make_coded_stories(session, 12)  # 48 codings
    assert retrain_due(session=session, every=48)
    assert not retrain_due(session=session, every=49)

    train_and_maybe_activate(session=session, actor=None)
    assert not retrain_due(session=session, every=1)
    make_coded_stories(session, 1)  # 4 more codings
    assert retrain_due(session=session, every=4)
    assert not retrain_due(session=session, every=5)


def test_a_setting_of_zero_never_retrains(session, double):
    make_coded_stories(session, 12)

    assert not retrain_if_due(session=session, every=0)
    assert double == []


def test_the_retrain_job_is_deferred_once_due_and_locked_by_name(session, double):
    make_coded_stories(session, 12)

    assert retrain_if_due(session=session, every=10)
    assert double == [(RETRAIN_JOB, {"every": 10})]
    spec = TASKS[RETRAIN_JOB]
    assert (spec.fn, spec.lock, spec.queueing_lock) == (retrain, "retrain", "retrain")
    assert "storybank.learning.retraining" in jobs.TASK_MODULES


def test_the_job_retrains_with_the_active_models_options_and_records_it(engine, session):
    make_coded_stories(session, 12)
    first = train_and_maybe_activate(session=session, actor=None, options=BOW)
    make_coded_stories(session, 1)

    retrain(session_factory=lambda: Session(engine), every=1)
    retrain(session_factory=lambda: Session(engine), every=1)  # no longer due: does nothing

    session.expire_all()
    rows = session.exec(select(ModelVersion).order_by(ModelVersion.id)).all()
    assert [(r.version == first.version, r.status, r.trained_via) for r in rows] == [
        (True, "retired", "command"),
        (False, "active", "background"),
    ]
    assert rows[1].options == BOW.as_dict()
    assert rows[1].training_size == 13 and rows[1].created_by_id is None
