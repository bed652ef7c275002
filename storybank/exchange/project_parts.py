"""One page of stories made into the parts of a REFI-QDA project: each story's text, case
and source, the coders who may be named, and the lines of the suggestions sidecar."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storybank.access import Actor, reads_original
from storybank.exchange.guids import guid
from storybank.exchange.project_sources import (
    StoryRow,
    case_element,
    case_values,
    selections,
    source_element,
    story_guid,
    story_text,
)
from storybank.models import Code, Suggestion, SuggestionState, Unit
from storybank.review.final import StoryCoding, story_codings
from storybank.units import parent_names


@dataclass
class Names:
    """Every unit's name and every site's region name, read once per export."""

    units: dict[int, str]
    regions: dict[int, str]

    @classmethod
    def load(cls, session: Session) -> Names:
        """The names of every unit and the region above each site."""
        units = {unit_id or 0: name for unit_id, name in session.exec(select(Unit.id, Unit.name))}
        return cls(units, parent_names(session=session))


@dataclass
class StoryPart:
    """One story's text file, <Case> and <TextSource>, and how many codings it holds."""

    guid: str
    text: str
    case: ET.Element
    source: ET.Element
    codings: int


@dataclass
class PageParts:
    """A page of stories, the coders they name, and their suggestions' sidecar lines."""

    stories: list[StoryPart] = field(default_factory=list)
    coders: set[int] = field(default_factory=set)
    suggestions: list[list[Any]] = field(default_factory=list)


def page_parts(
    *, session: Session, actor: Actor, rows: Sequence[StoryRow], codes: list[Code], names: Names
) -> PageParts:
    """The project parts of one page of stories (rows as shown to this actor)."""
    keys = {code.id or 0: code.key for code in codes}
    ids = [row["id"] for row in rows]
    coding = story_codings(session=session, story_ids=ids)
    evidence = _evidence(session, ids, keys)
    parts = PageParts()
    for row in rows:
        inside = reads_original(actor, row["site_id"])
        final = _final_codes(coding[row["id"]], keys, named=inside)
        parts.coders |= {coder for _, coder in final if coder is not None}
        text, starts = story_text(row)
        coded = [(key, guid("user", c) if c else None) for key, c in final]
        found = selections(row, text, starts, coded, evidence.get(row["id"], {}))
        values = case_values(
            row, names.units.get(row["site_id"], ""), names.regions.get(row["site_id"], "")
        )
        parts.stories.append(
            StoryPart(
                guid=story_guid(row),
                text=text,
                case=case_element(row, values),
                source=source_element(row, found, row.get("submitted_at") or row["created_at"]),
                codings=sum(len(span.codes) for span in found),
            )
        )
    parts.suggestions = _suggestion_lines(session, rows, keys)
    return parts


def _final_codes(
    coding: StoryCoding, keys: dict[int, str], *, named: bool
) -> list[tuple[str, int | None]]:
    """The story's final codes in codebook order, each with the coder who applied it
    (the first assigned who did), or None when coders are not to be named."""
    final = coding.final() or frozenset()
    order = coding.coders or sorted(coding.codes_by_coder)
    place = {code_id: n for n, code_id in enumerate(keys)}
    found = []
    for code_id in sorted(final, key=lambda c: place.get(c, 0)):
        coder = next((c for c in order if code_id in coding.codes_by_coder.get(c, ())), None)
        found.append((keys[code_id], coder if named else None))
    return found


def _evidence(
    session: Session, ids: list[int], keys: dict[int, str]
) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """The evidence of each story's accepted suggestions, by story id and code key."""
    found: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(dict)
    rows = session.exec(
        select(Suggestion.story_id, Suggestion.code_id, Suggestion.evidence).where(
            col(Suggestion.story_id).in_(ids), Suggestion.state == SuggestionState.accepted
        )
    ).all()
    for story_id, code_id, items in rows:
        found[story_id].setdefault(keys.get(code_id, ""), []).extend(items or [])
    return found


def _suggestion_lines(
    session: Session, rows: Sequence[StoryRow], keys: dict[int, str]
) -> list[list[Any]]:
    """The sidecar lines of these stories' suggestions: no text, only codes and figures."""
    by_id = {row["id"]: row for row in rows}
    found = session.execute(
        sa_select(
            col(Suggestion.story_id),
            col(Suggestion.code_id),
            col(Suggestion.state),
            col(Suggestion.confidence),
            col(Suggestion.model_version),
        )
        .where(col(Suggestion.story_id).in_(list(by_id)))
        .order_by(col(Suggestion.story_id), col(Suggestion.id))
    ).all()
    return [
        [
            story_guid(by_id[sid]),
            by_id[sid]["reference"],
            keys.get(cid, ""),
            state,
            f"{conf:.3f}",
            version,
        ]
        for sid, cid, state, conf, version in found
    ]
