"""Model versions and training: what the suggestions learn from, and which model is active.

- `examples`: the training examples (final codes) and the codebook as nlp/ takes it.
- `training`: train a candidate, compare it with the active model on the same folds,
  activate it or keep it as refused.
- `versions`: record, activate, list versions with each code's acceptance rate.
- `active`: the active model for this process (`active_suggester`).
- `retraining`: the background retrain after every `nlp_retrain_every` decisions.
"""

from storybank.learning.active import active_suggester, forget_loaded_models, use_suggester
from storybank.learning.examples import codebook_specs, training_examples
from storybank.learning.training import TrainingResult, train_and_maybe_activate
from storybank.learning.versions import (
    active_version,
    get_version,
    list_versions,
    version_detail,
)

__all__ = [
    "TrainingResult",
    "active_suggester",
    "active_version",
    "codebook_specs",
    "forget_loaded_models",
    "get_version",
    "list_versions",
    "train_and_maybe_activate",
    "training_examples",
    "use_suggester",
    "version_detail",
]
