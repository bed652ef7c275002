"""The codebook forms: a code's fields as typed, one cue phrase or example a line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from storybank.codebook_admin import KEY_RULE
from storybank.models import CodePublic
from web.forms.messages import field_errors

CODE_LABELS = {
    "key": "Key",
    "label": "Label",
    "description": "Description",
    "cue_phrases": "Cue phrases",
    "examples": "Examples",
    "parent_key": "Part of",
    "n_topics": "Number of topics",
    "unit_id": "Site or region",
    "period_id": "Reporting period",
}
LIST_FIELDS = ("cue_phrases", "examples")


def lines(text: str) -> list[str]:
    """The non-blank lines of a text box."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def code_data(form: Mapping[str, str], *, with_key: bool) -> dict[str, Any]:
    """The code fields of a posted form, ready for ThemeCreate / CodeEdit."""
    data: dict[str, Any] = {
        "label": form.get("label", ""),
        "description": form.get("description", ""),
        "cue_phrases": lines(form.get("cue_phrases", "")),
        "examples": lines(form.get("examples", "")),
        "parent_key": form.get("parent_key", "").strip() or None,
    }
    if with_key:
        data["key"] = form.get("key", "")
        data["source"] = "topic" if form.get("source") == "topic" else "admin"
    return data


def code_values(code: CodePublic) -> dict[str, str]:
    """A code's fields as the edit form shows them."""
    return {
        "label": code.label,
        "description": code.description,
        "cue_phrases": "\n".join(code.cue_phrases),
        "examples": "\n".join(code.examples),
        "parent_key": code.parent_key or "",
    }


def code_errors(exc: ValidationError, form: Mapping[str, str]) -> dict[str, str]:
    """Messages beside the codebook form's fields, in the codebook's own words."""
    errors = field_errors(exc, form)
    kinds = {str(e["loc"][0]): e["type"] for e in exc.errors() if e.get("loc")}
    if "key" in errors:
        errors["key"] = f"Use {KEY_RULE}."
    if kinds.get("label") == "string_too_short":
        errors["label"] = "Give the code a label."
    for name in LIST_FIELDS:
        if name in errors and kinds.get(name) != "too_long":
            errors[name] = "Keep each line to 200 characters (examples 2,000) or fewer."
        elif name in errors:
            errors[name] = "That is too many lines: at most 200 cue phrases and 50 examples."
    return errors
