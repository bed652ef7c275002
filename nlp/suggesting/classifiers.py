"""Per code, two logistic regressions kept as plain arrays: words and cues, and cues alone.

Each is calibrated on its own out-of-fold scores (Platt scaling); a code's confidence is
their blend, n / (n + prior_strength) on the word model for n positive stories, so a code
with few confirmed stories, or a story unlike the training ones, is carried by its cues.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from nlp.metrics import cohen_kappa

CUE_ONLY_WEIGHTS = np.array([3.0, -1.0, 0.0, 1.0, 2.0, 0.0], dtype=np.float64)
CUE_ONLY_INTERCEPT = -2.5
# The cue model reads evidence, included codes' evidence and the two similarities, not the
# counts of plain or negated mentions: those grow with a story's length (a six-field demo
# story mentions "a care home" several times), so on one-paragraph stories they misled it.
CUE_MODEL_COLUMNS = [0, 3, 4, 5]


@dataclass
class CodeClassifier:
    """A code's two decision functions, their calibrations, blend and threshold."""

    key: str
    coef: np.ndarray  # word model: shared features, then the code's own block
    intercept: float
    cue_coef: np.ndarray  # cue model: the code's own block only
    cue_intercept: float
    share: float  # weight of the word model in the blend (0: cues alone)
    platt: tuple[float, float, float, float] = (
        1.0,
        0.0,
        1.0,
        0.0,
    )  # word a, b; cue a, b
    threshold: float = 0.5


def fit_classifier(
    key: str,
    shared: sparse.csr_matrix,
    block: np.ndarray,
    y: np.ndarray,
    *,
    c: float,
    min_positive: int,
    prior_strength: float,
    seed: int,
) -> CodeClassifier:
    """Fit one code (with too few positive or negative stories: fixed cue weights alone)."""
    positives = int(y.sum())
    width = shared.shape[1] + block.shape[1]
    if positives < min_positive or positives > len(y) - 2:
        return CodeClassifier(
            key, np.zeros(width), 0.0, CUE_ONLY_WEIGHTS.copy(), CUE_ONLY_INTERCEPT, 0.0
        )
    rows = sparse.hstack([shared, sparse.csr_matrix(block)], format="csr")
    words = _logistic(c, seed).fit(rows, y)
    cues = _logistic(1.0, seed).fit(block[:, CUE_MODEL_COLUMNS], y)
    cue_coef = np.zeros(block.shape[1])
    cue_coef[CUE_MODEL_COLUMNS] = cues.coef_[0]
    return CodeClassifier(
        key,
        words.coef_[0].astype(np.float64),
        float(words.intercept_[0]),
        cue_coef,
        float(cues.intercept_[0]),
        positives / (positives + prior_strength),
    )


def _logistic(c: float, seed: int) -> LogisticRegression:
    return LogisticRegression(
        C=c,
        class_weight="balanced",
        solver="liblinear",
        dual=True,
        random_state=seed,
        max_iter=2000,
    )


@dataclass(frozen=True)
class Stacked:
    """Every code's weights side by side, so all codes are scored by a few matrix products."""

    words: np.ndarray  # shared features x codes
    own: np.ndarray  # codes x block (word model)
    cue: np.ndarray  # codes x block (cue model)
    intercepts: np.ndarray  # codes x 2 (word model, cue model)
    platt: np.ndarray  # codes x 4
    share: np.ndarray  # codes


def stack(classifiers: Sequence[CodeClassifier], width: int) -> Stacked:
    """The classifiers' arrays stacked; width: how many shared features there are."""
    return Stacked(
        np.stack([c.coef[:width] for c in classifiers], axis=1),
        np.stack([c.coef[width:] for c in classifiers]),
        np.stack([c.cue_coef for c in classifiers]),
        np.array([(c.intercept, c.cue_intercept) for c in classifiers]),
        np.array([c.platt for c in classifiers]).reshape(len(classifiers), 4),
        np.array([c.share for c in classifiers]),
    )


def decision_matrices(
    classifiers: Sequence[CodeClassifier] | Stacked,
    shared: sparse.csr_matrix,
    blocks: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Raw scores of every code at once (word model, cue model), each stories x codes."""
    if not isinstance(classifiers, Stacked):
        if not classifiers:
            empty = np.zeros((shared.shape[0], 0))
            return empty, empty
        classifiers = stack(classifiers, shared.shape[1])
    arrays = classifiers
    words = np.asarray(shared @ arrays.words) + np.einsum("nkf,kf->nk", blocks, arrays.own)
    words += arrays.intercepts[:, 0]
    cues = np.einsum("nkf,kf->nk", blocks, arrays.cue) + arrays.intercepts[:, 1]
    return words, cues


def blend(words: np.ndarray, cues: np.ndarray, platt: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Calibrated confidences: platt is codes x 4 (word a, b; cue a, b), share per code."""
    p_words = 1.0 / (1.0 + np.exp(-(platt[:, 0] * words + platt[:, 1])))
    p_cues = 1.0 / (1.0 + np.exp(-(platt[:, 2] * cues + platt[:, 3])))
    return np.asarray(share * p_words + (1.0 - share) * p_cues)


def probabilities(
    classifiers: Sequence[CodeClassifier] | Stacked,
    shared: sparse.csr_matrix,
    blocks: np.ndarray,
) -> np.ndarray:
    """Calibrated confidences, stories x codes."""
    arrays = (
        classifiers if isinstance(classifiers, Stacked) else stack(classifiers, shared.shape[1])
    )
    words, cues = decision_matrices(arrays, shared, blocks)
    return blend(words, cues, arrays.platt, arrays.share)


def fit_platt(decision: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling parameters for out-of-fold scores (identity when y is constant)."""
    if y.min() == y.max() or np.ptp(decision) == 0:
        return 1.0, 0.0
    model = LogisticRegression(C=100.0, solver="lbfgs")
    model.fit(decision.reshape(-1, 1), y)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def best_threshold(probability: np.ndarray, y: np.ndarray, beta: float) -> float:
    """The cut that maximises F-beta plus kappa out of fold (beta > 1 favours recall).

    Kappa in the objective stops a common code from being suggested for every story.
    """
    if y.sum() == 0:
        return 0.99
    best, best_score = 0.5, -np.inf
    for cut in np.unique(np.round(probability, 4)):
        score = _cut_score(probability >= cut, y, beta)
        if score > best_score + 1e-9:
            best, best_score = float(cut), score
    return min(max(best, 0.05), 0.95)


def _cut_score(predicted: np.ndarray, y: np.ndarray, beta: float) -> float:
    tp = float((predicted & (y == 1)).sum())
    fp = float((predicted & (y == 0)).sum())
    fn = float((~predicted & (y == 1)).sum())
    denominator = (1 + beta**2) * tp + beta**2 * fn + fp
    score = (1 + beta**2) * tp / denominator if denominator else 0.0
    return score + cohen_kappa(y, predicted.astype(np.int64))


def without_structure(shared: sparse.csr_matrix, size: int) -> sparse.csr_matrix:
    """The same rows with the structured-field columns (the last `size`) cleared."""
    keep = np.ones(shared.shape[1])
    keep[-size:] = 0.0
    return sparse.csr_matrix(shared @ sparse.diags(keep))
