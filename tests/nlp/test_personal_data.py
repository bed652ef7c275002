"""Personal-data detection: each kind, names that are words, places, and consistent
replacement across a story's fields."""

from __future__ import annotations

import pytest
import spacy

from nlp import deidentify, find_personal_data


def found(text: str) -> list[tuple[str, str]]:
    return [(item.kind, item.text) for item in find_personal_data(text)]


@pytest.mark.parametrize(
    ("text", "kind", "piece"),
    [
        ("Ring her on 07700 900321 after lunch.", "phone", "07700 900321"),
        ("The office is on (0113) 496 0456.", "phone", "(0113) 496 0456"),
        ("His number is +44 7700 900987 now.", "phone", "+44 7700 900987"),
        ("Write to ann.hughes@example.org.uk soon.", "email", "ann.hughes@example.org.uk"),
        ("The flat is in LS7 3QX, near the park.", "postcode", "LS7 3QX"),
        ("Her NHS number is 943 476 5919.", "nhs_number", "943 476 5919"),
        ("She was born 3 May 1941 in Cardiff.", "date_of_birth", "3 May 1941"),
        ("DOB 03/05/41, lives alone.", "date_of_birth", "03/05/41"),
        ("He lives at 14 Orchard Road with his dog.", "address", "14 Orchard Road"),
        ("Mrs Agnieszka Wójcik came to the hub.", "person_name", "Agnieszka Wójcik"),
    ],
)
def test_each_kind_is_found(text, kind, piece):
    assert (kind, piece) in found(text)


def test_numbers_that_fail_their_checks_are_not_flagged():
    assert found("The code 943 476 5918 was a typo.") == []
    assert found("The hub opened on 3 May 2024 with tea and cake.") == []
    assert found("The support cost fell by £126 a week.") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Rose came to the drop-in with her daughter.", "Rose"),
        ("Her neighbour Bill drove her to the lunch club.", "Bill"),
        ("On Friday the agent met Hope at the library.", "Hope"),
        ("Grace Obi said nobody had asked her before.", "Grace Obi"),
        ("After the call, Will said he felt listened to.", "Will"),
        ("Mrs Faith Adeyemi's son rang the council.", "Faith Adeyemi"),
        ("It was Jack's idea to start a walking group.", "Jack"),
        ("Our volunteer, Mark, fixed the grab rail.", "Mark"),
    ],
)
def test_names_that_are_also_words_count_when_used_as_names(text, name):
    assert ("person_name", name) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "She will hope for the best, and her faith keeps her going.",
        "The Rose and Crown lends the group its back room.",
        "Staff in Somerset, Derby and the Scottish Borders met in Leeds.",
        "The Talking Point at Age UK helped with Attendance Allowance.",
        "In May the Men's Shed and Citizens Advice ran a pop-up hub.",
        "He grew a rose bush and paid the gas bill on time.",
    ],
)
def test_places_and_capitalised_words_that_are_not_people_are_left_alone(text):
    assert [kind for kind, _ in found(text) if kind == "person_name"] == []


def test_names_from_many_backgrounds_are_found():
    text = (
        "Oluwaseun, Siobhan, Eilidh, Dafydd, Mei Ling, Krzysztof, Fatima and Delroy "
        "all came to the Thursday lunch."
    )
    names = {piece for kind, piece in found(text) if kind == "person_name"}
    assert {"Oluwaseun", "Siobhan", "Eilidh", "Dafydd", "Krzysztof", "Fatima", "Delroy"} <= names
    assert any("Mei" in name for name in names)


def test_one_person_gets_one_letter_across_all_fields():
    result = deidentify(
        {
            "title": "Agnieszka back at the allotment",
            "what_happened": "Mrs Agnieszka Kowalski rang on 07700 900123; her son Tomasz helped.",
            "what_changed": "Tomasz says Mrs Kowalski now goes every week.",
        }
    )
    assert result.fields["title"] == "[Person A] back at the allotment"
    assert result.fields["what_happened"] == (
        "Mrs [Person A] rang on [phone]; her son [Person B] helped."
    )
    assert result.fields["what_changed"] == "[Person B] says Mrs [Person A] now goes every week."
    assert result.replacements["07700 900123"] == "[phone]"
    assert [item.kind for item in result.found["title"]] == ["person_name"]


def test_every_kind_has_its_replacement():
    text = (
        "Ann Hughes, born 2 June 1950, of 9 Mill Lane, Ayr KA7 1DR, NHS number 943 476 5919, "
        "ann@example.org, 07700 900555."
    )
    redacted = deidentify({"text": text}).fields["text"]
    assert redacted == (
        "[Person A], born [date of birth], of [address], Ayr [postcode], NHS number "
        "[NHS number], [email], [phone]."
    )


def test_the_component_sets_spans_on_the_doc_in_any_pipeline():
    import nlp.personal_data  # noqa: F401  (registers the factory)

    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe("storybank_personal_data")
    doc = pipeline("Priya Shah rang 0161 496 0555.")
    assert [(span.label_, span.text) for span in doc.spans["personal_data"]] == [
        ("person_name", "Priya Shah"),
        ("phone", "0161 496 0555"),
    ]


def test_empty_and_redacted_text_yield_nothing():
    assert find_personal_data("") == []
    assert find_personal_data("[Person A] rang [phone] about [Person B].") == []
