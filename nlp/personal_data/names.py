"""Person names, found without a trained NER model: a gazetteer (Faker's locales and our own
list), capitalisation, titles and relationship cues, a common-word filter and place names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Token

from nlp.personal_data.lexicon import (
    APPOSITION,
    DETERMINERS,
    FUNCTION_WORDS,
    NAMING,
    NOT_BEFORE_INITIAL,
    PARTICLES,
    PLACE_PREPOSITIONS,
    RELATIONS,
    ROLES,
    SAINTS,
    SUBJECT_VERBS,
    TITLES,
    VENUE_WORDS,
    WEAK_VENUE_WORDS,
    Lexicon,
    is_common_word,
    lexicon,
)

_CAPITALISED = re.compile(r"^[^\W\d_][^\W\d_'\u2019\-.]*(?:['\u2019][^\W\d_]+)?$")
_OPENERS = frozenset({'"', "\u201c", "\u2018", "'", "(", ":", "\u2014", "\u2013", "-", ";"})
_BETWEEN_CUE_AND_NAME = frozenset({",", '"', "\u201c", "\u2018", "'"})
_OBJECT_PRONOUNS = frozenset({"him", "her", "himself", "herself", "them", "me", "us"})
_POSSESSIVE = frozenset({"'s", "\u2019s", "'", "\u2019"})


def _is_capitalised(token: Token) -> bool:
    text = token.text
    return (
        len(text) >= 2
        and text[0].isupper()
        and any(c.islower() for c in text)
        and not (len(text) > 2 and text[:-1].isupper())  # "SWs", "GPs"
        and bool(_CAPITALISED.match(text))
    )


def _is_initial(token: Token) -> bool:
    """A person's initial standing alone ("Mrs K", "met J at the hub")."""
    letter = token.text.rstrip(".") if len(token.text) == 2 else token.text
    return len(letter) == 1 and letter.isupper() and letter not in {"A", "I", "O"}


def _word(token: Token) -> str:
    return token.text.rstrip(".").replace("\u2019", "'")


def _runs(doc: Doc) -> list[list[Token]]:
    """Sequences of capitalised tokens in one sentence, joined across hyphens and particles."""
    runs: list[list[Token]] = []
    i = 0
    while i < len(doc):
        if not _is_capitalised(doc[i]):
            i += 1
            continue
        run = [doc[i]]
        i += 1
        while i < len(doc):
            step = _joins(doc, i)
            if step == 0:
                break
            run.append(doc[i + step - 1])
            i += step
        runs.append(run)
    return runs


def _joins(doc: Doc, i: int) -> int:
    """How many tokens from `i` continue the run (0: it ends before `i`)."""
    token = doc[i]
    if token.is_sent_start:
        return 0
    if _is_capitalised(token):
        return 1
    following = doc[i + 1] if i + 1 < len(doc) else None
    if following is None or not _is_capitalised(following):
        return 0
    joined = doc[i - 1].whitespace_ == "" and token.whitespace_ == ""
    hyphen = token.text in {"-", "\u2011"} and joined
    return 2 if hyphen or token.lower_ in PARTICLES else 0


def _at_sentence_start(token: Token) -> bool:
    if token.i == 0 or token.is_sent_start:
        return True
    before = token.doc[token.i - 1]
    return before.is_space or before.text in _OPENERS or "\n" in before.whitespace_


def _before(token: Token, distance: int = 1) -> Token | None:
    index = token.i - distance
    return token.doc[index] if index >= 0 else None


def _after(token: Token) -> Token | None:
    index = token.i + 1
    return token.doc[index] if index < len(token.doc) else None


def _cued(first: Token) -> bool:
    """Is the word before this run a title, a relationship, a role, "called" or "known as"
    (a comma or an opening quote may come between)?"""
    previous = _before(first)
    while previous is not None and previous.text in _BETWEEN_CUE_AND_NAME:
        previous = _before(previous)
    if previous is None:
        return False
    word = _word(previous).lower()
    if word in TITLES or word in RELATIONS or word in ROLES or word in NAMING:
        return True
    two_back = _before(previous)
    if two_back is None:
        return False
    if word in _OBJECT_PRONOUNS:
        return two_back.lower_ in {"call", "calls", "calling"}
    return word == "as" and two_back.lower_ == "known"


def _strip_titles(run: list[Token]) -> tuple[list[Token], bool]:
    titled = False
    while run and _word(run[0]).lower() in TITLES and len(run) > 1:
        run, titled = run[1:], True
    return run, titled


def _is_venue(run: Sequence[Token], previous: Token | None, found: Lexicon) -> bool:
    """Does this run name a street, a building or an organisation ("Hope Street",
    "St Peter's Church", "Alzheimer's Society")?"""
    words = [_word(token).lower() for token in run]
    if words[0] in SAINTS or any(word in VENUE_WORDS for word in words[1:]):
        return True
    following = _after(run[-1])
    if following is not None and following.text in _POSSESSIVE:
        owner = _word(run[-1]) + "'s"
        after = _after(following)
        if found.is_not_name(owner) or (after is not None and after.lower_ in VENUE_WORDS):
            return True
    after_place_word = previous is not None and (
        previous.lower_ in PLACE_PREPOSITIONS or previous.lower_ in DETERMINERS
    )
    return len(words) >= 2 and words[-1] in WEAK_VENUE_WORDS and after_place_word


def _strip_openers(run: list[Token]) -> tuple[list[Token], Token | None]:
    """Drop capitalised function words that open a sentence ("At", "The"), returning the
    word before what is left."""
    previous = _before(run[0])
    while len(run) > 1 and _word(run[0]).lower() in FUNCTION_WORDS:
        previous, run = run[0], run[1:]
    return run, previous


