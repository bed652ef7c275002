"""The 'write a change story' form: its sections and guidance, and reading it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from storybank.models import (
    LABELS,
    STORY_FIELD_NAMES,
    SUBMIT_REQUIRED,
    FieldKind,
    Story,
    story_field,
)
from web.forms.dates import DateInput, DateProblem, date_boxes, read_date
from web.forms.messages import field_errors

Options = tuple[tuple[str, str], ...]
Model = TypeVar("Model", bound=BaseModel)
DATE_SUBJECT = "The date of the change"


@dataclass(frozen=True)
class FormField:
    """One input of the story form, with its label and guidance."""

    name: str
    label: str
    hint: str
    kind: str = "text"  # text, textarea, lines, select, radios, date, money, site
    options: Options = ()

    @property
    def needed_to_submit(self) -> bool:
        return self.name in SUBMIT_REQUIRED

    @property
    def counts_words(self) -> bool:
        return self.kind == "textarea"


@dataclass(frozen=True)
class FormSection:
    """A numbered part of the form: one fieldset."""

    number: int
    title: str
    intro: str
    fields: tuple[FormField, ...]

    @property
    def anchor(self) -> str:
        return f"section-{self.number}"


def _choices(values: Iterable[str]) -> Options:
    return tuple((value, LABELS[value]) for value in values)


# The input each kind of story field gets, unless the form says otherwise.
INPUTS = {
    FieldKind.line: "text",
    FieldKind.long_text: "textarea",
    FieldKind.lines: "lines",
    FieldKind.choice: "select",
    FieldKind.date: "date",
    FieldKind.money: "money",
}


def _input(name: str, label: str, hint: str, kind: str | None = None) -> FormField:
    """The input of one story field: its kind and choices come from the field's definition."""
    field = story_field(name)
    options = _choices(choice.value for choice in field.choices) if field.choices else ()
    return FormField(name, label, hint, kind or INPUTS[field.kind], options)


NAMES_HINT = "Write the person's first name or initials only."
SECTIONS: tuple[FormSection, ...] = (
    FormSection(
        1,
        "About the story",
        "Only the parts marked “needed to submit” must be filled in before you submit. You "
        "can save a draft at any time and come back to it.",
        (
            _input(
                "title",
                "Title",
                "A few words that sum up the change, for example 'Joan found the lunch club'. "
                + NAMES_HINT,
            ),
            FormField("site_id", "Site", "The site where the change happened.", "site"),
            _input(
                "perspective",
                "Whose story is this?",
                "Who the story is about, or whose point of view it is told from.",
            ),
            _input(
                "contact_route",
                "How did the person come into contact?",
                "How they first reached us or the service.",
            ),
            _input(
                "story_type",
                "Success or learning?",
                "A learning story is just as welcome as a success: say what did not go well "
                "and what was learned.",
                "radios",
            ),
            _input(
                "change_date",
                "Date of the change",
                "Roughly when the change happened; it cannot be in the future. "
                "For example, 14 3 2026",
            ),
        ),
    ),
    FormSection(
        2,
        "What mattered to the person",
        "Start from the person, not the service.",
        (
            _input(
                "what_mattered",
                "What mattered most to the person?",
                "What did they say they wanted? Use their own words where you can. " + NAMES_HINT,
            ),
        ),
    ),
    FormSection(
        3,
        "What happened",
        "Tell it in a few sentences.",
        (
            _input(
                "what_happened",
                "What happened?",
                "Who did what, and when? Say who or what helped. A few sentences is enough.",
            ),
        ),
    ),
    FormSection(
        4,
        "What changed",
        "The outcome: what is different now, and for whom.",
        (
            _input(
                "what_changed",
                "What changed?",
                "Be specific: 'she goes to the lunch club every Tuesday' says more than 'she "
                "is happier'. For a learning story, say what did not go well.",
            ),
        ),
    ),
    FormSection(
        5,
        "Before Community Led Support",
        "How it would have gone under the old way of working.",
        (
            _input(
                "before_cls",
                "What would have happened before?",
                "For example a waiting list, a long assessment, a care home placement, or "
                "nothing at all until a crisis.",
            ),
        ),
    ),
    FormSection(
        6,
        "Who or what helped",
        "The community solutions that made a difference.",
        (
            _input(
                "community_solutions",
                "Community solutions used",
                "One per line, for example: walking group, befriending scheme, lunch club.",
            ),
        ),
    ),
    FormSection(
        7,
        "Why this change is significant",
        "Panels choose stories on this, so it matters most.",
        (
            _input(
                "why_significant",
                "Why is this change significant?",
                "In the storyteller's own words: why does this change matter to them? For a "
                "learning story, say what was learned.",
            ),
        ),
    ),
    FormSection(
        8,
        "Cost of support",
        "Optional. Only if you know the weekly cost of formal support.",
        (
            _input(
                "weekly_cost_before",
                "Weekly cost before (£)",
                "What formal support cost each week before the change, for example 250.",
            ),
            _input(
                "weekly_cost_after",
                "Weekly cost after (£)",
                "What it costs each week now, for example 124.50. Enter 0 if it stopped.",
            ),
        ),
    ),
)
FIELDS: dict[str, FormField] = {field.name: field for s in SECTIONS for field in s.fields}
# The story's fields in the order the form asks for them (the site is not one of them).
STORY_FIELDS = tuple(name for name in FIELDS if name != "site_id")
if sorted(STORY_FIELDS) != sorted(STORY_FIELD_NAMES):
    raise RuntimeError("The story form must ask for every story field, and only those.")
