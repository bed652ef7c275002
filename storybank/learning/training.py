"""Training a new model version and deciding whether it replaces the active one.

The rule: the candidate's options and the active version's recorded options are both
cross-validated on the same folds (same seed) of the same current examples; the candidate
is activated when its outcome micro-F1 + theme micro-F1 is not lower than the active one's
(a tie activates, so a retrain with the same options on more decisions always goes live).
Otherwise it is kept as "refused", with the comparison that refused it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

import nlp
from nlp.interface import CodeSpec, LabelledStory, TrainOptions
from storybank.audit import record_event
from storybank.errors import Conflict, InvalidInput
from storybank.learning.examples import codebook_specs, codebook_version, training_examples
from storybank.learning.options import options_from_json, options_to_json
from storybank.learning.versions import active_version, make_active
from storybank.models import ModelStatus, ModelVersion, User

if TYPE_CHECKING:
    from nlp.suggesting.model import TrainedModel

MIN_EXAMPLES = 10
SCORE_KEYS = ("outcome_micro_f1", "theme_micro_f1")
RULE = "activate when outcome micro-F1 + theme micro-F1 on the same folds is not lower"
# What a stage reports: its name, steps done, steps in all.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class TrainingResult:
    """What a training run recorded and why it was (or was not) activated."""

    version: str
    activated: bool
    reason: str
    training_size: int
    per_code: dict[str, dict[str, Any]]
    comparison: dict[str, Any]


def train_and_maybe_activate(
    *,
    session: Session,
    actor: User | None,
    options: TrainOptions | None = None,
    progress: Progress | None = None,
    seed: int = 0,
    via: str = "command",
) -> TrainingResult:
    """Train on every final coding, compare with the active model, record the version."""
    chosen = options or TrainOptions()
    examples, specs = training_examples(session), codebook_specs(session)
    _require_enough(examples)
    session.rollback()  # read nothing more for a while: hold no transaction while training
    model = nlp.train_model(
        examples,
        specs,
        codebook_version=codebook_version(specs),
        options=chosen,
        seed=seed,
        progress=_stage(progress, "Training"),
    )
    _refuse_unchanged(session, model.info.version, len(examples))
    comparison = compare_with_active(session, model, examples, specs, chosen, seed, progress)
    try:
        row = _record(session, actor, model, chosen, len(examples), comparison)
        row.trained_via = via
        record_event(
            session=session,
            actor=actor,
            action="model.train",
            entity="model_version",
            entity_id=row.version,
            details={"status": row.status, "training_size": row.training_size},
        )
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise Conflict(
            "Another model was recorded or activated while this one trained; "
            "run `storybank nlp train` again.",
            code="model_training_clashed",
        ) from error
    if row.status == ModelStatus.active:
        _suggest_where_no_model_was(session)
    return TrainingResult(
        version=row.version,
        activated=row.status == ModelStatus.active,
        reason=row.status_reason,
        training_size=row.training_size,
        per_code=row.metrics["per_code"],
        comparison=comparison,
    )


def _suggest_where_no_model_was(session: Session) -> None:
    """Stories submitted while there was no model get the new model's suggestions."""
    # Imported here: storybank.review.suggesting imports this package for the active model.
    from storybank.review.suggesting import suggest_for_stories_without_a_model

    suggest_for_stories_without_a_model(session=session)


def compare_with_active(
    session: Session,
    model: TrainedModel,
    examples: list[LabelledStory],
    specs: list[CodeSpec],
    options: TrainOptions,
    seed: int,
    progress: Progress | None,
) -> dict[str, Any]:
    """The candidate's options against the active version's, on the same folds.

    The candidate's own training cross-validated it on these folds already (same seed,
    same examples, same fold count), so only the active version's options are run again.
    """
    current = active_version(session)
    folds = max(2, min(options.folds, len(examples)))  # as nlp.train_model chooses them
    base: dict[str, Any] = {"rule": RULE, "folds": folds, "seed": seed, "examples": len(examples)}
    if current is None:
        return {**base, "active": None, "activate": True, "why": "There was no active model."}
    candidate = _scored(model.info.summary)
    if current.options == options_to_json(options):
        active = candidate  # same options, same folds, same examples: the same figures
    else:
        found = nlp.cross_validate(
            examples,
            specs,
            options=options_from_json(current.options),
            folds=folds,
            seed=seed,
            progress=_stage(progress, "Checking the active model on the same folds"),
        )
        active = _scored(found.summary)
    return {
        **base,
        "active": {"version": current.version, "options": current.options, **active},
        "candidate": {"options": options_to_json(options), **candidate},
        **decide(candidate["score"], active["score"], current.version),
    }


def decide(candidate: float, active: float, active_version_id: str) -> dict[str, Any]:
    """Whether the candidate replaces the active model, and a sentence saying why."""
    if candidate >= active - 1e-9:
        why = (
            f"Outcome + theme micro-F1 {candidate:.3f} is not lower than {active:.3f} "
            f"for the active {active_version_id} on the same folds."
        )
        return {"activate": True, "why": why}
    why = (
        f"Outcome + theme micro-F1 {candidate:.3f} is lower than {active:.3f} for the "
        f"active {active_version_id} on the same folds; {active_version_id} stays active."
    )
    return {"activate": False, "why": why}


def _scored(summary: Mapping[str, float]) -> dict[str, Any]:
    figures = {key: float(value) for key, value in summary.items()}
    return {"summary": figures, "score": sum(figures.get(key, 0.0) for key in SCORE_KEYS)}


def _refuse_unchanged(session: Session, version: str, size: int) -> None:
    """The same stories, codes and options give the same version id: say so, record nothing."""
    found = session.exec(select(ModelVersion).where(ModelVersion.version == version)).first()
    if found is not None:
        raise Conflict(
            f"Nothing has changed since model {version} was trained: the same {size} "
            f"stories, codes and options give the same model (it is {found.status}).",
            code="model_unchanged",
        )


def _record(
    session: Session,
    actor: User | None,
    model: TrainedModel,
    options: TrainOptions,
    size: int,
    comparison: dict[str, Any],
) -> ModelVersion:
    info = model.info
    row = ModelVersion(
        version=info.version,
        created_by_id=actor.id if actor else None,
        status=ModelStatus.candidate,
        training_size=size,
        codebook_version=info.codebook_version,
        options=options_to_json(options),
        metrics={
            "per_code": {key: asdict(figures) for key, figures in info.per_code.items()},
            "summary": dict(info.summary),
            "library_versions": dict(info.library_versions),
        },
        comparison=comparison,
        artifact=model.to_bytes(),
    )
    session.add(row)
    session.flush()
    if comparison["activate"]:
        make_active(session, row, comparison["why"])
    else:
        row.status, row.status_reason = ModelStatus.refused, comparison["why"]
        session.add(row)
    return row


def _require_enough(examples: list[LabelledStory]) -> None:
    if len(examples) < MIN_EXAMPLES:
        raise InvalidInput(
            f"Only {len(examples)} stories have final codes; training needs at least "
            f"{MIN_EXAMPLES}. Code more stories in the review queue first.",
            code="too_few_examples",
        )


def _stage(progress: Progress | None, name: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(name, done, total)
