"""The spaCy component `storybank_cue_matcher`: each code's cue patterns, judged in scope."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from nlp.cues.lexicon import KINDS, Lexicon, compile_pattern, shipped_lexicon
from nlp.cues.patterns import LemmaPatterns
from nlp.cues.scope import judge
from nlp.lemmas import lemma_of

if not Doc.has_extension("storybank_cues"):
    Doc.set_extension("storybank_cues", default=())


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
    """Finds each code's cue patterns by lemma and judges negation, hedging and change."""

    def __init__(self, nlp: Language, name: str, *, window: int = 5) -> None:
        self.name = name
        self.window = window
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
        """Store the judged cue hits on `doc._.storybank_cues`."""
        lemmas = [token.lemma_ for token in doc]
        sentences = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        sentence_of = {}
        for index, sent in enumerate(sentences):
            for position in range(sent.start, sent.end):
                sentence_of[position] = index
        hits = []
        scope = self.lexicon.scope
        for label, start, end in self.matcher.matches(lemmas):
            code, kind = label.split("|")
            sent = sentences[sentence_of.get(start, 0)]
            status = judge(
                lemmas,
                start,
                end,
                sent.start,
                sent.end,
                kind=kind,
                avoided=self.lexicon.codes[code].avoided,
                scope=scope,
            )
            span = doc[start:end]
            hits.append(
                CueHit(
                    code, kind, status, span.start_char, span.end_char, sentence_of.get(start, 0)
                )
            )
        doc._.storybank_cues = tuple(hits)
        return doc
