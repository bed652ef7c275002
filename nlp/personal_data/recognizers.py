"""Recognizers for personal data other than names: presidio-analyzer with no NLP model,
fed explicit recognizers that work offline (e-mail, UK phone numbers, NHS numbers, UK
postcodes, dates of birth, street addresses)."""

from __future__ import annotations

import os
import re
from functools import cache

# tldextract (used by presidio's e-mail check) fetches the public-suffix list unless told
# not to; we also give our e-mail recognizer its own extractor that only reads the snapshot.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import nhs_number
import phonenumbers
import pyap
import tldextract
from presidio_analyzer import (
    AnalyzerEngine,
    LocalRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts, NoOpNlpEngine
from presidio_analyzer.predefined_recognizers import EmailRecognizer
from uk_postcodes_parsing import postcode_utils

EMAIL, PHONE, NHS, POSTCODE, DOB, ADDRESS = (
    "email",
    "phone",
    "nhs_number",
    "postcode",
    "date_of_birth",
    "address",
)
PERSON = "person_name"
OTHER_KINDS = (EMAIL, PHONE, POSTCODE, NHS, DOB, ADDRESS)
# When two findings overlap, the longer wins, then the earlier kind here.
PRIORITY = {EMAIL: 0, NHS: 1, PHONE: 2, POSTCODE: 3, DOB: 4, ADDRESS: 5, PERSON: 6}

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:{_DAY}\s+(?:of\s+)?{_MONTHS},?\s+(?:19|20)?\d\d"
    rf"|{_MONTHS}\s+{_DAY},?\s+(?:19|20)\d\d"
    r"|[0-3]?\d[/.\-][01]?\d[/.\-](?:19|20)?\d\d"
    r"|(?:19|20)\d\d(?=\b))"
)
_DOB_CUE = (
    r"(?:\bborn(?:\s+on|\s+in)?|\bd\.?\s?o\.?\s?b\.?|\bdate\s+of\s+birth|\bbirth\s?date|"
    r"\bbirthday)"
)
DOB_PATTERN = re.compile(
    rf"{_DOB_CUE}\s*(?:is|was|of|:|-|\u2013)?\s*(?P<date>{_DATE})\b", re.IGNORECASE
)
NHS_PATTERN = re.compile(r"(?<![\d+])(\d{3})[- ]?(\d{3})[- ]?(\d{4})(?!\d)")
NHS_CUE = re.compile(r"\bnhs\b|\bhealth\s+number\b", re.IGNORECASE)
POSTCODE_PATTERN = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)
_STREET_WORDS = (
    "Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Crescent|Cres|Terrace|Place|"
    "Grove|Gardens|Court|Row|Walk|Square|Hill|Rise|View|Mews|Parade|Park|Green|Vale|"
    "Heights|Wynd|Brae|Gate|Ffordd|Heol|Stryd"
)
STREET_PATTERN = re.compile(
    r"\b(?:(?:Flat|Apartment|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+"
    rf"(?:[A-Z][a-z'\u2019]+(?:-[A-Z][a-z]+)?\s+){{1,3}}(?:{_STREET_WORDS})\b\.?"
)
_ADDRESS_SMALL_WORDS = frozenset({"upon", "on", "under", "le", "y", "yr"})
_ADDRESS_START = re.compile(
    r"^(?:(?:Flat|Apartment|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+[A-Z]"
)
_PHONE_START = re.compile(r"^(?:\+\s?44|0044|\(?0)")


class OfflineEmailRecognizer(EmailRecognizer):
    """presidio's e-mail recognizer, checking domains against tldextract's bundled snapshot."""

    _extract = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)

    def validate_result(self, pattern_text: str) -> bool:
        """A match counts when its domain ends in a known public suffix."""
        return self._extract(pattern_text).fqdn != ""


class _RegexRecognizer(LocalRecognizer):
    """A recognizer that yields spans from a function of the text."""

    ENTITY = ""

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], supported_language="en")

    def load(self) -> None:
        """Nothing to load."""

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where this kind of data is in `text`."""
        raise NotImplementedError

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """presidio's entry point."""
        return [RecognizerResult(self.ENTITY, start, end, 1.0) for start, end in self.spans(text)]


