"""A story run through the pipeline, kept as plain values: sentences, lemmas, cue hits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.language import Language

from nlp.cues.matcher import CueHit
from nlp.interface import StoryText


@dataclass(frozen=True)
class Sentence:
    """One sentence of a field: its offsets, its lemmas (words only) and its cue hits."""

    field: str
    start: int
    end: int
    lemmas: str
    hits: tuple[CueHit, ...]


@dataclass(frozen=True)
class Analysis:
    """A whole story: its sentences in order, and its lemma and lower-case text."""

    story: StoryText
    sentences: tuple[Sentence, ...]

    @property
    def lemma_text(self) -> str:
        """Every sentence's lemmas, in order."""
        return " ".join(sentence.lemmas for sentence in self.sentences)

    @property
    def lower_text(self) -> str:
        """The story's text, lower-cased."""
        return self.story.joined().lower()

    @property
    def hits(self) -> tuple[CueHit, ...]:
        """All cue hits of the story."""
        return tuple(hit for sentence in self.sentences for hit in sentence.hits)


def analyse_many(nlp: Language, stories: Sequence[StoryText]) -> list[Analysis]:
    """Run every field of every story through the pipeline in one batch."""
    items = [
        (index, name, text) for index, s in enumerate(stories) for name, text in s.fields.items()
    ]
    per_story: list[list[Sentence]] = [[] for _ in stories]
    texts = (text or "" for _, _, text in items)
    for (index, name, _), doc in zip(items, nlp.pipe(texts, batch_size=64), strict=True):
        per_story[index].extend(_sentences(doc, name))
    return [Analysis(s, tuple(found)) for s, found in zip(stories, per_story, strict=True)]


def _sentences(doc: object, field: str) -> list[Sentence]:
    from spacy.tokens import Doc

    assert isinstance(doc, Doc)
    hits_by_sentence: dict[int, list[CueHit]] = {}
    for hit in doc._.storybank_cues:
        hits_by_sentence.setdefault(hit.sentence, []).append(hit)
    found = []
    for index, sent in enumerate(doc.sents):
        words = " ".join(t.lemma_ for t in sent if not (t.is_punct or t.is_space))
        if not words:
            continue
        text_span = sent.text.strip()
        start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        found.append(
            Sentence(
                field, start, start + len(text_span), words, tuple(hits_by_sentence.get(index, ()))
            )
        )
    return found
