"""Training options as stored with each version (JSON), and back again."""

from __future__ import annotations

import dataclasses
from typing import Any

import nlp


def options_to_json(options: Any) -> dict[str, Any]:
    """The options as a JSON object; the defaults spelled out when none were given."""
    chosen = options if options is not None else nlp.TrainOptions()
    values = dataclasses.asdict(chosen)
    return {
        name: list(value) if isinstance(value, tuple) else value for name, value in values.items()
    }


def options_from_json(data: dict[str, Any]) -> Any:
    """The options a version recorded; names this release no longer knows are left out."""
    known = {item.name: item for item in dataclasses.fields(nlp.TrainOptions)}
    values = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in data.items()
        if name in known
    }
    return nlp.TrainOptions(**values)
