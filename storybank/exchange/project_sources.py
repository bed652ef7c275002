"""One story in a REFI-QDA project: its plain text (each field under a heading), the
selections its final codes are coded on, and its <TextSource> and <Case> elements.

Positions are character offsets into the plain text, from 0, the end excluded. A code's
selection covers its evidence where the accepted suggestion's evidence still fits the text
shown (the de-identified text outside the story's site); otherwise the whole story.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from storybank.exchange.guids import code_guid, guid
from storybank.exchange.schemas import xml_safe
from storybank.models import LABELS, STORY_FIELDS, FieldKind

StoryRow = dict[str, Any]
TEXT_FIELDS = tuple(f for f in STORY_FIELDS if f.personal)
HEADINGS = {"title": "Title", "community_solutions": "Community solutions used"}
# (name, REFI type): the case variables every story carries, where it has a value.
VARIABLES = (
    ("Site", "Text"),
    ("Region", "Text"),
    ("Status", "Text"),
    ("Whose story", "Text"),
    ("Contact route", "Text"),
    ("Success or learning", "Text"),
    ("Date of change", "Date"),
    ("Consent", "Text"),
    ("Weekly cost before", "Float"),
    ("Weekly cost after", "Float"),
    ("Weekly cost change", "Float"),
)
VALUE_ELEMENTS = {"Text": "TextValue", "Date": "DateValue", "Float": "FloatValue"}


def story_guid(row: Mapping[str, Any]) -> str:
    """The GUID of a story's source (and its name in sources/ and the sidecar CSV)."""
    return guid("story", row["id"], row["reference"])


def story_text(row: Mapping[str, Any]) -> tuple[str, dict[str, int]]:
    """The story's plain text, each field that has text under its heading, and where each
    field's text starts in it."""
    parts: list[str] = []
    starts: dict[str, int] = {}
    at = 0
    for story_field in TEXT_FIELDS:
        value = row.get(story_field.name)
        if story_field.kind == FieldKind.lines:
            value = "\n".join(f"- {item}" for item in value or [])
        if not value:
            continue
        heading = HEADINGS.get(story_field.name, story_field.label) + "\n"
        starts[story_field.name] = at + len(heading)
        chunk = f"{heading}{value}\n\n"
        parts.append(chunk)
        at += len(chunk)
    return "".join(parts).rstrip("\n") + "\n", starts


@dataclass
class Selection:
    """A span of the story's text and the codes coded on it (with who coded each)."""

    start: int
    end: int
    codes: list[tuple[str, str | None]] = field(default_factory=list)


def selections(
    row: Mapping[str, Any],
    text: str,
    starts: Mapping[str, int],
    codes: Sequence[tuple[str, str | None]],
    evidence: Mapping[str, list[dict[str, Any]]],
) -> list[Selection]:
    """The selections of the story's final codes ((key, coder GUID) pairs): a code's
    evidence spans that fit the text shown, else the whole story."""
    spans: dict[tuple[int, int], Selection] = {}
    whole = Selection(0, len(text.rstrip("\n")))
    for key, coder in codes:
        found = [s for item in evidence.get(key, []) if (s := _span(row, starts, item))]
        for start, end in found or [(whole.start, whole.end)]:
            spans.setdefault((start, end), Selection(start, end)).codes.append((key, coder))
    return sorted(spans.values(), key=lambda s: (s.start, s.end))


def _span(
    row: Mapping[str, Any], starts: Mapping[str, int], item: Mapping[str, Any]
) -> tuple[int, int] | None:
    """Where one evidence item sits in the plain text, if it still fits the text shown."""
    name = str(item.get("field"))
    value = row.get(name)
    start, end = int(item.get("start", -1)), int(item.get("end", -1))
    if name not in starts or not isinstance(value, str) or not 0 <= start < end <= len(value):
        return None
    if value[start:end] != item.get("text"):
        return None
    return starts[name] + start, starts[name] + end


def source_element(row: StoryRow, found: list[Selection], created: datetime | None) -> ET.Element:
    """The story's <TextSource>: its text file in sources/ and its coded selections."""
    story_id = story_guid(row)
    title = xml_safe(row.get("title") or "Untitled")
    attributes = {"guid": story_id, "name": f"{row['reference']} {title}".strip()}
    attributes["plainTextPath"] = f"internal://{story_id}.txt"
    if created is not None:
        attributes["creationDateTime"] = date_time(created)
    source = ET.Element("TextSource", attributes)
    for span in found:
        mark = (row["id"], span.start, span.end)
        selection = ET.SubElement(
            source,
            "PlainTextSelection",
            {
                "guid": guid("selection", *mark),
                "startPosition": str(span.start),
                "endPosition": str(span.end),
            },
        )
        for key, coder in span.codes:
            made = {"guid": guid("coding", *mark, key)} | ({"creatingUser": coder} if coder else {})
            coding = ET.SubElement(selection, "Coding", made)
            ET.SubElement(coding, "CodeRef", {"targetGUID": code_guid(key)})
    return source


def case_element(row: StoryRow, values: Mapping[str, Any]) -> ET.Element:
    """The story's <Case>: its variables' values and a reference to its source."""
    case = ET.Element("Case", {"guid": guid("case", row["id"], row["reference"])})
    case.set("name", str(row["reference"]))
    for name, kind in VARIABLES:
        value = values.get(name)
        if value is None or value == "":
            continue
        item = ET.SubElement(case, "VariableValue")
        ET.SubElement(item, "VariableRef", {"targetGUID": guid("variable", name)})
        ET.SubElement(item, VALUE_ELEMENTS[kind]).text = _value_text(value)
    ET.SubElement(case, "SourceRef", {"targetGUID": story_guid(row)})
    return case


def case_values(row: StoryRow, site: str, region: str) -> dict[str, Any]:
    """The variables' values of one story (choices as their labels)."""
    before, after = row.get("weekly_cost_before"), row.get("weekly_cost_after")
    return {
        "Site": site,
        "Region": region,
        "Status": _label(row.get("status")),
        "Whose story": _label(row.get("perspective")),
        "Contact route": _label(row.get("contact_route")),
        "Success or learning": _label(row.get("story_type")),
        "Date of change": row.get("change_date"),
        "Consent": _label(row.get("consent_level")),
        "Weekly cost before": before,
        "Weekly cost after": after,
        "Weekly cost change": None if before is None or after is None else after - before,
    }


def variable_elements() -> ET.Element:
    """The project's <Variables>: one per case variable, with its type."""
    variables = ET.Element("Variables")
    for name, kind in VARIABLES:
        ET.SubElement(
            variables,
            "Variable",
            {"guid": guid("variable", name), "name": name, "typeOfVariable": kind},
        )
    return variables


def date_time(value: datetime) -> str:
    """An xsd:dateTime in UTC."""
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _label(value: str | None) -> str:
    return xml_safe(LABELS.get(value or "", value or ""))


def _value_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return xml_safe(str(value))
