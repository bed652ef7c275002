"""Builders for learning tests: coded stories to train on, and model versions."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from storybank.models import Code, Coding, ModelStatus, ModelVersion, Story, Unit, User
from tests.builders import make_site, make_story, make_user

# Two kinds of fictional story, each with the codes a careful coder would give it.
KINDS: list[tuple[dict[str, str], tuple[str, ...]]] = [
    (
        {
            "title": "Marek found the walking group",
            "what_happened": "Marek popped into the library hub and met a community agent.",
            "what_changed": "He walks with the group every week and has friends to ring.",
        },
        ("outcome_2", "outcome_3", "community_hub", "reduced_isolation"),
    ),
    (
        {
            "title": "Priya stayed in her own home",
            "what_happened": "A telecare alarm and a neighbour's visits were set up in a day.",
            "what_changed": "Priya stayed at home instead of moving into a care home.",
        },
        ("outcome_1", "outcome_6", "technology_telecare", "remaining_at_home"),
    ),
]


def make_coded_stories(
    session: Session, count: int, *, site: Unit | None = None, coder: User | None = None
) -> list[Story]:
    """`count` submitted stories, alternating the two kinds, each with its codes confirmed."""
    site = site or make_site(session, "Learning site")
    coder = coder or make_user(session, roles=["reviewer"], sites=[site], name="Kit Coder")
    codes = {code.key: code for code in session.exec(select(Code)).all()}
    stories = []
    for index in range(count):
        fields, keys = KINDS[index % len(KINDS)]
        story = make_story(session, site=site, author=coder, **fields)
        session.add_all(
            Coding(story_id=story.id, code_id=codes[k].id, coder_id=coder.id) for k in keys
        )
        stories.append(story)
    session.commit()
    return stories


def add_model_version(session: Session, version: str, **values: Any) -> ModelVersion:
    """A model version row written straight to the database (no training)."""
    row = ModelVersion(
        version=version,
        status=values.pop("status", ModelStatus.refused),
        training_size=values.pop("training_size", 12),
        codebook_version=values.pop("codebook_version", "codebook-test"),
        metrics=values.pop(
            "metrics",
            {
                "per_code": {
                    "outcome_3": {
                        "precision": 0.8,
                        "recall": 0.9,
                        "f1": 0.85,
                        "kappa": 0.7,
                        "support": 6,
                        "threshold": 0.4,
                    }
                },
                "summary": {"outcome_micro_f1": 0.8, "theme_micro_f1": 0.7},
                "library_versions": {"scikit-learn": "test"},
            },
        ),
        artifact=values.pop("artifact", b"not a model"),
        **values,
    )
    session.add(row)
    session.commit()
    return row
