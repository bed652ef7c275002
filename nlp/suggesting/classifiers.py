"""One logistic regression per code over shared + per-code features, kept as plain arrays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from nlp.metrics import cohen_kappa

CUE_ONLY_WEIGHTS = np.array([3.0, -1.0, 0.0, 1.0, 2.0], dtype=np.float64)
CUE_ONLY_INTERCEPT = -2.5


@dataclass
class CodeClassifier:
    """A code's linear decision function (its calibration and threshold are set afterwards)."""

    key: str
    coef: np.ndarray  # shared features, then the code's own block
    intercept: float
    cue_only: bool
    platt_a: float = 1.0
    platt_b: float = 0.0
    threshold: float = 0.5

    def decision(self, shared: sparse.csr_matrix, block: np.ndarray) -> np.ndarray:
        """Raw scores for rows of shared features and this code's block."""
        width = shared.shape[1]
        return shared @ self.coef[:width] + block @ self.coef[width:] + self.intercept

    def probability(self, decision: np.ndarray) -> np.ndarray:
        """Calibrated confidence from raw scores (Platt scaling fitted out of fold)."""
        return 1.0 / (1.0 + np.exp(-(self.platt_a * decision + self.platt_b)))


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
    """Fit one code: words and cues together, blended with cues alone while examples are few.

    The blend weight of the word model is n / (n + prior_strength) for n positive examples, so
    a code with few confirmed stories is carried by its cue evidence and profile similarity.
    With too few positive (or negative) stories it runs on fixed cue weights alone.
    """
    positives = int(y.sum())
    width = shared.shape[1]
    cue_only = np.concatenate([np.zeros(width), CUE_ONLY_WEIGHTS])
    if positives < min_positive or positives > len(y) - 2:
        return CodeClassifier(key, cue_only, CUE_ONLY_INTERCEPT, cue_only=True)
    rows = sparse.hstack([shared, sparse.csr_matrix(block)], format="csr")
    words = _logistic(c, seed).fit(rows, y)
    cues = _logistic(1.0, seed).fit(block, y)
    share = positives / (positives + prior_strength)
    coef = share * words.coef_[0] + (1 - share) * np.concatenate([np.zeros(width), cues.coef_[0]])
    intercept = share * words.intercept_[0] + (1 - share) * cues.intercept_[0]
    return CodeClassifier(key, coef.astype(np.float64), float(intercept), False)


def _logistic(c: float, seed: int) -> LogisticRegression:
    return LogisticRegression(
        C=c,
        class_weight="balanced",
        solver="liblinear",
        dual=True,
        random_state=seed,
        max_iter=2000,
    )


def fit_platt(decision: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling parameters for out-of-fold scores (identity-ish when y is constant)."""
    if y.min() == y.max():
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
        predicted = probability >= cut
        tp = float((predicted & (y == 1)).sum())
        fp = float((predicted & (y == 0)).sum())
        fn = float((~predicted & (y == 1)).sum())
        denominator = (1 + beta**2) * tp + beta**2 * fn + fp
        score = (1 + beta**2) * tp / denominator if denominator else 0.0
        score += cohen_kappa(y, predicted.astype(np.int64))
        if score > best_score + 1e-9:
            best, best_score = float(cut), score
    return min(max(best, 0.05), 0.95)


def decision_matrix(
    classifiers: Sequence[CodeClassifier], shared: sparse.csr_matrix, blocks: np.ndarray
) -> np.ndarray:
    """Raw scores of every code at once, stories x codes."""
    if not classifiers:
        return np.zeros((shared.shape[0], 0))
    width = shared.shape[1]
    weights = np.stack([c.coef[:width] for c in classifiers], axis=1)
    own = np.stack([c.coef[width:] for c in classifiers])
    intercepts = np.array([c.intercept for c in classifiers])
    return np.asarray(shared @ weights) + np.einsum("nkf,kf->nk", blocks, own) + intercepts


def without_structure(shared: sparse.csr_matrix, size: int) -> sparse.csr_matrix:
    """The same rows with the structured-field columns (the last `size`) cleared."""
    keep = np.ones(shared.shape[1])
    keep[-size:] = 0.0
    return sparse.csr_matrix(shared @ sparse.diags(keep))
