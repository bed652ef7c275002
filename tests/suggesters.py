"""A small deterministic Suggester for tests: each code is suggested when one of its
phrases appears in a story field, with that phrase as the evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nlp.interface import CodeSuggestion, Evidence, ModelInfo, StoryText

# Phrases of tests.builders.COMPLETE_STORY, each pointing at a code.
DEFAULT_RULES: Mapping[str, tuple[str, float]] = {
    "community_hub": ("library hub", 0.91),
    "community_connections": ("lunch club", 0.84),
    "quick_response": ("waited weeks", 0.62),
    "outcome_3": ("feels like herself again", 0.77),
}


class PhraseSuggester:
    """Suggests a code when its phrase is in a field; the phrase is the evidence."""

    def __init__(
        self, version: str = "test-1", rules: Mapping[str, tuple[str, float]] | None = None
    ) -> None:
        self.version = version
        self.rules = dict(DEFAULT_RULES if rules is None else rules)
        self.asked: list[StoryText] = []

    @property
    def info(self) -> ModelInfo:
        return ModelInfo(
            version=self.version,
            codebook_version="test",
            labels=tuple(self.rules),
            training_size=0,
            library_versions={},
            per_code={},
        )

    def suggest(self, story: StoryText) -> list[CodeSuggestion]:
        self.asked.append(story)
        found = []
        for key, (phrase, confidence) in self.rules.items():
            evidence = [
                Evidence(name, at, at + len(phrase), phrase)
                for name, text in story.fields.items()
                if (at := text.find(phrase)) >= 0
            ]
            if evidence:
                found.append(CodeSuggestion(key, confidence, self.version, tuple(evidence[:3])))
        return found

    def suggest_many(self, stories: Sequence[StoryText]) -> list[list[CodeSuggestion]]:
        return [self.suggest(story) for story in stories]
