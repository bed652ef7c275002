"""Precision, recall, F1 and Cohen's kappa per code, and micro/macro summaries by kind."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nlp.interface import CodeMetrics, CodeSpec


def code_metrics(
    truth: np.ndarray, predicted: np.ndarray, threshold: float | None = None
) -> CodeMetrics:
    """One code's figures from 0/1 arrays."""
    tp = int(((truth == 1) & (predicted == 1)).sum())
    fp = int(((truth == 0) & (predicted == 1)).sum())
    fn = int(((truth == 1) & (predicted == 0)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return CodeMetrics(
        round(precision, 4),
        round(recall, 4),
        round(f1, 4),
        round(cohen_kappa(truth, predicted), 4),
        support=int(truth.sum()),
        threshold=threshold,
    )


def cohen_kappa(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Cohen's kappa of two 0/1 arrays (0 when chance agreement is total)."""
    n = len(truth)
    if n == 0:
        return 0.0
    observed = float((truth == predicted).mean())
    p_true, p_pred = float(truth.mean()), float(predicted.mean())
    expected = p_true * p_pred + (1 - p_true) * (1 - p_pred)
    return 0.0 if expected >= 1.0 else (observed - expected) / (1 - expected)


def per_code(
    keys: Sequence[str],
    truth: np.ndarray,
    predicted: np.ndarray,
    thresholds: Sequence[float | None] | None = None,
) -> dict[str, CodeMetrics]:
    """Figures for every code (columns of the stories x codes arrays)."""
    cuts = thresholds or [None] * len(keys)
    return {key: code_metrics(truth[:, i], predicted[:, i], cuts[i]) for i, key in enumerate(keys)}


def kind_summary(
    codebook: Sequence[CodeSpec],
    truth: np.ndarray,
    predicted: np.ndarray,
    metrics: Mapping[str, CodeMetrics],
) -> dict[str, float]:
    """micro-F1, macro-F1 and mean kappa for outcomes and for themes."""
    summary: dict[str, float] = {}
    for kind in ("outcome", "theme"):
        columns = [i for i, code in enumerate(codebook) if code.kind == kind]
        if not columns:
            continue
        t, p = truth[:, columns], predicted[:, columns]
        tp = float(((t == 1) & (p == 1)).sum())
        wrong = float((t != p).sum())
        summary[f"{kind}_micro_f1"] = round(2 * tp / (2 * tp + wrong), 4) if tp + wrong else 0.0
        chosen = [metrics[codebook[i].key] for i in columns]
        summary[f"{kind}_macro_f1"] = round(float(np.mean([m.f1 for m in chosen])), 4)
        summary[f"{kind}_mean_kappa"] = round(float(np.mean([m.kappa for m in chosen])), 4)
    return summary


def label_matrix(codes: Sequence[frozenset[str]], keys: Sequence[str]) -> np.ndarray:
    """Stories x codes 0/1 matrix."""
    return np.array(
        [[1 if key in found else 0 for key in keys] for found in codes], dtype=np.int64
    ).reshape(len(codes), len(keys))
