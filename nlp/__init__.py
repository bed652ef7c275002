"""Natural-language processing for storybank (code suggestions, PII detection).

Knows nothing of the database: text and labelled examples in, plain dataclasses out.
The suggestion pipeline arrives with the NLP issue; this package is its home.
"""

from __future__ import annotations

from collections.abc import Mapping

from nlp.interface import Deidentified, PersonalData


def find_personal_data(text: str) -> list[PersonalData]:
    """The person names, phones, e-mails, postcodes, NHS numbers, dates of birth and street
    addresses in `text` (the detector loads on first use, once per process)."""
    from nlp.personal_data import find_personal_data as find

    return find(text)


def deidentify(fields: Mapping[str, str]) -> Deidentified:
    """A story's text fields with personal data replaced, names consistently across fields."""
    from nlp.personal_data import deidentify as redact

    return redact(fields)
