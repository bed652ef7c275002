"""The trained suggestion model: text in, suggestions with confidence and evidence out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from nlp.interface import CodeSuggestion, ModelInfo, StoryText, TrainOptions
from nlp.pipeline import load_pipeline
from nlp.suggesting.analysis import Analysis, analyse_many
from nlp.suggesting.classifiers import CodeClassifier, Stacked, probabilities, stack
from nlp.suggesting.evidence import choose_evidence, cue_columns, cue_support
from nlp.suggesting.space import FeatureSpace, Rows


@dataclass
class TrainedModel:
    """Per-code calibrated classifiers over one feature space; satisfies `Suggester`."""

    info: ModelInfo
    options: TrainOptions
    space: FeatureSpace
    classifiers: tuple[CodeClassifier, ...]
    _term_weights: np.ndarray | None = field(default=None, repr=False, compare=False)
    _stacked: Stacked | None = field(default=None, repr=False, compare=False)
    _cue_columns: dict[str, tuple[tuple[int, float], ...]] | None = field(
        default=None, repr=False, compare=False
    )

    def suggest(self, story: StoryText) -> list[CodeSuggestion]:
        """Suggested codes for one story, most confident first."""
        return self.suggest_many([story])[0]

    def suggest_many(self, stories: Sequence[StoryText]) -> list[list[CodeSuggestion]]:
        """Suggested codes for each story, most confident first."""
        analyses = analyse_many(load_pipeline(self.options.pipeline), stories)
        return self.suggest_analysed(analyses)

    def suggest_analysed(self, analyses: Sequence[Analysis]) -> list[list[CodeSuggestion]]:
        """Suggestions for stories already run through the pipeline."""
        rows = self.space.rows(analyses)
        probabilities = self.probabilities_of(rows)
        thresholds = np.array([c.threshold for c in self.classifiers])
        sentence_weights = np.asarray(rows.sentences @ self.term_weights())
        found = []
        for row, analysis in enumerate(analyses):
            start, end = rows.offsets[row], rows.offsets[row + 1]
            above = np.flatnonzero(probabilities[row] >= thresholds)
            found.append(
                self._suggestions(
                    analysis,
                    probabilities[row],
                    above,
                    sentence_weights[start:end] + rows.similarity[start:end],
                )
            )
        return found

    def to_bytes(self) -> bytes:
        """The model in its safe saved form (JSON and arrays in a zip; see storage.py)."""
        from nlp.suggesting.storage import model_to_bytes

        return model_to_bytes(self)

    def probabilities_of(self, rows: Rows) -> np.ndarray:
        """Calibrated confidences, stories x codes."""
        if self._stacked is None:
            self._stacked = stack(self.classifiers, rows.shared.shape[1])
        return probabilities(self._stacked, rows.shared, rows.blocks)

    def term_weights(self) -> np.ndarray:
        """Each code's weight on each term, terms x codes (for scoring sentences)."""
        if self._term_weights is None:
            size = self.space.terms.size
            self._term_weights = np.stack([c.coef[:size] for c in self.classifiers], axis=1)
        return self._term_weights

    def _suggestions(
        self,
        analysis: Analysis,
        probabilities: np.ndarray,
        above: np.ndarray,
        support: np.ndarray,
    ) -> list[CodeSuggestion]:
        found: list[CodeSuggestion] = []
        if not len(above):
            return found
        if self._cue_columns is None:
            self._cue_columns = cue_columns(self.space.keys, self.space.lexicon)
        scores = support + cue_support(analysis, self._cue_columns, len(self.classifiers))
        for index in above.tolist():
            evidence = choose_evidence(analysis, scores[:, index])
            if evidence:
                confidence = round(float(probabilities[index]), 4)
                key = self.classifiers[index].key
                found.append(CodeSuggestion(key, confidence, self.info.version, evidence))
        return sorted(found, key=lambda s: (-s.confidence, s.code_key))
