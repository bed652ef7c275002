"""Lookup lemmas: the English table of spacy-lookups-data, saved in nlp/data/ (WordNet)."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

import numpy as np
from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.tokens import Doc

LEMMA_TABLE_PATH = Path(__file__).parent / "data" / "en_lemma_lookup.json.gz"


@cache
def lemma_table() -> dict[str, str]:
    """The English lookup lemma table, lower-case keys and values."""
    with gzip.open(LEMMA_TABLE_PATH, "rt", encoding="utf-8") as handle:
        raw: dict[str, str] = json.load(handle)
    table = {key.lower(): value.lower() for key, value in raw.items() if key.lower() == key}
    # "'s" is a possessive or "is" far more often than "has" in stories; keep it as it is.
    table.pop("'s", None)
    table["n\u2019t"] = "not"
    table["ca"] = "can"
    return table


def lemma_of(word: str) -> str:
    """The lower-case lookup lemma of one word, as the pipeline assigns it."""
    lower = word.lower()
    return lemma_table().get(lower, lower)


@Language.factory("storybank_lemmatizer")
class LookupLemmatizer:
    """Lower-case lookup lemmas from the saved table, whatever the word's capitalisation."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.table = lemma_table()
        self.by_hash: dict[int, int] = {}  # lower-case form's hash -> lemma's hash

    def __call__(self, doc: Doc) -> Doc:
        """Set every token's lemma."""
        strings, known = doc.vocab.strings, self.by_hash
        lemmas = np.empty(len(doc), dtype=np.uint64)
        for index, lower in enumerate(doc.to_array(LOWER).tolist()):
            lemma = known.get(lower)
            if lemma is None:
                form = strings[lower]
                lemma = known[lower] = strings.add(self.table.get(form, form))
            lemmas[index] = lemma
        if len(doc):
            doc.from_array([LEMMA], lemmas.reshape(-1, 1))  # type: ignore[arg-type]
        return doc
