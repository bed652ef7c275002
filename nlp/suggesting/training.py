"""Training and cross-validation: multi-label stratified folds, calibration, thresholds."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import metadata

import numpy as np
from iterstrat.ml_stratifiers import MultilabelStratifiedKFold
from scipy import sparse

from nlp.cues.lexicon import shipped_lexicon
from nlp.interface import CodeSpec, CrossValidation, LabelledStory, ModelInfo, TrainOptions
from nlp.metrics import kind_summary, label_matrix, per_code
from nlp.pipeline import load_pipeline
from nlp.suggesting.analysis import Analysis, analyse_many
from nlp.suggesting.classifiers import (
    CodeClassifier,
    best_threshold,
    decision_matrix,
    fit_classifier,
    fit_platt,
    without_structure,
)
from nlp.suggesting.features import STRUCTURE_SIZE
from nlp.suggesting.model import TrainedModel
from nlp.suggesting.space import FeatureSpace

Progress = Callable[[int, int], None]
LIBRARIES = ("spacy", "scikit-learn", "numpy", "scipy", "iterative-stratification")


def fit_raw(
    analyses: Sequence[Analysis],
    y: np.ndarray,
    codebook: Sequence[CodeSpec],
    options: TrainOptions,
    seed: int,
) -> tuple[FeatureSpace, list[CodeClassifier]]:
    """Fit the feature space and one uncalibrated classifier per code.

    Each story is seen twice, with and without its structured fields, so the model also works
    from text alone (as `evaluate` and `suggest` on plain text use it).
    """
    space = FeatureSpace.fit(analyses, codebook, shipped_lexicon(), options.cue_weight)
    rows = space.rows(analyses)
    shared = sparse.vstack(
        [rows.shared, without_structure(rows.shared, STRUCTURE_SIZE)], format="csr"
    )
    blocks, y = np.concatenate([rows.blocks, rows.blocks]), np.concatenate([y, y])
    classifiers = [
        fit_classifier(
            code.key,
            shared,
            blocks[:, i, :],
            y[:, i],
            c=options.c,
            min_positive=2 * options.min_positive,
            prior_strength=2 * options.prior_strength,
            seed=seed,
        )
        for i, code in enumerate(codebook)
    ]
    return space, classifiers


def decisions(
    space: FeatureSpace,
    classifiers: Sequence[CodeClassifier],
    analyses: Sequence[Analysis],
    *,
    text_only: bool = False,
) -> np.ndarray:
    """Raw scores, stories x codes (text_only: as if the structured fields were unknown)."""
    rows = space.rows(analyses)
    shared = without_structure(rows.shared, STRUCTURE_SIZE) if text_only else rows.shared
    return decision_matrix(classifiers, shared, rows.blocks)


def fold_indices(y: np.ndarray, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Multi-label stratified folds: the same seed and labels give the same folds."""
    splitter = MultilabelStratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros((len(y), 1)), y))


