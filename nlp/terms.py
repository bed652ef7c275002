"""Words for comparing and grouping stories: placeholders removed, plurals folded.

Plain scikit-learn tokenising; the NLP core's lemmatiser can replace `fold_word` later
without changing the callers (text in, text out).
"""

from __future__ import annotations

import re
from itertools import pairwise

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# "[Person A]", "[phone]", "[redacted]": what de-identification leaves behind.
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,40}\]")
_WORD = re.compile(r"[a-z][a-z']+")
# Words every change story uses, which say nothing about what it is about.
STORY_STOP_WORDS = frozenset(
    {"said", "says", "told", "felt", "feel", "feels", "just", "really", "got", "get", "went"}
    | {"did", "does", "didn", "don", "wasn", "weren", "couldn", "wouldn", "isn", "hasn", "hadn"}
    | {"mrs", "miss", "like", "came", "come", "going", "want", "wanted", "make"}
    | {"person", "people", "time", "things", "thing", "lot", "way", "week", "weeks", "day"}
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | STORY_STOP_WORDS
_KEEP_S = ("ss", "us", "is", "ous", "ness")


def fold_word(word: str) -> str:
    """A word with a plain plural folded to its singular ("groups" -> "group")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(_KEEP_S):
        return word[:-1]
    return word


def story_words(text: str) -> list[str]:
    """The words of a text that carry its meaning, lower-cased and folded, in order."""
    text = _PLACEHOLDER.sub(" ", text.lower().replace("\u2019", "'"))
    # "men's" -> "men", "didn't" -> "didn" (a stop word): the part before the apostrophe.
    words = (word.split("'", 1)[0] for word in _WORD.findall(text))
    return [fold_word(word) for word in words if len(word) > 2 and word not in STOP_WORDS]


def words_and_pairs(text: str) -> list[str]:
    """A text's words and each pair of neighbouring words ("lunch club")."""
    words = story_words(text)
    return words + [f"{a} {b}" for a, b in pairwise(words)]
