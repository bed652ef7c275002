"""Personal-data detection and de-identification, offline.

`find_personal_data(text)` lists the person names, phone numbers, e-mail addresses, UK
postcodes, NHS numbers, dates of birth and street addresses in a text; `deidentify(fields)`
replaces them in all of a story's fields at once, the same person getting the same letter
everywhere ("[Person A]"). The spaCy component `storybank_personal_data` does the finding.
"""

from nlp.personal_data.component import SPAN_KEY, PersonalDataDetector, detector_pipeline
from nlp.personal_data.redacting import KINDS, REPLACEMENTS, deidentify, find_personal_data

__all__ = [
    "KINDS",
    "REPLACEMENTS",
    "SPAN_KEY",
    "PersonalDataDetector",
    "deidentify",
    "detector_pipeline",
    "find_personal_data",
]
