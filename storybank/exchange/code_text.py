"""A code's description in a REFI-QDA file: its own text, then a storybank block that keeps
what REFI-QDA has no place for (the code's key and cue phrases), written and read back.

    Easier, quicker access ... (the description)

    storybank key: outcome_1
    Cue phrases:
    - popped into the hub
    - no waiting list
"""

from __future__ import annotations

from dataclasses import dataclass

from storybank.exchange.schemas import xml_safe
from storybank.models import Code

KEY_LINE = "storybank key: "
CUE_HEADING = "Cue phrases:"
BULLET = "- "


def description_text(code: Code) -> str:
    """The code's description, then the storybank block: its key and cue phrases."""
    lines = [code.description.strip(), "", f"{KEY_LINE}{code.key}"]
    if code.cue_phrases:
        lines += [CUE_HEADING, *(f"{BULLET}{phrase}" for phrase in code.cue_phrases)]
    return xml_safe("\n".join(lines).lstrip("\n"))


@dataclass(frozen=True)
class CodeText:
    """What a description read back holds: the text, and the key and cue phrases of its
    storybank block (None when it has none, as in files from other software)."""

    description: str
    key: str | None = None
    cue_phrases: list[str] | None = None


def read_description(text: str | None) -> CodeText:
    """Split a description into its own text and its storybank block."""
    text = (text or "").replace("\r\n", "\n")
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.strip().startswith(KEY_LINE)]
    if not starts:
        return CodeText(text.strip())
    first = starts[-1]
    key = lines[first].strip().removeprefix(KEY_LINE).strip()
    cues: list[str] | None = None
    rest = [line.strip() for line in lines[first + 1 :] if line.strip()]
    if rest and rest[0] == CUE_HEADING:
        cues = [line.removeprefix(BULLET).strip() for line in rest[1:] if line.startswith(BULLET)]
    return CodeText("\n".join(lines[:first]).strip(), key, cues if cues is not None else [])
