"""The spaCy pipeline under the suggestions, assembled from nlp/config.cfg (or an installed one)."""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language

from nlp import lemmas as _lemmas  # noqa: F401  (registers storybank_lemmatizer)
from nlp import sentences as _sentences  # noqa: F401  (registers storybank_sentences)
from nlp.cues import matcher as _matcher  # noqa: F401  (registers storybank_cue_matcher)

HERE = Path(__file__).parent
CONFIG_PATH = HERE / "config.cfg"
BLANK = "blank"
_LOCK = threading.Lock()


def load_pipeline(name: str = BLANK) -> Language:
    """The named pipeline with storybank's components, built once per process and name."""
    with _LOCK:
        return _load(name)


@cache
def _load(name: str) -> Language:
    if name == BLANK:
        config = spacy.util.load_config(CONFIG_PATH)
        nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    else:
        nlp = spacy.load(name)
        _add_storybank_components(nlp)
    return nlp


def _add_storybank_components(nlp: Language) -> None:
    """Give an installed pretrained pipeline sentences (if it lacks them) and the cue matcher."""
    if not ({"parser", "senter", "sentencizer"} & set(nlp.pipe_names)):
        nlp.add_pipe("storybank_sentences", first=True)
    if "lemmatizer" not in nlp.pipe_names:
        nlp.add_pipe("storybank_lemmatizer")
    nlp.add_pipe("storybank_cue_matcher", last=True)
