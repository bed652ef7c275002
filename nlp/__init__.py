"""Natural-language processing for storybank: code suggestions with evidence, evaluation.

Knows nothing of the database: text and labelled examples in, plain dataclasses out
(nlp/interface.py). Heavy modules (spaCy, scikit-learn) load on first use, not on import.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "load_pipeline": "nlp.pipeline",
    "train_model": "nlp.suggesting.training",
    "cross_validate": "nlp.suggesting.training",
    "TrainedModel": "nlp.suggesting.model",
    "load_model": "nlp.suggesting.storage",
    "ModelFormatError": "nlp.suggesting.storage",
    "evaluate_gold": "nlp.evaluation",
    "GoldReport": "nlp.evaluation",
    "read_gold_jsonl": "nlp.evaluation",
    "reliability_table": "nlp.evaluation",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the public API lazily, so `import nlp.interface` stays light."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'nlp' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
