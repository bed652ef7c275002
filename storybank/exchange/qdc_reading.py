"""Reading a REFI-QDA codebook (already checked against its XSD) into entries, one a code,
each matched to a storybank key, and refusing a file whose codes repeat or would clash."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from storybank.codebook_admin import KEY_PATTERN, KEY_RULE
from storybank.errors import Conflict, FieldProblem, InvalidInput, TooLarge
from storybank.exchange.code_text import read_description
from storybank.exchange.guids import code_guid
from storybank.exchange.schemas import CODEBOOK_NS
from storybank.models import Code, CodeKind

# The same as the default request limit (api/protection.py), so the API and the command line
# refuse the same files; storybank's own codebook is about 25 kB.
MAX_QDC_BYTES = 1_000_000
OUTCOME_SET = "CLS outcomes"
OUTCOME_KEY = re.compile(r"^outcome_\d+$")


@dataclass
class QdcEntry:
    """One code of the file: its storybank key, what it says, and where it sits."""

    guid: str
    key: str
    label: str
    description: str
    cue_phrases: list[str] | None
    active: bool
    parent_key: str | None
    outcome: bool

    @property
    def where(self) -> str:
        return f"code {self.label!r}"


def check_size(content: bytes) -> bytes:
    """The content, or TooLarge when it is over MAX_QDC_BYTES (InvalidInput when empty)."""
    if len(content) > MAX_QDC_BYTES:
        message = f"The codebook file is larger than the limit of {MAX_QDC_BYTES:,} bytes."
        raise TooLarge(message, problems=[FieldProblem("file", message)])
    if not content.strip():
        message = "The file is empty: choose a REFI-QDA codebook (.qdc) file."
        raise InvalidInput(message, code="empty_file", problems=[FieldProblem("file", message)])
    return content


def _tag(name: str) -> str:
    return f"{{{CODEBOOK_NS}}}{name}"


def read_entries(root: Element, *, existing: list[Code]) -> list[QdcEntry]:
    """The file's codes, parents before their children; InvalidInput for repeated keys or
    GUIDs, Conflict for a code that would clash with one here."""
    known = {code_guid(code.key): code.key for code in existing}
    outcomes = _outcome_guids(root)
    entries: list[QdcEntry] = []
    problems: list[FieldProblem] = []
    for element, parent_key in _walk(root.find(_tag("Codes")), None, entries):
        entry, problem = _entry(element, parent_key, known, outcomes)
        entries.append(entry)
        if problem:
            problems.append(problem)
    _refuse_bad_keys(entries)
    problems += _clashes(entries, existing)
    if problems:
        raise Conflict(
            f"The codebook cannot be imported: {problems[0].message}",
            code="codebook_clash",
            problems=problems,
        )
    return entries


def _walk(
    parent: Element | None, parent_key: str | None, entries: list[QdcEntry]
) -> Iterator[tuple[Element, str | None]]:
    """Each <Code> in document order with its parent's key: the caller reads each code into
    an entry before asking for the next, so the last entry is the parent of its children."""
    for element in parent.findall(_tag("Code")) if parent is not None else []:
        yield element, parent_key
        yield from _walk(element, entries[-1].key, entries)


def _outcome_guids(root: Element) -> set[str]:
    """The GUIDs the file's "CLS outcomes" set names (files from storybank have one)."""
    found: set[str] = set()
    for member_set in root.iter(_tag("Set")):
        if member_set.get("name") == OUTCOME_SET:
            found |= {str(m.get("guid")).upper() for m in member_set.iter(_tag("MemberCode"))}
    return found


def _entry(
    element: Element, parent_key: str | None, known: dict[str, str], outcomes: set[str]
) -> tuple[QdcEntry, FieldProblem | None]:
    """One code as an entry, and the problem with its key if there is one."""
    code_id = str(element.get("guid")).strip("{}").upper()
    label = str(element.get("name", "")).strip()
    text = read_description(element.findtext(_tag("Description")))
    key, problem = _key(code_id, label, text.key, known)
    entry = QdcEntry(
        guid=code_id,
        key=key,
        label=label,
        description=text.description,
        cue_phrases=text.cue_phrases,
        active=element.get("isCodable") in ("true", "1"),
        parent_key=parent_key,
        outcome=code_id in outcomes or bool(OUTCOME_KEY.match(key)),
    )
    return entry, problem


def _key(
    code_id: str, label: str, written: str | None, known: dict[str, str]
) -> tuple[str, FieldProblem | None]:
    """The storybank key of a code: the one its description gives, else the one whose GUID
    it has, else one made from its name; and what is wrong with it, if anything."""
    where = f"code {label!r}"
    if written:
        if code_id in known and known[code_id] != written:
            clash = f"its GUID is that of {known[code_id]!r} but it gives the key {written!r}."
            return written, FieldProblem(where, f"The {where} clashes: {clash}")
        key = written
    elif code_id in known:
        return known[code_id], None
    else:
        key = key_from_name(label)
        if key in known.values():
            taken = f"it would take the key {key!r}, which another code here already has."
            return key, FieldProblem(where, f"The {where} clashes: {taken}")
    return key, None


def key_from_name(name: str) -> str:
    """A key made from a code's name: lower-case words joined by _, starting with a letter."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")
    if not slug[:1].isalpha():
        slug = f"theme_{slug}".rstrip("_")
    return (slug if len(slug) >= 3 else f"theme_{slug}")[:64].rstrip("_")


def _refuse_bad_keys(entries: list[QdcEntry]) -> None:
    """InvalidInput naming every key that is not a key, and every key or GUID that more
    than one code of the file has."""
    problems = [
        FieldProblem(e.where, f"The key {e.key!r} of the {e.where} is not {KEY_RULE}.")
        for e in entries
        if not re.match(KEY_PATTERN, e.key)
    ]
    for what, values in (("key", [e.key for e in entries]), ("GUID", [e.guid for e in entries])):
        for value, count in Counter(values).items():
            if count > 1:
                problems.append(FieldProblem("file", f"{count} codes have the {what} {value!r}."))
    if problems:
        raise InvalidInput(
            f"The codebook cannot be imported: {problems[0].message}",
            code="duplicate_keys",
            problems=problems,
        )


def _clashes(entries: list[QdcEntry], existing: list[Code]) -> list[FieldProblem]:
    """New codes that cannot be added: a new outcome, or the label of another code."""
    keys = {code.key: code for code in existing}
    labels = {code.label.casefold(): code.key for code in existing}
    problems = []
    for entry in entries:
        here = keys.get(entry.key)
        if here is None and entry.outcome:
            problems.append(
                FieldProblem(
                    entry.where,
                    f"The {entry.where} would be a new outcome; the six "
                    "CLS outcomes are fixed, so it cannot be added.",
                )
            )
        elif here is None and entry.label.casefold() in labels:
            other = labels[entry.label.casefold()]
            problems.append(
                FieldProblem(
                    entry.where,
                    f"The {entry.where} would be a new code with the "
                    f"same name as the code {other!r}.",
                )
            )
        elif here is not None and entry.outcome != (here.kind == CodeKind.outcome):
            kind = "an outcome" if here.kind == CodeKind.outcome else "a theme"
            problems.append(
                FieldProblem(entry.where, f"The {entry.where} is {kind} here, not in the file.")
            )
    return problems
