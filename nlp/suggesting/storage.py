"""Saving and loading a trained model safely: JSON and numpy arrays in a zip, never pickle."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import asdict
from typing import Any

import numpy as np
from scipy import sparse

from nlp.cues.lexicon import shipped_lexicon
from nlp.interface import CodeMetrics, ModelInfo, TrainOptions
from nlp.suggesting.classifiers import CodeClassifier
from nlp.suggesting.model import TrainedModel
from nlp.suggesting.space import FeatureSpace
from nlp.suggesting.terms import Terms

FORMAT = "storybank-suggester/1"
MAX_MEMBER_BYTES = 200 * 1024 * 1024


class ModelFormatError(ValueError):
    """The bytes are not a storybank suggestion model this version can read."""


def model_to_bytes(model: TrainedModel) -> bytes:
    """The model as a zip of JSON and .npy arrays."""
    manifest, arrays = _manifest(model)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, sort_keys=True))
        for name, array in sorted(arrays.items()):
            member = io.BytesIO()
            np.save(member, np.ascontiguousarray(array), allow_pickle=False)
            archive.writestr(f"{name}.npy", member.getvalue())
    return buffer.getvalue()


def _manifest(model: TrainedModel) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    space = model.space
    arrays: dict[str, np.ndarray] = {
        "profiles": space.profiles.toarray(),
        "idf": space.terms.idf,
        "profile_vectors": space.profile_vectors,
    }
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "info": _info_json(model.info),
        "options": model.options.as_dict(),
        "keys": list(space.keys),
        "cue_weight": space.cue_weight,
        "terms": sorted(space.terms.vocabulary, key=space.terms.vocabulary.__getitem__),
        "lexicon_version": space.lexicon.version,
        "classifiers": [],
    }
    for index, c in enumerate(model.classifiers):
        arrays[f"coef_{index}"], arrays[f"cue_coef_{index}"] = c.coef, c.cue_coef
        manifest["classifiers"].append(
            {
                "key": c.key,
                "intercept": c.intercept,
                "cue_intercept": c.cue_intercept,
                "share": c.share,
                "platt": list(c.platt),
                "threshold": c.threshold,
            }
        )
    return manifest, arrays


def load_model(data: bytes) -> TrainedModel:
    """A model from `to_bytes`; refuses anything else (and never unpickles)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(_member(archive, "manifest.json"))
        if manifest.get("format") != FORMAT:
            raise ModelFormatError("not a storybank suggestion model")
        return _model(archive, manifest)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        if isinstance(error, ModelFormatError):
            raise
        raise ModelFormatError(f"unreadable model: {error}") from error


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > MAX_MEMBER_BYTES:
        raise ModelFormatError(f"{name} is too large")
    return archive.read(name)


def _array(archive: zipfile.ZipFile, name: str) -> np.ndarray:
    array: np.ndarray = np.load(io.BytesIO(_member(archive, f"{name}.npy")), allow_pickle=False)
    return array


def _model(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> TrainedModel:
    options = TrainOptions(**manifest["options"])
    terms = Terms({str(t): i for i, t in enumerate(manifest["terms"])}, _array(archive, "idf"))
    space = FeatureSpace(
        keys=tuple(manifest["keys"]),
        terms=terms,
        profiles=sparse.csr_matrix(_array(archive, "profiles")),
        lexicon=shipped_lexicon(),
        cue_weight=float(manifest["cue_weight"]),
        profile_vectors=_array(archive, "profile_vectors").astype(np.float32),
        vector_weight=options.vector_weight,
    )
    classifiers = tuple(_classifier(archive, i, c) for i, c in enumerate(manifest["classifiers"]))
    return TrainedModel(_info_from_json(manifest["info"]), options, space, classifiers)


def _classifier(archive: zipfile.ZipFile, index: int, data: dict[str, Any]) -> CodeClassifier:
    platt = [float(value) for value in data["platt"]]
    if len(platt) != 4:
        raise ModelFormatError("a classifier's calibration needs four numbers")
    return CodeClassifier(
        key=str(data["key"]),
        coef=_array(archive, f"coef_{index}").astype(np.float64),
        intercept=float(data["intercept"]),
        cue_coef=_array(archive, f"cue_coef_{index}").astype(np.float64),
        cue_intercept=float(data["cue_intercept"]),
        share=float(data["share"]),
        platt=(platt[0], platt[1], platt[2], platt[3]),
        threshold=float(data["threshold"]),
    )


def _info_json(info: ModelInfo) -> dict[str, Any]:
    data = asdict(info)
    data["labels"] = list(info.labels)
    return data


def _info_from_json(data: dict[str, Any]) -> ModelInfo:
    return ModelInfo(
        version=str(data["version"]),
        codebook_version=str(data["codebook_version"]),
        labels=tuple(data["labels"]),
        training_size=int(data["training_size"]),
        library_versions=dict(data["library_versions"]),
        per_code={k: CodeMetrics(**v) for k, v in data["per_code"].items()},
        summary=dict(data["summary"]),
        options=dict(data.get("options", {})),
        trained_at=str(data.get("trained_at", "")),
    )
