"""Suggestions for a story: queued on submit, made by the active model in a background job
(`suggest_codes`), stored with confidence and evidence; a newer model's suggestions
supersede the older ones nobody has decided yet."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict

from sqlmodel import Session, col, select

from nlp.interface import CodeSuggestion, StoryText
from storybank import jobs
from storybank.learning import active_suggester
from storybank.models import (
    TEXT_FIELDS,
    Code,
    Story,
    StoryStatus,
    Suggestion,
    SuggestionDecision,
    SuggestionRun,
    SuggestionRunState,
    SuggestionState,
    utcnow,
)

logger = logging.getLogger(__name__)
SUGGEST_JOB = "suggest_codes"


def story_text(story: Story) -> StoryText:
    """The story as nlp/ reads it: its text fields plus route, type and weekly costs."""
    fields = {name: getattr(story, name) or "" for name in ("title", *TEXT_FIELDS)}
    return StoryText(
        fields=fields,
        contact_route=story.contact_route,
        story_type=story.story_type,
        weekly_cost_before=_money(story.weekly_cost_before),
        weekly_cost_after=_money(story.weekly_cost_after),
    )


def _money(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def request_suggestions(*, session: Session, story_ids: Sequence[int]) -> None:
    """Mark these stories' suggestions as pending (commit, then `queue_suggestions`)."""
    for story_id in story_ids:
        run = session.get(SuggestionRun, story_id) or SuggestionRun(story_id=story_id)
        run.state, run.requested_at, run.finished_at = SuggestionRunState.pending, utcnow(), None
        session.add(run)


def queue_suggestions(story_ids: Sequence[int]) -> None:
    """Defer the suggest_codes job for each story (after the commit that requested them)."""
    for story_id in story_ids:
        jobs.defer(SUGGEST_JOB, story_id=story_id)


@jobs.task(SUGGEST_JOB, queueing_lock="suggest_codes:{story_id}")
def suggest_codes(*, session_factory: jobs.SessionFactory, story_id: int) -> None:
    """Ask the active model about one submitted story and store what it suggests."""
    with session_factory() as session:
        story = session.get(Story, story_id)
        run = session.get(SuggestionRun, story_id) or SuggestionRun(story_id=story_id)
        if story is None or story.erased_at is not None:
            return
        suggester = (
            active_suggester(session=session) if story.status == StoryStatus.submitted else None
        )
        if suggester is None:
            run.state = SuggestionRunState.no_model
        else:
            made = suggester.suggest(story_text(story))
            store_suggestions(session=session, story_id=story_id, suggestions=made)
            run.state, run.model_version = SuggestionRunState.ready, suggester.info.version
        run.finished_at = utcnow()
        session.add(run)
        session.commit()
    logger.info("suggestions for story %s: %s", story_id, run.state)


def store_suggestions(
    *, session: Session, story_id: int, suggestions: Sequence[CodeSuggestion]
) -> list[Suggestion]:
    """Store a model's suggestions (codes the codebook lacks, or without evidence, are
    skipped) and supersede undecided pending ones of other model versions."""
    codes = {c.key: c.id for c in session.exec(select(Code).where(col(Code.active))).all()}
    wanted = [s for s in suggestions if s.code_key in codes and s.evidence]
    versions = {s.model_version for s in wanted}
    _supersede(session, story_id, keep_versions=versions)
    existing = {
        (s.code_id, s.model_version)
        for s in session.exec(select(Suggestion).where(Suggestion.story_id == story_id)).all()
    }
    stored = [
        Suggestion(
            story_id=story_id,
            code_id=codes[s.code_key] or 0,
            model_version=s.model_version,
            confidence=float(s.confidence),
            evidence=[asdict(e) for e in s.evidence],
        )
        for s in wanted
        if (codes[s.code_key], s.model_version) not in existing
    ]
    session.add_all(stored)
    return stored


def _supersede(session: Session, story_id: int, *, keep_versions: set[str]) -> None:
    decided = select(SuggestionDecision.suggestion_id).where(
        SuggestionDecision.story_id == story_id
    )
    older = session.exec(
        select(Suggestion).where(
            Suggestion.story_id == story_id,
            Suggestion.state == SuggestionState.pending,
            col(Suggestion.model_version).not_in(keep_versions),
            col(Suggestion.id).not_in(decided),
        )
    ).all()
    for suggestion in older:
        suggestion.state, suggestion.settled_at = SuggestionState.superseded, utcnow()
        session.add(suggestion)


@jobs.on_start
def requeue_pending(session_factory: jobs.SessionFactory) -> None:
    """At start-up: queue again every story whose suggestions were still pending."""
    with session_factory() as session:
        pending = session.exec(
            select(SuggestionRun.story_id).where(SuggestionRun.state == SuggestionRunState.pending)
        ).all()
    queue_suggestions(list(pending))


def suggestions_state(*, session: Session, story_id: int) -> str | None:
    """Where the story's suggestions are: pending, ready, no_model, or None (never asked)."""
    run = session.get(SuggestionRun, story_id)
    return run.state if run else None


def suggest_for_stories_without_a_model(*, session: Session) -> list[int]:
    """Ask again for the submitted stories that found no active model when they were
    submitted (a new model has just been activated): queued for the job runner when one
    is running (the app), otherwise made here and now (the `storybank nlp train` command)."""
    ids = list(
        session.exec(
            select(SuggestionRun.story_id)
            .join(Story, col(Story.id) == SuggestionRun.story_id)
            .where(SuggestionRun.state == SuggestionRunState.no_model)
            .where(Story.status == StoryStatus.submitted, col(Story.erased_at).is_(None))
            .order_by(col(SuggestionRun.story_id))
        ).all()
    )
    if not ids:
        return []
    request_suggestions(session=session, story_ids=ids)
    session.commit()
    if jobs.running() is not None:
        queue_suggestions(ids)
        return ids
    bind = session.get_bind()
    for story_id in ids:
        suggest_codes(
            session_factory=lambda: Session(bind, expire_on_commit=False), story_id=story_id
        )
    return ids
