"""The demo bank and shipped codebook as nlp/ inputs (for the NLP benchmarks and tests)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from nlp.interface import CodeSpec, LabelledStory, StoryText

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "storybank" / "data"
TEXT_FIELDS = (
    "title",
    "what_mattered",
    "what_happened",
    "what_changed",
    "before_cls",
    "why_significant",
)


def shipped_codebook() -> tuple[list[CodeSpec], str]:
    """The shipped codebook's codes and its version."""
    data = tomllib.loads((DATA / "codebook.toml").read_text(encoding="utf-8"))
    codes = [
        CodeSpec(
            key=c["key"],
            kind=c["kind"],
            label=c["label"],
            description=c.get("description", ""),
            number=c.get("number"),
            cue_phrases=tuple(c.get("cue_phrases", ())),
            examples=tuple(c.get("examples", ())),
        )
        for c in data["code"]
    ]
    return codes, str(data["version"])


def demo_stories() -> list[LabelledStory]:
    """Every demo story with its evaluator's codes, in file order."""
    found = []
    for path in sorted((DATA / "demo").glob("stories_*.toml")):
        for story in tomllib.loads(path.read_text(encoding="utf-8"))["story"]:
            found.append(LabelledStory(_story(story), _codes(story)))
    return found


def _story(story: dict[str, Any]) -> StoryText:
    fields = {name: story.get(name, "") for name in TEXT_FIELDS}
    fields["community_solutions"] = "; ".join(story.get("community_solutions", []))
    return StoryText(
        fields={k: v for k, v in fields.items() if v},
        contact_route=story.get("contact_route"),
        story_type=story.get("story_type"),
        weekly_cost_before=story.get("weekly_cost_before"),
        weekly_cost_after=story.get("weekly_cost_after"),
    )


def _codes(story: dict[str, Any]) -> frozenset[str]:
    return frozenset(
        [f"outcome_{n}" for n in story.get("outcomes", [])] + list(story.get("themes", []))
    )
