"""What training learns from: the final codes of stories, and the codebook as nlp/ sees it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from sqlmodel import Session, col, select

from nlp.interface import CodeSpec, LabelledStory, StoryText
from storybank.learning.from_review import final_codes
from storybank.models import TEXT_FIELDS, Code, Coding, Story, StoryStatus

# The fields a model reads, in this order; evidence offsets point into one of them.
MODEL_FIELDS = ("title", *TEXT_FIELDS)


def story_text(story: Story) -> StoryText:
    """A story as nlp/ reads it: its text fields by name and the structured signals."""
    return StoryText(
        fields={name: getattr(story, name) or "" for name in MODEL_FIELDS},
        contact_route=story.contact_route,
        story_type=story.story_type,
        weekly_cost_before=_number(story.weekly_cost_before),
        weekly_cost_after=_number(story.weekly_cost_after),
    )


def training_examples(session: Session) -> list[LabelledStory]:
    """Every submitted, non-erased story that has final codes, with those codes' keys."""
    stories = session.exec(
        select(Story)
        .where(Story.status == StoryStatus.submitted, col(Story.erased_at).is_(None))
        .where(col(Story.id).in_(select(Coding.story_id).distinct()))
        .order_by(col(Story.id))
    ).all()
    codes_of = final_codes(session, [story.id or 0 for story in stories])
    return [
        LabelledStory(story=story_text(story), codes=codes_of[story.id or 0])
        for story in stories
        if story.id in codes_of
    ]


def codebook_specs(session: Session) -> list[CodeSpec]:
    """The active codes of the codebook, outcomes first, as nlp/ takes them."""
    codes = session.exec(
        select(Code).where(col(Code.active).is_(True)).order_by(col(Code.sort_order), col(Code.id))
    ).all()
    return [
        CodeSpec(
            key=code.key,
            kind=code.kind,
            label=code.label,
            description=code.description,
            number=code.number,
            cue_phrases=tuple(code.cue_phrases),
            examples=tuple(code.examples),
        )
        for code in codes
    ]


def codebook_version(specs: Sequence[CodeSpec]) -> str:
    """A short fingerprint of the codebook a model was trained with (keys, rules, cues)."""
    content = [[spec.key, spec.kind, spec.description, list(spec.cue_phrases)] for spec in specs]
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()
    return f"codebook-{digest[:10]}"


def _number(value: object) -> float | None:
    return None if value is None else float(str(value))