class UkPhoneRecognizer(_RegexRecognizer):
    """UK phone numbers found by phonenumbers (region GB), written with a 0 or +44."""

    ENTITY = PHONE

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Numbers phonenumbers thinks possible, with 10 or 11 national digits."""
        found = []
        leniency = phonenumbers.Leniency.POSSIBLE
        for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=leniency):
            national = str(match.number.national_number)
            if _PHONE_START.match(match.raw_string) and 9 <= len(national) <= 10:
                found.append((match.start, match.end))
        return found


class NhsNumberRecognizer(_RegexRecognizer):
    """Ten-digit NHS numbers whose check digit is right (the nhs-number package)."""

    ENTITY = NHS

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Valid NHS numbers; one starting with 0 only if "NHS" is written just before it."""
        found = []
        for match in NHS_PATTERN.finditer(text):
            digits = "".join(match.groups())
            if not nhs_number.is_valid(digits):
                continue
            if digits.startswith("0") and not NHS_CUE.search(
                text[max(0, match.start() - 30) : match.start()]
            ):
                continue
            found.append((match.start(), match.end()))
        return found


class UkPostcodeRecognizer(_RegexRecognizer):
    """UK postcodes in full, checked by uk-postcodes-parsing (format only, never "fixed")."""

    ENTITY = POSTCODE

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Postcodes whose letters are in capitals (or all in lower case) and well formed."""
        found = []
        for match in POSTCODE_PATTERN.finditer(text):
            candidate = match.group()
            if candidate not in (candidate.upper(), candidate.lower()):
                continue
            if postcode_utils.is_valid(candidate.upper()):
                found.append(match.span())
        return found


class DateOfBirthRecognizer(_RegexRecognizer):
    """Dates written after "born", "DOB", "date of birth" or "birthday"."""

    ENTITY = DOB

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The date part of each cue + date."""
        return [match.span("date") for match in DOB_PATTERN.finditer(text)]


class StreetAddressRecognizer(_RegexRecognizer):
    """Street addresses: pyap's GB parser (full addresses) and house number + street name."""

    ENTITY = ADDRESS

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Full addresses found by pyap, then "12 Hope Street" style fragments."""
        found = [match.span() for match in STREET_PATTERN.finditer(text)]
        if not found and not POSTCODE_PATTERN.search(text):
            return found  # pyap is slow, and finds nothing without a street or a postcode
        position = 0
        for address in pyap.parse(text, country="GB"):
            full = str(address)
            start = text.find(full, position)
            if start >= 0 and _looks_like_address(full):
                found.append((start, start + len(full)))
                position = start + len(full)
        return found


def _looks_like_address(text: str) -> bool:
    """pyap can run on through a sentence: an address starts with a house number and a
    capitalised word, and has no lower-case words but a few."""
    return bool(_ADDRESS_START.match(text)) and all(
        word in _ADDRESS_SMALL_WORDS for word in re.findall(r"\b[a-z][a-z']*\b", text)
    )


RECOGNIZERS: tuple[type[_RegexRecognizer], ...] = (
    UkPhoneRecognizer,
    NhsNumberRecognizer,
    UkPostcodeRecognizer,
    DateOfBirthRecognizer,
    StreetAddressRecognizer,
)


@cache
def analyzer() -> AnalyzerEngine:
    """presidio's engine with no NLP model and only our recognizers (built once per process)."""
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.add_recognizer(OfflineEmailRecognizer(supported_entity=EMAIL))
    for recognizer in RECOGNIZERS:
        registry.add_recognizer(recognizer())
    engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"])


def find_other(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every e-mail, phone, NHS number, postcode, date of birth and
    address in `text` (overlaps not yet resolved)."""
    results = analyzer().analyze(text=text, language="en", entities=list(OTHER_KINDS))
    return [(result.entity_type, result.start, result.end) for result in results]


def resolve_overlaps(items: list[tuple[str, int, int]], text: str) -> list[tuple[str, int, int]]:
    """Keep the longer (then higher-priority) of overlapping findings; an address ends
    before a postcode found inside it, so both are kept."""
    items = [_trim_address(item, items, text) if item[0] == ADDRESS else item for item in items]
    chosen: list[tuple[str, int, int]] = []
    ranked = sorted(set(items), key=lambda item: (-(item[2] - item[1]), PRIORITY.get(item[0], 9)))
    for kind, start, end in ranked:
        if end > start and all(end <= s or start >= e for _, s, e in chosen):
            chosen.append((kind, start, end))
    return sorted(chosen, key=lambda item: item[1])


def _trim_address(
    address: tuple[str, int, int], items: list[tuple[str, int, int]], text: str
) -> tuple[str, int, int]:
    kind, start, end = address
    for other, other_start, _ in items:
        if other == POSTCODE and start < other_start < end:
            end = min(end, other_start)
    while end > start and text[end - 1] in " ,.;\n":
        end -= 1
    return kind, start, end
