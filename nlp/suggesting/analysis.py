"""A story run through the pipeline, kept as plain values: sentences, lemmas, cue hits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH
from spacy.language import Language
from spacy.tokens import Doc

from nlp.cues.matcher import CueHit, sentence_bounds
from nlp.interface import StoryText


@dataclass(frozen=True)
class Sentence:
    """One sentence of a field: its offsets, its lemmas (words only) and its cue hits."""

    field: str
    start: int
    end: int
    lemmas: tuple[str, ...]  # words only, no punctuation
    hits: tuple[CueHit, ...]


@dataclass(frozen=True)
class Analysis:
    """A whole story: its sentences in order, and its lemma and lower-case text."""

    story: StoryText
    sentences: tuple[Sentence, ...]

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


def _sentences(doc: Doc, field: str) -> list[Sentence]:
    hits_by_sentence: dict[int, list[CueHit]] = {}
    for hit in doc._.storybank_cues:
        hits_by_sentence.setdefault(hit.sentence, []).append(hit)
    lemmas = doc._.storybank_lemmas or [t.lemma_ for t in doc]
    bounds = doc._.storybank_sentences or sentence_bounds(doc)
    if not len(doc):
        return []
    columns = doc.to_array([IS_PUNCT, IS_SPACE, IDX, LENGTH]).tolist()
    found = []
    for index, (start, end) in enumerate(bounds):
        rows = columns[start:end]
        words = tuple(lemmas[start + i] for i, row in enumerate(rows) if not (row[0] or row[1]))
        if not words:
            continue
        kept = [row for row in rows if not row[1]]
        hits = tuple(hits_by_sentence.get(index, ()))
        found.append(Sentence(field, kept[0][2], kept[-1][2] + kept[-1][3], words, hits))
    return found