def out_of_fold(
    analyses: Sequence[Analysis],
    y: np.ndarray,
    codebook: Sequence[CodeSpec],
    options: TrainOptions,
    folds: int,
    seed: int,
    progress: Progress | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each story's raw scores from a model that never saw it: as stored, and as text alone."""
    full = np.zeros(y.shape, dtype=np.float64)
    text = np.zeros(y.shape, dtype=np.float64)
    for step, (train, test) in enumerate(fold_indices(y, folds, seed), start=1):
        chosen = [analyses[i] for i in train]
        space, classifiers = fit_raw(chosen, y[train], codebook, options, seed)
        held = [analyses[i] for i in test]
        full[test] = decisions(space, classifiers, held)
        text[test] = decisions(space, classifiers, held, text_only=True)
        if progress:
            progress(step, folds + 1)
    return full, text


def calibrated(
    scores: np.ndarray, y: np.ndarray, beta: float
) -> tuple[list[tuple[float, float]], list[float]]:
    """Platt parameters and F-beta thresholds for out-of-fold scores."""
    platt = [fit_platt(scores[:, i], y[:, i]) for i in range(y.shape[1])]
    probs = calibrate(scores, platt)
    cuts = [best_threshold(probs[:, i], y[:, i], beta) for i in range(y.shape[1])]
    return platt, cuts


def calibrate(scores: np.ndarray, platt: Sequence[tuple[float, float]]) -> np.ndarray:
    """Calibrated confidences from raw scores."""
    a = np.array([p[0] for p in platt])
    b = np.array([p[1] for p in platt])
    return np.asarray(1.0 / (1.0 + np.exp(-(a * scores + b))))


def cross_validate_analysed(
    analyses: Sequence[Analysis],
    codebook: Sequence[CodeSpec],
    y: np.ndarray,
    *,
    options: TrainOptions,
    folds: int,
    seed: int,
    progress: Progress | None = None,
) -> tuple[CrossValidation, list[tuple[float, float]], list[float]]:
    """Cross-validated figures, with the calibration and thresholds they imply.

    Calibration and thresholds are fitted on the out-of-fold scores of both views (as stored,
    and text alone), so the figures are slightly optimistic: the thresholds saw those scores.
    """
    full, text = out_of_fold(analyses, y, codebook, options, folds, seed, progress)
    platt, cuts = calibrated(
        np.concatenate([full, text]), np.concatenate([y, y]), options.recall_beta
    )
    keys = [code.key for code in codebook]
    predicted = (calibrate(full, platt) >= np.array(cuts)).astype(np.int64)
    metrics = per_code(keys, y, predicted, cuts)
    summary = kind_summary(codebook, y, predicted, metrics)
    text_predicted = (calibrate(text, platt) >= np.array(cuts)).astype(np.int64)
    text_metrics = per_code(keys, y, text_predicted, cuts)
    for name, value in kind_summary(codebook, y, text_predicted, text_metrics).items():
        summary[f"text_only_{name}"] = value
    return CrossValidation(metrics, summary, folds, seed, len(analyses)), platt, cuts


def cross_validate(
    examples: Sequence[LabelledStory],
    codebook: Sequence[CodeSpec],
    *,
    options: TrainOptions | None = None,
    folds: int = 5,
    seed: int = 0,
    progress: Progress | None = None,
) -> CrossValidation:
    """Per-code cross-validated precision, recall, F1 and kappa, and their summary."""
    chosen = options or TrainOptions()
    analyses = analyse_many(load_pipeline(chosen.pipeline), [e.story for e in examples])
    y = label_matrix([e.codes for e in examples], [c.key for c in codebook])
    result, _, _ = cross_validate_analysed(
        analyses, codebook, y, options=chosen, folds=folds, seed=seed, progress=progress
    )
    return result


def train_model(
    examples: Sequence[LabelledStory],
    codebook: Sequence[CodeSpec],
    *,
    codebook_version: str,
    options: TrainOptions | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> TrainedModel:
    """Train on all examples; thresholds, calibration and metrics come from cross-validation."""
    chosen = options or TrainOptions()
    analyses = analyse_many(load_pipeline(chosen.pipeline), [e.story for e in examples])
    y = label_matrix([e.codes for e in examples], [c.key for c in codebook])
    folds = max(2, min(chosen.folds, len(examples)))
    cv, platt, cuts = cross_validate_analysed(
        analyses, codebook, y, options=chosen, folds=folds, seed=seed, progress=progress
    )
    space, classifiers = fit_raw(analyses, y, codebook, chosen, seed)
    for classifier, (a, b), cut in zip(classifiers, platt, cuts, strict=True):
        classifier.platt_a, classifier.platt_b, classifier.threshold = a, b, cut
    if progress:
        progress(folds + 1, folds + 1)
    info = ModelInfo(
        version=model_version(examples, codebook, codebook_version, chosen, seed),
        codebook_version=codebook_version,
        labels=tuple(c.key for c in codebook),
        training_size=len(examples),
        library_versions=library_versions(),
        per_code=cv.per_code,
        summary=cv.summary,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    return TrainedModel(info, chosen, space, tuple(classifiers))


def model_version(
    examples: Sequence[LabelledStory],
    codebook: Sequence[CodeSpec],
    codebook_version: str,
    options: TrainOptions,
    seed: int,
) -> str:
    """A version id that depends only on what went into training."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(
            json.dumps([dict(example.story.fields), sorted(example.codes)], sort_keys=True).encode()
        )
    digest.update(
        json.dumps(
            [
                [c.key for c in codebook],
                codebook_version,
                options.as_dict(),
                seed,
                shipped_lexicon().version,
            ]
        ).encode()
    )
    return f"sb-{digest.hexdigest()[:12]}"


def library_versions() -> dict[str, str]:
    """Versions of the libraries a model was trained with."""
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "unknown"
    return found
