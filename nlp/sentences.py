"""The component `storybank_sentences`: sentence starts after . ! ? and at line breaks.

The same rule as spaCy's `sentencizer` for English (punctuation that follows the end mark,
such as a closing quote, stays with its sentence), plus a break at every new line, written
over token arrays because the sentencizer cost as much as tokenising.
"""

from __future__ import annotations

import numpy as np
from spacy.attrs import IS_PUNCT, IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

END_MARKS = (".", "!", "?", "…", "...", "?!", "!?", "!!", "??")


@Language.factory("storybank_sentences")
class SentenceSplitter:
    """Marks sentence starts from end marks and line breaks."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.ends = {nlp.vocab.strings.add(mark) for mark in END_MARKS}
        self.breaks: dict[int, bool] = {}

    def __call__(self, doc: Doc) -> Doc:
        """Set SENT_START on every token."""
        if not len(doc):
            return doc
        starts = np.full(len(doc), -1, dtype=np.int64)
        starts[0] = 1
        ended = False
        for index, (orth, punct, space) in enumerate(
            doc.to_array([ORTH, IS_PUNCT, IS_SPACE]).tolist()
        ):
            if ended and not punct and not space:
                starts[index], ended = 1, False
            if orth in self.ends or (space and self._breaks(orth, doc)):
                ended = True
        doc.from_array([SENT_START], starts.view(np.uint64).reshape(-1, 1))  # type: ignore[arg-type]
        return doc

    def _breaks(self, orth: int, doc: Doc) -> bool:
        found = self.breaks.get(orth)
        if found is None:
            found = self.breaks[orth] = "\n" in doc.vocab.strings[orth]
        return found
