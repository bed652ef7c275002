"""The trained suggestion model: text in, suggestions with confidence and evidence out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nlp.interface import CodeSuggestion, ModelInfo, StoryText, TrainOptions
from nlp.pipeline import load_pipeline
from nlp.suggesting.analysis import Analysis, analyse_many
from nlp.suggesting.classifiers import CodeClassifier
from nlp.suggesting.evidence import choose_evidence, sentence_scores
from nlp.suggesting.space import FeatureSpace


@dataclass
class TrainedModel:
    """Per-code calibrated classifiers over one feature space; satisfies `Suggester`."""

    info: ModelInfo
    options: TrainOptions
    space: FeatureSpace
    classifiers: tuple[CodeClassifier, ...]

    def suggest(self, story: StoryText) -> list[CodeSuggestion]:
        """Suggested codes for one story, most confident first."""
        return self.suggest_many([story])[0]

    def suggest_many(self, stories: Sequence[StoryText]) -> list[list[CodeSuggestion]]:
        """Suggested codes for each story, most confident first."""
        analyses = analyse_many(load_pipeline(self.options.pipeline), stories)
        return self.suggest_analysed(analyses)

    def suggest_analysed(self, analyses: Sequence[Analysis]) -> list[list[CodeSuggestion]]:
        """Suggestions for stories already run through the pipeline."""
        probabilities = self.probabilities(analyses)
        sentence_rows = self.space.sentence_rows(analyses)
        found: list[list[CodeSuggestion]] = []
        for row, analysis in enumerate(analyses):
            similarity = np.asarray((sentence_rows[row] @ self.space.profiles.T).todense())
            found.append(
                self._story_suggestions(
                    analysis, probabilities[row], sentence_rows[row], similarity
                )
            )
        return found

    def to_bytes(self) -> bytes:
        """The model in its safe saved form (JSON and arrays in a zip; see storage.py)."""
        from nlp.suggesting.storage import model_to_bytes

        return model_to_bytes(self)

    def probabilities(self, analyses: Sequence[Analysis]) -> np.ndarray:
        """Calibrated confidences, stories x codes."""
        return self.space_probabilities(self.space, self.classifiers, analyses)

    @staticmethod
    def space_probabilities(
        space: FeatureSpace, classifiers: Sequence[CodeClassifier], analyses: Sequence[Analysis]
    ) -> np.ndarray:
        """Calibrated confidences from a space and its classifiers."""
        shared, blocks = space.shared(analyses), space.blocks(analyses)
        columns = [
            c.probability(c.decision(shared, blocks[:, i, :])) for i, c in enumerate(classifiers)
        ]
        return np.stack(columns, axis=1) if columns else np.zeros((len(analyses), 0))

    def _story_suggestions(self, analysis, probabilities, rows, similarity) -> list[CodeSuggestion]:  # type: ignore[no-untyped-def]
        width = self.space.word.transform([""]).shape[1]
        found = []
        for index, classifier in enumerate(self.classifiers):
            confidence = float(probabilities[index])
            if confidence < classifier.threshold:
                continue
            cues = self.space.lexicon.codes.get(classifier.key)
            included = cues.include if cues else ()
            scores = sentence_scores(
                analysis,
                classifier.key,
                included,
                classifier.coef[:width],
                rows,
                similarity[:, index] if similarity.size else np.zeros(0),
            )
            evidence = choose_evidence(analysis, scores)
            if evidence:
                found.append(
                    CodeSuggestion(
                        classifier.key, round(confidence, 4), self.info.version, evidence
                    )
                )
        return sorted(found, key=lambda s: (-s.confidence, s.code_key))