FIELD_LABELS: dict[str, str] = {
    **{name: field.label for name, field in FIELDS.items()},
    "consent_level": "Consent",
    "explained": "Confirmation",
    "version": "Form",
}


class FormInvalid(Exception):
    """A posted form with a message for each bad field, and the date boxes to highlight."""

    def __init__(self, errors: dict[str, str], date_parts: dict[str, tuple[str, ...]]) -> None:
        super().__init__("the form has problems")
        self.errors = errors
        self.date_parts = date_parts


def read_story(form: Mapping[str, str], model: type[Model], **extra: Any) -> Model:
    """The posted story as StoryCreate or StoryUpdate; FormInvalid naming every bad field."""
    errors: dict[str, str] = {}
    date_parts: dict[str, tuple[str, ...]] = {}
    payload = _story_payload(form)
    try:
        payload["change_date"] = read_date(DateInput.from_form(form, "change_date"), DATE_SUBJECT)
    except DateProblem as problem:
        errors["change_date"], date_parts["change_date"] = problem.message, problem.parts
    try:
        data = model.model_validate({**payload, **extra})
    except ValidationError as exc:
        errors = {**field_errors(exc, form), **errors}
    if errors:
        order = [*FIELDS, *extra]
        errors = dict(sorted(errors.items(), key=lambda item: _position(order, item[0])))
        raise FormInvalid(errors, date_parts)
    return data


def _position(order: list[str], name: str) -> int:
    return order.index(name) if name in order else len(order)


def _story_payload(form: Mapping[str, str]) -> dict[str, Any]:
    """The story fields of a posted form (but the date), as plain values for the schemas."""
    payload: dict[str, Any] = {}
    for name in STORY_FIELDS:
        raw = form.get(name, "").strip()
        if name == "community_solutions":
            payload[name] = [line.strip() for line in raw.splitlines() if line.strip()]
        elif name.startswith("weekly_cost"):
            payload[name] = raw.replace("£", "").replace(",", "").strip() or None
        elif name != "change_date":
            payload[name] = raw or None
    return payload


def story_values(story: Story) -> dict[str, str]:
    """A stored story as the text its form fields show."""
    values = {name: getattr(story, name) for name in STORY_FIELDS}
    values["community_solutions"] = "\n".join(story.community_solutions)
    del values["change_date"]
    values.update(date_boxes("change_date", story.change_date))
    values["site_id"] = str(story.site_id)
    values["version"] = str(story.version)
    return {name: "" if value is None else str(value) for name, value in values.items()}
