"""Where a suggestion's evidence is chosen: the sentences that carry the code."""

from __future__ import annotations

import numpy as np

from nlp.cues.scope import EVIDENCE
from nlp.interface import Evidence
from nlp.suggesting.analysis import Analysis

MAX_EVIDENCE = 3


def sentence_scores(
    analysis: Analysis, key: str, included: tuple[str, ...], support: np.ndarray
) -> np.ndarray:
    """Each sentence's support for one code: cue evidence, then model weight and similarity."""
    scores = np.array(support, dtype=np.float64)
    for position, sentence in enumerate(analysis.sentences):
        for hit in sentence.hits:
            if hit.status != EVIDENCE:
                continue
            if hit.code == key:
                scores[position] += 2.0
            elif hit.code in included:
                scores[position] += 1.0
    return scores


def choose_evidence(analysis: Analysis, scores: np.ndarray) -> tuple[Evidence, ...]:
    """The best 1-3 sentences with positive support (none: the code is not suggested)."""
    if not len(scores):
        return ()
    order = np.argsort(-scores, kind="stable")
    best = scores[order[0]]
    if best <= 0.0:
        return ()
    chosen = [i for i in order[:MAX_EVIDENCE] if scores[i] > 0.0 and scores[i] >= best * 0.5]
    found = []
    for index in sorted(chosen):
        sentence = analysis.sentences[index]
        text = analysis.story.fields[sentence.field][sentence.start : sentence.end]
        found.append(Evidence(sentence.field, sentence.start, sentence.end, text))
    return tuple(found)
