"""The suggestion model: evidence offsets, saved form, determinism, refusing unsafe input."""

from __future__ import annotations

import io
import pickle
import zipfile

import pytest

import nlp
from nlp.interface import StoryText
from tests.nlp.conftest import SMALL_OPTIONS

HUB_STORY = StoryText(
    fields={
        "what_happened": "Mr Adeyemi walked into the library hub on a Tuesday. The volunteer rang "
        "the befriending scheme while he was still there.",
        "what_changed": "He is no longer lonely. He goes to the lunch club every week.",
    },
    contact_route="hub_walk_in",
)


def test_every_suggestion_has_evidence_whose_offsets_point_at_its_text(small_model) -> None:
    suggestions = small_model.suggest(HUB_STORY)
    assert suggestions
    for suggestion in suggestions:
        assert 1 <= len(suggestion.evidence) <= 3
        for evidence in suggestion.evidence:
            field = HUB_STORY.fields[evidence.field]
            assert field[evidence.start : evidence.end] == evidence.text


def test_hub_story_gets_community_hub_with_the_hub_sentence(small_model) -> None:
    by_key = {s.code_key: s for s in small_model.suggest(HUB_STORY)}
    assert "community_hub" in by_key
    texts = [e.text for e in by_key["community_hub"].evidence]
    assert "Mr Adeyemi walked into the library hub on a Tuesday." in texts


def test_suggestions_carry_the_model_version_and_confidence_in_range(small_model) -> None:
    for suggestion in small_model.suggest(HUB_STORY):
        assert suggestion.model_version == small_model.info.version
        assert 0.0 <= suggestion.confidence <= 1.0


def test_an_empty_story_gets_no_suggestions(small_model) -> None:
    assert small_model.suggest(StoryText.from_text("")) == []


def test_saved_and_loaded_model_gives_identical_suggestions(small_model) -> None:
    loaded = nlp.load_model(small_model.to_bytes())
    assert loaded.info == small_model.info
    assert loaded.suggest(HUB_STORY) == small_model.suggest(HUB_STORY)


def test_training_is_deterministic_for_a_seed(small_examples, small_codebook, small_model) -> None:
    again = nlp.train_model(
        small_examples, small_codebook, codebook_version="test", options=SMALL_OPTIONS, seed=0
    )
    assert again.info.version == small_model.info.version
    assert again.info.per_code == small_model.info.per_code
    assert again.suggest(HUB_STORY) == small_model.suggest(HUB_STORY)


def test_model_info_records_what_went_into_it(small_model, small_codebook) -> None:
    info = small_model.info
    assert info.training_size == 30
    assert info.labels == tuple(code.key for code in small_codebook)
    assert set(info.per_code) == set(info.labels)
    assert "spacy" in info.library_versions and "scikit-learn" in info.library_versions
    assert "outcome_micro_f1" in info.summary and "theme_micro_f1" in info.summary
    assert info.options == SMALL_OPTIONS.as_dict()
    assert all(m.threshold is not None for m in info.per_code.values())


def test_cross_validation_uses_the_same_folds_for_the_same_seed(
    small_examples, small_codebook
) -> None:
    first = nlp.cross_validate(small_examples, small_codebook, options=SMALL_OPTIONS, folds=3)
    second = nlp.cross_validate(small_examples, small_codebook, options=SMALL_OPTIONS, folds=3)
    assert first == second
    assert first.size == 30 and first.folds == 3


def test_a_pickle_is_refused_not_unpickled() -> None:
    with pytest.raises(nlp.ModelFormatError):
        nlp.load_model(pickle.dumps({"format": "storybank-suggester/1"}))


def test_a_zip_holding_a_pickled_array_is_refused(small_model) -> None:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(small_model.to_bytes())) as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "coef_0.npy":
                stream = io.BytesIO()
                import numpy as np

                np.save(stream, np.array([object()], dtype=object), allow_pickle=True)
                data = stream.getvalue()
            target.writestr(item, data)
    with pytest.raises(nlp.ModelFormatError):
        nlp.load_model(buffer.getvalue())
