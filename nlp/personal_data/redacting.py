"""The public face of personal-data detection: plain dataclasses in and out."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from nlp.interface import Deidentified, PersonalData
from nlp.personal_data.component import SPAN_KEY, detector_pipeline
from nlp.personal_data.recognizers import ADDRESS, DOB, EMAIL, NHS, PERSON, PHONE, POSTCODE

KINDS = (PERSON, PHONE, EMAIL, POSTCODE, NHS, DOB, ADDRESS)
REPLACEMENTS = {
    PHONE: "[phone]",
    EMAIL: "[email]",
    POSTCODE: "[postcode]",
    NHS: "[NHS number]",
    DOB: "[date of birth]",
    ADDRESS: "[address]",
}
_POSSESSIVE = re.compile(r"['\u2019]s?$")


def find_personal_data(text: str) -> list[PersonalData]:
    """Every piece of personal data found in `text`, in order of position."""
    if not text.strip():
        return []
    doc = detector_pipeline()(text)
    return [
        PersonalData(kind=span.label_, start=span.start_char, end=span.end_char, text=span.text)
        for span in doc.spans[SPAN_KEY]
    ]


@dataclass
class _People:
    """Who is who across a story's fields: the parts of each person's name, by letter."""

    parts: list[set[str]] = field(default_factory=list)
    full: list[set[str]] = field(default_factory=list)

    def letter(self, name: str) -> str:
        """The letter of the person called `name`, a new one if nobody matches."""
        words = _name_words(name)
        whole = " ".join(words)
        index = self._find(words, whole)
        if index is None:
            self.parts.append(set(words))
            self.full.append({whole})
            index = len(self.parts) - 1
        else:
            self.parts[index] |= set(words)
            self.full[index].add(whole)
        return _letters(index)

    def _find(self, words: list[str], whole: str) -> int | None:
        for index, names in enumerate(self.full):
            if whole in names:
                return index
        for index, parts in enumerate(self.parts):
            if len(words) == 1 and words[0] in parts:
                return index
            if len(words) > 1 and any(name in words for name in self.full[index]):
                return index
        return None


def _name_words(name: str) -> list[str]:
    return [_POSSESSIVE.sub("", word).casefold() for word in re.split(r"[\s]+", name) if word]


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def deidentify(fields: Mapping[str, str]) -> Deidentified:
    """Replace personal data in all fields of one story: the same person gets the same
    "[Person A]" in every field; other data is replaced by its kind ("[phone]")."""
    people = _People()
    redacted: dict[str, str] = {}
    found: dict[str, tuple[PersonalData, ...]] = {}
    replacements: dict[str, str] = {}
    for name, text in fields.items():
        items = tuple(find_personal_data(text or ""))
        found[name] = items
        pieces, position = [], 0
        for item in items:
            replacement = _replacement(item, people)
            replacements[item.text] = replacement
            pieces += [text[position : item.start], replacement]
            position = item.end
        redacted[name] = "".join(pieces) + (text or "")[position:]
    return Deidentified(fields=redacted, found=found, replacements=replacements)


def _replacement(item: PersonalData, people: _People) -> str:
    if item.kind == PERSON:
        return f"[Person {people.letter(item.text)}]"
    return REPLACEMENTS[item.kind]


def replacement_for(found: Mapping[str, tuple[PersonalData, ...]]) -> dict[PersonalData, str]:
    """The replacement each finding got, letters assigned in field order as `deidentify` does."""
    people = _People()
    return {item: _replacement(item, people) for items in found.values() for item in items}
