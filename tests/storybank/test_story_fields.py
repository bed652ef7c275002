"""The story's fields are defined once (storybank.models.STORY_FIELDS); every list of them
that the schemas, services, register and web form use agrees with that definition."""

from __future__ import annotations

from storybank.models import (
    DEIDENTIFIED_FIELDS,
    PERSONAL_FIELDS,
    STORY_FIELD_NAMES,
    STORY_FIELDS,
    SUBMIT_REQUIRED,
    TEXT_FIELDS,
    DeidentifiedIn,
    DeidentifiedPublic,
    FieldKind,
    Story,
    StoryDeidentified,
    StoryFields,
    StoryPublic,
)
from storybank.register.columns import COLUMNS, Kind
from storybank.stories import FIELD_NAMES
from storybank.stories.finding import SEARCHABLE
from web.forms.story import FIELDS
from web.forms.story import STORY_FIELDS as FORM_FIELDS


def test_the_schemas_and_tables_hold_exactly_the_defined_fields():
    assert tuple(StoryFields.model_fields) == STORY_FIELD_NAMES
    assert set(STORY_FIELD_NAMES) <= set(Story.model_fields)
    assert set(STORY_FIELD_NAMES) <= set(StoryPublic.model_fields)
    for schema in (StoryDeidentified, DeidentifiedIn, DeidentifiedPublic):
        written = {name for name in schema.model_fields if name in STORY_FIELD_NAMES}
        assert written == set(PERSONAL_FIELDS), schema.__name__


def test_the_service_lists_are_derived_from_the_definition():
    assert tuple(f.name for f in STORY_FIELDS if f.needed_to_submit) == SUBMIT_REQUIRED
    assert tuple(f.name for f in STORY_FIELDS if f.kind == FieldKind.long_text) == TEXT_FIELDS
    assert ("title", *TEXT_FIELDS) == DEIDENTIFIED_FIELDS
    assert ("title", *TEXT_FIELDS) == SEARCHABLE
    assert (*DEIDENTIFIED_FIELDS[:-1], "community_solutions", "why_significant") == PERSONAL_FIELDS
    assert {f.name: f.label for f in STORY_FIELDS} == FIELD_NAMES
    assert FIELD_NAMES["what_happened"] == "What happened"


def test_the_register_has_one_column_per_field_in_the_defined_order():
    story_columns = [c for c in COLUMNS if c.name in STORY_FIELD_NAMES]
    assert tuple(c.name for c in story_columns) == STORY_FIELD_NAMES
    first = COLUMNS.index(story_columns[0])
    assert COLUMNS[first : first + len(STORY_FIELDS)] == tuple(story_columns), "side by side"
    assert all(c.imported and c.exported for c in story_columns)
    by_name = {c.name: c for c in story_columns}
    for field in STORY_FIELDS:
        assert by_name[field.name].choices is field.choices, field.name
    assert by_name["community_solutions"].kind == Kind.solutions
    assert by_name["before_cls"].header == "before CLS"


def test_the_form_asks_for_every_field_once_with_its_choices_and_requirement():
    assert sorted(FORM_FIELDS) == sorted(STORY_FIELD_NAMES)
    assert len(FORM_FIELDS) == len(set(FORM_FIELDS))
    for field in STORY_FIELDS:
        shown = FIELDS[field.name]
        assert shown.needed_to_submit == field.needed_to_submit, field.name
        expected = tuple(c.value for c in field.choices) if field.choices else ()
        assert tuple(value for value, _ in shown.options) == expected, field.name
    assert FIELDS["story_type"].kind == "radios" and FIELDS["perspective"].kind == "select"
    assert [n for n, f in FIELDS.items() if f.counts_words] == [
        n for n in FORM_FIELDS if n in TEXT_FIELDS
    ]
