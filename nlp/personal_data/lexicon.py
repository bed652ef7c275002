"""The word lists the name finder reads (loaded once per process from `data/`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from wordfreq import zipf_frequency

DATA = Path(__file__).parent / "data"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLES = _words(
    "mr mrs ms miss mx dr prof sir dame lady lord rev revd fr father auntie aunty aunt "
    "uncle nana nan nanna grandma gran granny grandad grandpa cllr councillor"
)
RELATIONS = _words(
    "son sons daughter daughters husband wife partner mum mother dad father brother "
    "sister neighbour neighbor neighbours friend friends carer grandson granddaughter "
    "grandchild grandchildren nephew niece aunt auntie uncle cousin grandmother "
    "grandfather gran nan grandad boyfriend girlfriend fiancé fiance fiancée stepson "
    "stepdaughter stepmum stepdad lodger flatmate colleague landlord landlady twin child "
    "baby widow widower law"
)
ROLES = _words(
    "agent navigator connector worker volunteer befriender nurse coordinator co-ordinator "
    "manager officer therapist councillor warden driver pharmacist receptionist gp "
    "chaplain vicar imam priest minister"
)
NAMING = _words("called named nicknamed known")
DETERMINERS = _words(
    "the a an this that these those our their his her my your its some any every no each"
)
PLACE_PREPOSITIONS = _words("in at from to near around via towards outside into of")
# Capitalised at the start of a sentence, these begin a phrase rather than a name.
FUNCTION_WORDS = (
    DETERMINERS
    | PLACE_PREPOSITIONS
    | _words("on by for with after before when if as and but so then once since")
)
SAINTS = frozenset({"st", "saint"})
# After a name that is also a word, these show it is used as a name ("Dawn, a social worker").
APPOSITION = _words("a an the who whose aged now our my her his their")
SUBJECT_VERBS = _words(
    "said says was is had has told tells felt feels lives lived came comes went goes "
    "started joined wanted wants asked asks rang rings phoned agreed loves loved likes "
    "liked used now still got gets would could does did met meets took takes made makes "
    "found finds enjoyed enjoys began walked walks decided decides needed needs moved "
    "runs ran helped helps brought brings and who cried smiled laughed thought thinks "
    "knew knows wrote explained admitted worried worries spent spends visited visits "
    "looks looked became seemed seems can will from"
)
PARTICLES = _words("al el bin binti ibn ap ab de del della di da van von der den du la le")
# A capitalised phrase ending in one of these names a place or an organisation.
VENUE_WORDS = _words(
    "street road lane avenue close drive crescent terrace mews parade square gardens "
    "centre center library café cafe surgery hub council church chapel mosque temple "
    "gurdwara synagogue school college university academy club group society association "
    "trust foundation partnership network forum team service services project scheme "
    "market station estate ward practice pharmacy hospital clinic point points arms inn "
    "tavern shed institute bank allowance credit badge canal river reservoir beach pier "
    "harbour quay wharf marina lake loch forest moor common"
)
# Words that end a venue too, but are also family names: a venue only after "the", "at"...
WEAK_VENUE_WORDS = _words(
    "hall house court park green hill way place row walk view rise grove field fields "
    "farm lodge manor mill bridge cross gate wood villas cottages"
)
COMMON_WORD_ZIPF = 3.3
# A capital letter after these is a label, not a person's initial ("Plan B", "Ward C").
NOT_BEFORE_INITIAL = _words(
    "plan type section vitamin grade class band tier ward bay room block part step stage "
    "option appendix flat unit level group team form category schedule annex row zone "
    "wing floor building house court exit gate platform route bus letter point person"
)


@dataclass(frozen=True)
class Lexicon:
    """The gazetteer and stop lists."""

    names: dict[str, str]  # name -> flags: f given, l family, w also a word
    not_names: frozenset[str]
    places: frozenset[str]
    place_phrases: frozenset[tuple[str, ...]]

    def flags(self, word: str) -> str | None:
        """The gazetteer's flags for `word`, or None if it is not a known name."""
        return self.names.get(word.replace("\u2019", "'"))

    def is_place(self, word: str) -> bool:
        """Is `word` (one word) a place in our stop list?"""
        return word.lower() in self.places

    def is_not_name(self, word: str) -> bool:
        """Is `word` (or its singular) in the list of capitalised words never people here?"""
        word = word.replace("\u2019", "'")
        return word in self.not_names or (word.endswith("s") and word[:-1] in self.not_names)


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _name_row(line: str) -> tuple[str, str]:
    name, _, flags = line.partition("\t")
    return name, flags


@cache
def lexicon() -> Lexicon:
    """Read the gazetteer and the stop lists (once per process)."""
    names = dict(_name_row(line) for line in _lines("names.tsv"))
    places = [line.lower() for line in _lines("places.txt")]
    return Lexicon(
        names=names,
        not_names=frozenset(_lines("not_names.txt")),
        places=frozenset(place for place in places if " " not in place),
        place_phrases=frozenset(tuple(place.split()) for place in places if " " in place),
    )


@lru_cache(maxsize=65_536)
def is_common_word(word: str) -> bool:
    """Is the lower-case `word` an everyday English word (by wordfreq)?"""
    return zipf_frequency(word.lower(), "en") >= COMMON_WORD_ZIPF
