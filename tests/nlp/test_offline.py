"""Loading, training and suggesting never touch the network."""

from __future__ import annotations

import socket

import pytest

import nlp
from nlp import lemmas, pipeline, vectors
from nlp.cues import lexicon
from nlp.interface import StoryText
from tests.nlp.conftest import SMALL_OPTIONS


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("network access attempted")


def test_load_train_and_suggest_run_with_networking_blocked(
    monkeypatch: pytest.MonkeyPatch, small_examples, small_codebook
) -> None:
    monkeypatch.setattr(socket, "socket", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    for cached in (pipeline._load, lemmas.lemma_table, lexicon.shipped_lexicon, vectors._load):
        cached.cache_clear()
    model = nlp.train_model(
        small_examples[:12],
        small_codebook,
        codebook_version="offline",
        options=SMALL_OPTIONS,
        seed=1,
    )
    loaded = nlp.load_model(model.to_bytes())
    found = loaded.suggest(StoryText.from_text("She walked into the hub and joined a lunch club."))
    assert all(s.evidence for s in found)
