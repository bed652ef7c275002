"""The consent step: the three consent levels in plain words, and what must be chosen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from storybank.models import ConsentLevel


@dataclass(frozen=True)
class ConsentChoice:
    """One consent level, explained in plain words."""

    value: str
    title: str
    explanation: str


CONSENT_CHOICES = (
    ConsentChoice(
        ConsentLevel.site_only.value,
        "Kept within the site",
        "Only people who work at {site} can read the story. It is not shared any wider.",
    ),
    ConsentChoice(
        ConsentLevel.programme_anonymised.value,
        "Read across the programme, with names removed",
        "Evaluators across the Community Led Support programme may read the story, after "
        "names and other details that could identify the person are removed.",
    ),
    ConsentChoice(
        ConsentLevel.publishable_anonymised.value,
        "Published, with names removed",
        "The story may be published, for example in a report or on a website, after names "
        "and other details that could identify the person are removed.",
    ),
)


def consent_errors(form: Mapping[str, str]) -> dict[str, str]:
    """What is missing from the consent step before the story can be submitted."""
    errors: dict[str, str] = {}
    if form.get("consent_level") not in {choice.value for choice in CONSENT_CHOICES}:
        errors["consent_level"] = "Choose how far the person agreed their story may be shared."
    if form.get("explained") != "yes":
        errors["explained"] = "Confirm that you have explained this to the person and they agreed."
    return errors
