"""Training options as stored with each version (JSON), and back again."""

from __future__ import annotations

import dataclasses
from typing import Any

from nlp.interface import TrainOptions


def options_to_json(options: TrainOptions | None) -> dict[str, Any]:
    """The options as a JSON object; the defaults spelled out when none were given."""
    return dict((options or TrainOptions()).as_dict())


def options_from_json(data: dict[str, Any]) -> TrainOptions:
    """The options a version recorded; names this release no longer knows are left out."""
    known = {item.name for item in dataclasses.fields(TrainOptions)}
    return TrainOptions(**{name: value for name, value in data.items() if name in known})
