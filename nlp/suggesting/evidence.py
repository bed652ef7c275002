"""Where a suggestion's evidence is chosen: the sentences that carry the code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nlp.cues.lexicon import Lexicon
from nlp.cues.scope import EVIDENCE
from nlp.interface import Evidence
from nlp.suggesting.analysis import Analysis

MAX_EVIDENCE = 3


def cue_columns(keys: Sequence[str], lexicon: Lexicon) -> dict[str, tuple[tuple[int, float], ...]]:
    """Per cue code, the code columns its evidence supports: its own (2.0), includers' (1.0)."""
    index = {key: position for position, key in enumerate(keys)}
    found: dict[str, list[tuple[int, float]]] = {key: [(index[key], 2.0)] for key in keys}
    for key in keys:
        cues = lexicon.codes.get(key)
        for other in cues.include if cues else ():
            found.setdefault(other, []).append((index[key], 1.0))
    return {key: tuple(columns) for key, columns in found.items()}


def cue_support(
    analysis: Analysis, columns: Mapping[str, tuple[tuple[int, float], ...]], size: int
) -> np.ndarray:
    """Each sentence's cue evidence for every code at once, sentences x codes."""
    scores = np.zeros((len(analysis.sentences), size), dtype=np.float64)
    for position, sentence in enumerate(analysis.sentences):
        for hit in sentence.hits:
            if hit.status == EVIDENCE:
                for column, weight in columns.get(hit.code, ()):
                    scores[position, column] += weight
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
