"""The spaCy component `storybank_personal_data`: personal data as `doc.spans["personal_data"]`."""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from nlp.personal_data.lexicon import lexicon
from nlp.personal_data.names import find_names
from nlp.personal_data.recognizers import PERSON, analyzer, find_other, resolve_overlaps

SPAN_KEY = "personal_data"


class PersonalDataDetector:
    """Sets `doc.spans["personal_data"]`: one span per finding, labelled with its kind."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        lexicon()
        analyzer()

    def __call__(self, doc: Doc) -> Doc:
        """Find names and the other kinds of personal data in the doc."""
        names = [(PERSON, start, end) for start, end in find_names(doc)]
        findings = resolve_overlaps(find_other(doc.text) + names, doc.text)
        spans = []
        for kind, start, end in findings:
            span = doc.char_span(start, end, label=kind, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPAN_KEY] = spans
        return doc


@Language.factory("storybank_personal_data")
def make_personal_data_detector(nlp: Language, name: str) -> PersonalDataDetector:
    """Build the personal-data component (its word lists are shared per process)."""
    return PersonalDataDetector(nlp, name)


@cache
def detector_pipeline() -> Language:
    """A blank English pipeline of our own: sentences, then the personal-data component."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("storybank_personal_data")
    return nlp
