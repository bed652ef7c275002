"""The suggestion model: features, per-code classifiers, evidence sentences, safe storage."""
