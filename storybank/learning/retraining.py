"""Retraining in the background after every `nlp_retrain_every` new review decisions."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlmodel import Session, col, select

from storybank import jobs
from storybank.errors import Conflict, InvalidInput
from storybank.learning.from_review import decisions_since
from storybank.learning.options import options_from_json
from storybank.learning.training import train_and_maybe_activate
from storybank.learning.versions import active_version
from storybank.models import ModelVersion

RETRAIN_JOB = "retrain"
log = logging.getLogger(__name__)


def retrain_due(*, session: Session, every: int) -> bool:
    """Whether `every` decisions have been made since the newest model was trained."""
    if every <= 0:
        return False
    newest = session.exec(
        select(ModelVersion.created_at).order_by(col(ModelVersion.created_at).desc())
    ).first()
    return decisions_since(session, newest) >= every


def retrain_if_due(*, session: Session, every: int) -> bool:
    """Queue the retrain job when it is due; the review part calls this after decisions."""
    if not retrain_due(session=session, every=every):
        return False
    jobs.defer(RETRAIN_JOB, every=every)
    return True


@jobs.task(RETRAIN_JOB, lock=RETRAIN_JOB, queueing_lock=RETRAIN_JOB)
def retrain(*, session_factory: Callable[[], Session], every: int = 1) -> None:
    """The job: retrain with the active model's options, if still due when it runs."""
    with session_factory() as session:
        if not retrain_due(session=session, every=every):
            return  # another run got there first
        current = active_version(session)
        options = options_from_json(current.options) if current else None
        try:
            result = train_and_maybe_activate(
                session=session, actor=None, options=options, via="background"
            )
        except (InvalidInput, Conflict) as exc:
            log.info("Background retrain skipped: %s", exc.message)
            return
        log.info(
            "Background retrain recorded %s (%s)",
            result.version,
            "activated" if result.activated else "refused",
        )