def _is_place(run: Sequence[Token], found: Lexicon) -> bool:
    words = tuple(_word(token).lower() for token in run)
    return words in found.place_phrases or all(found.is_place(word) for word in words)


def _trim(run: list[Token], found: Lexicon, *, cued: bool) -> list[Token]:
    """Drop words at either end that are never names here (months, organisations, places,
    everyday words not in the gazetteer). After a cue a single word is kept ("her
    daughter May")."""
    if cued and len(run) == 1:
        return run

    def droppable(token: Token) -> bool:
        word = _word(token)
        if found.is_not_name(word) or found.is_place(word) or word.lower() in DETERMINERS:
            return True
        return not cued and found.flags(word) is None and is_common_word(word)

    while run and droppable(run[0]):
        run = run[1:]
    while run and droppable(run[-1]):
        run = run[:-1]
    return run


def _used_as_name(token: Token, run: Sequence[Token]) -> bool:
    """A name that is also a word ("Rose", "Will") counts only where a name would stand."""
    previous = _before(run[0])
    if previous is not None and previous.lower_ in DETERMINERS:
        return False
    following = _after(run[-1])
    if following is not None and (
        following.text in _POSSESSIVE or following.lower_ in SUBJECT_VERBS
    ):
        return True
    if (
        previous is not None
        and previous.text == "("
        and following is not None
        and following.text == ")"
    ):
        return True
    if following is not None and following.text == ",":
        next_word = _after(following)
        if next_word is not None and next_word.lower_ in APPOSITION:
            return True
    return not _at_sentence_start(run[0])


def _is_name(run: list[Token], found: Lexicon) -> bool:
    flags = [found.flags(_word(token)) for token in run]
    if any(flag is not None and "w" not in flag for flag in flags):
        return True
    unknown = [flag is None for flag in flags]
    if len(run) >= 2:
        return True
    if run[0].lower_ in STOP_WORDS:
        return not _at_sentence_start(run[0])
    previous = _before(run[0])
    if unknown[0]:
        return previous is None or previous.lower_ not in PLACE_PREPOSITIONS
    return _used_as_name(run[0], run)


def _name_spans(doc: Doc, found: Lexicon) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for raw in _runs(doc):
        opened, previous = _strip_openers(raw)
        run, titled = _strip_titles(opened)
        if not run or _is_venue(run, previous, found) or _is_place(run, found):
            continue
        cued = titled or _cued(run[0])
        kept = _trim(run, found, cued=cued)
        if kept and (cued or _is_name(kept, found)):
            spans.append((kept[0].idx, kept[-1].idx + len(kept[-1].text)))
    return spans


def _repeated(doc: Doc, spans: list[tuple[int, int]], found: Lexicon) -> list[tuple[int, int]]:
    """A word already found as a name is a name wherever else it is capitalised."""
    words = {part for start, end in spans for part in re.split(r"[\s\-]+", doc.text[start:end])}
    covered = {i for start, end in spans for i in range(start, end)}
    extra = []
    for token in doc:
        if token.idx in covered or _word(token) not in words or not _is_capitalised(token):
            continue
        previous = _before(token)
        if previous is not None and previous.lower_ in DETERMINERS:
            continue
        extra.append((token.idx, token.idx + len(token.text)))
    return extra


def _initials(doc: Doc) -> list[tuple[int, int]]:
    """Single-letter initials used for people in case notes ("Mrs K", "w/ J, M present"),
    not the letters of plans, wards or grades ("Plan B", "Ward C")."""
    spans = []
    for token in doc:
        previous, following = _before(token), _after(token)
        titled = previous is not None and _word(previous).lower() in TITLES
        if not (_is_initial(token) or (titled and token.text.rstrip(".") in {"A", "O"})):
            continue
        if previous is not None and (
            previous.lower_ in NOT_BEFORE_INITIAL or previous.text in {"&", "-", "/", "\u2019", "'"}
        ):
            continue
        if following is not None and (following.text in {"&", "-", "/"} or following.like_num):
            continue
        spans.append((token.idx, token.idx + 1))  # the letter, not a full stop after it
    return spans


def _coordinated(doc: Doc, spans: list[tuple[int, int]], found: Lexicon) -> list[tuple[int, int]]:
    """A capitalised word joined by "and" or "&" to a name is a name too ("Ray and Den")."""
    starts = {start for start, _ in spans}
    ends = {end for _, end in spans}
    extra = []
    for token in doc:
        if not _is_capitalised(token) or _at_sentence_start(token) or _excluded(token, found):
            continue
        previous, following = _before(token), _after(token)
        linked_before = (
            previous is not None
            and previous.lower_ in {"and", "&"}
            and (previous.i > 0 and doc[previous.i - 1].idx + len(doc[previous.i - 1].text) in ends)
        )
        after_next = _after(following) if following is not None else None
        linked_after = (
            following is not None
            and following.lower_ in {"and", "&"}
            and (after_next is not None and after_next.idx in starts)
        )
        if linked_before or linked_after:
            extra.append((token.idx, token.idx + len(token.text)))
    return extra


def _excluded(token: Token, found: Lexicon) -> bool:
    word = _word(token)
    return found.is_not_name(word) or found.is_place(word) or word.lower() in FUNCTION_WORDS


def _without_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for start, end in sorted(set(spans), key=lambda span: (span[0], -span[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def find_names(doc: Doc) -> list[tuple[int, int]]:
    """Character spans of the person names in `doc`, in order."""
    found = lexicon()
    spans = _name_spans(doc, found)
    spans += _repeated(doc, spans, found)
    coordinated = _coordinated(doc, spans, found)
    spans += coordinated + _repeated(doc, coordinated, found)
    return _without_overlaps(spans + _initials(doc))
