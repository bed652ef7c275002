"""What training learns from: the final codes of stories, and the codebook as nlp/ sees it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace

from sqlmodel import Session, col, select

import nlp
from nlp.interface import CodeSpec, LabelledStory, StoryText
from storybank.learning.from_review import final_codes
from storybank.models import Code, Coding, Story, StoryStatus


def training_examples(session: Session) -> list[LabelledStory]:
    """Every submitted, non-erased story that has final codes, with those codes' keys."""
    # Read as the suggest_codes job reads a story (imported here: that module imports this
    # package for the active model).
    from storybank.review.suggesting import story_text

    stories = session.exec(
        select(Story)
        .where(Story.status == StoryStatus.submitted, col(Story.erased_at).is_(None))
        .where(col(Story.id).in_(select(Coding.story_id).distinct()))
        .order_by(col(Story.id))
    ).all()
    codes_of = final_codes(session, [story.id or 0 for story in stories])
    return [
        LabelledStory(story=without_personal_data(story_text(story)), codes=codes_of[story.id or 0])
        for story in stories
        if story.id in codes_of
    ]


def without_personal_data(story: StoryText) -> StoryText:
    """The story with the personal data the detector finds replaced ("[Person A]", "[phone]"),
    so a saved model's word lists and evidence examples hold no names, numbers or addresses
    of the people in the stories it learnt from (a model outlives an erased story)."""
    cleaned = nlp.deidentify(dict(story.fields)).fields
    return replace(story, fields=dict(cleaned))


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
