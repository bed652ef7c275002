"""The spaCy component `storybank_cue_matcher`: each code's cue patterns, judged in scope."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from spacy.attrs import IDX, LEMMA, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from nlp.cues.lexicon import KINDS, Lexicon, compile_pattern, shipped_lexicon
from nlp.cues.patterns import LemmaPatterns
from nlp.cues.scope import judge
from nlp.lemmas import lemma_of

for _name in ("storybank_cues", "storybank_lemmas", "storybank_sentences"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=())


@dataclass(frozen=True)
class CueHit:
    """A cue found in a text: its code, kind, status and character span."""

    code: str
    kind: str  # gain | problem
    status: str  # evidence | negated | hedged | context
    start: int
    end: int
    sentence: int  # index of the sentence in the doc


@Language.factory("storybank_cue_matcher", default_config={"window": 5})
class CueMatcher:
    """Finds each code's cue patterns by lemma and judges negation, hedging and change.

    Sets `doc._.storybank_cues` (the judged hits), and, so later steps need not walk the
    tokens again, `doc._.storybank_lemmas` and `doc._.storybank_sentences` (token bounds).
    """

    def __init__(self, nlp: Language, name: str, *, window: int = 5) -> None:
        self.name = name
        self.window = window
        self.names: dict[int, str] = {}  # lemma hash -> its string
        self.initialize(lexicon=shipped_lexicon())

    def initialize(self, *, lexicon: Lexicon) -> None:
        """Compile a lexicon's patterns (the shipped one by default)."""
        self.lexicon = lexicon
        self.matcher = LemmaPatterns()
        for code, cues in lexicon.codes.items():
            for kind in KINDS:
                patterns = [
                    tokens
                    for text in getattr(cues, kind)
                    for tokens in compile_pattern(text, lemma_of)
                ]
                if patterns:
                    self.matcher.add(f"{code}|{kind}", patterns)

    def __call__(self, doc: Doc) -> Doc:
        """Store the judged cue hits and the lemmas and sentences they were judged in."""
        lemmas = self._lemma_strings(doc)
        bounds = sentence_bounds(doc)
        hits = []
        found = self.matcher.matches(lemmas)
        if found:
            offsets = doc.to_array([IDX, LENGTH]).tolist()
            starts = [start for start, _ in bounds]
            for label, start, end in found:
                code, kind = label.split("|")
                index = bisect_right(starts, start) - 1
                status = judge(
                    lemmas,
                    start,
                    end,
                    *bounds[index],
                    kind=kind,
                    cues=self.lexicon.codes[code],
                    scope=self.lexicon.scope,
                )
                last = offsets[end - 1]
                hits.append(CueHit(code, kind, status, offsets[start][0], sum(last), index))
        doc._.storybank_cues = tuple(hits)
        doc._.storybank_lemmas = lemmas
        doc._.storybank_sentences = bounds
        return doc

    def _lemma_strings(self, doc: Doc) -> list[str]:
        """Each token's lemma as a string, the same string object for the same lemma."""
        names, strings = self.names, doc.vocab.strings
        found = []
        for key in doc.to_array(LEMMA).tolist():
            name = names.get(key)
            if name is None:
                name = names[key] = strings[key]
            found.append(name)
        return found


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token bounds of each sentence (one sentence if none are marked)."""
    if not len(doc):
        return []
    if not doc.has_annotation("SENT_START"):
        return [(0, len(doc))]
    starts = [0] + [
        i for i, flag in enumerate(doc.to_array(SENT_START).tolist()) if flag == 1 and i
    ]
    return list(zip(starts, [*starts[1:], len(doc)], strict=True))
