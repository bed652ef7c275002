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
        self.ends = np.array([nlp.vocab.strings.add(mark) for mark in END_MARKS], dtype=np.uint64)
        self.breaks: dict[int, bool] = {}

    def __call__(self, doc: Doc) -> Doc:
        """Set SENT_START on every token."""
        if not len(doc):
            return doc
        columns = doc.to_array([ORTH, IS_PUNCT, IS_SPACE])
        orths, space = columns[:, 0], columns[:, 2].astype(bool)
        word = ~(columns[:, 1].astype(bool) | space)
        marks = np.isin(orths, self.ends)
        if space.any():
            marks[space] |= [self._breaks(int(orth), doc) for orth in orths[space]]
        # a word starts a sentence when an end mark or line break came since the last word
        # (or is that word); the first token always starts one
        seen = np.concatenate([[0], np.cumsum(marks)])
        words = np.flatnonzero(word)
        since = seen[words] - seen[np.concatenate([[0], words[:-1]]).astype(np.int64)]
        starts = np.full(len(doc), -1, dtype=np.int64)
        starts[words[since > 0]] = 1
        starts[0] = 1
        doc.from_array([SENT_START], starts.view(np.uint64).reshape(-1, 1))  # type: ignore[arg-type]
        return doc

    def _breaks(self, orth: int, doc: Doc) -> bool:
        found = self.breaks.get(orth)
        if found is None:
            found = self.breaks[orth] = "\n" in doc.vocab.strings[orth]
        return found
