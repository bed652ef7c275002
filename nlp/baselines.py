"""The two baselines every evaluation prints: the best constant guess and bag-of-words."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlp.interface import CodeSpec, LabelledStory, StoryText
from nlp.metrics import label_matrix


def constant_predictions(
    gold: Sequence[LabelledStory], codebook: Sequence[CodeSpec]
) -> tuple[np.ndarray, tuple[str, ...]]:
    """The one label set (per kind) that maximises micro-F1 on these stories, for every story."""
    keys = [code.key for code in codebook]
    truth = label_matrix([example.codes for example in gold], keys)
    chosen: list[str] = []
    for kind in ("outcome", "theme"):
        columns = [i for i, code in enumerate(codebook) if code.kind == kind]
        chosen.extend(keys[i] for i in _best_prefix(truth[:, columns], columns))
    row = np.array([1 if key in chosen else 0 for key in keys], dtype=np.int64)
    return np.tile(row, (len(gold), 1)), tuple(chosen)


def _best_prefix(truth: np.ndarray, columns: Sequence[int]) -> list[int]:
    """Most frequent codes first; the prefix with the best micro-F1 (optimal for a constant)."""
    if not len(truth):
        return []
    counts = truth.sum(axis=0)
    order = list(np.argsort(-counts, kind="stable"))
    best, best_f1, tp, fp = 0, 0.0, 0.0, 0.0
    total = float(counts.sum())
    for size, column in enumerate(order, start=1):
        tp += counts[column]
        fp += len(truth) - counts[column]
        f1 = 2 * tp / (2 * tp + fp + (total - tp)) if tp else 0.0
        if f1 > best_f1:
            best, best_f1 = size, f1
    return [columns[i] for i in order[:best]]


def bag_of_words_predictions(
    training: Sequence[LabelledStory], stories: Sequence[StoryText], codebook: Sequence[CodeSpec]
) -> np.ndarray:
    """Plain TF-IDF words + logistic regression per code at 0.5, trained on `training`."""
    keys = [code.key for code in codebook]
    predicted = np.zeros((len(stories), len(keys)), dtype=np.int64)
    if not training or not stories:
        return predicted
    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1)
    x_train = vectorizer.fit_transform([example.story.joined() for example in training])
    x_test = vectorizer.transform([story.joined() for story in stories])
    y = label_matrix([example.codes for example in training], keys)
    for i in range(len(keys)):
        if 0 < y[:, i].sum() < len(training):
            model = LogisticRegression(class_weight="balanced", solver="liblinear", dual=True)
            predicted[:, i] = model.fit(x_train, y[:, i]).predict(x_test)
    return predicted
