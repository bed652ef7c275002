"""What personal data the detector finds in a story, and the de-identified version it
proposes (names replaced consistently across the fields). A person still checks and
confirms; nothing here saves anything."""

from __future__ import annotations

from typing import Protocol

import nlp
from storybank.models import DEIDENTIFIED_FIELDS, PersonalDataFound, ProposedDeidentified

SOLUTIONS = "community_solutions"


class StoryTexts(Protocol):
    """A story or a de-identified version: the text fields and the community solutions."""

    title: str
    what_mattered: str
    what_happened: str
    what_changed: str
    before_cls: str
    why_significant: str
    community_solutions: list[str]


def _fields(story: StoryTexts) -> dict[str, str]:
    fields = {name: getattr(story, name) or "" for name in DEIDENTIFIED_FIELDS}
    fields[SOLUTIONS] = "\n".join(story.community_solutions or [])
    return fields


def propose_deidentified(story: StoryTexts) -> tuple[ProposedDeidentified, list[PersonalDataFound]]:
    """The detector's de-identified version of `story`, and what it found."""
    result = nlp.deidentify(_fields(story))
    texts = dict(result.fields)
    solutions = [line for line in texts.pop(SOLUTIONS, "").split("\n") if line.strip()]
    proposed = ProposedDeidentified(**texts, community_solutions=solutions)
    return proposed, _found(result)


def personal_data_in(story: StoryTexts) -> list[PersonalDataFound]:
    """What the detector finds in the story's text, with the replacement it would propose."""
    return _found(nlp.deidentify(_fields(story)))


def _found(result: nlp.Deidentified) -> list[PersonalDataFound]:
    return [
        PersonalDataFound(
            field=name,
            kind=item.kind,
            start=item.start,
            end=item.end,
            text=item.text,
            replacement=result.replacements.get(item.text, ""),
        )
        for name, items in result.found.items()
        for item in items
    ]
