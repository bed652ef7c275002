"""Model versions: record, activate, look up and list them with how their suggestions fared."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

import nlp
from nlp.interface import ReliabilityBin
from storybank.errors import NotFound
from storybank.learning.from_review import acceptance_counts, decided_suggestions
from storybank.models import (
    Code,
    CodeFigures,
    ModelStatus,
    ModelVersion,
    ModelVersionDetail,
    ModelVersionPublic,
    ReliabilityRow,
    User,
    utcnow,
)

VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:+-]{0,63}$"


def new_version_id(now: datetime | None = None) -> str:
    """A sortable, readable version id such as 2026-12-02T11-40-00-3f2a."""
    moment = now or utcnow()
    return f"{moment:%Y-%m-%dT%H-%M-%S}-{secrets.token_hex(2)}"


def active_version_id(session: Session) -> str | None:
    """The version id of the active model, if any (one small query)."""
    found = session.exec(
        select(ModelVersion.version).where(ModelVersion.status == ModelStatus.active)
    ).first()
    return found


def active_version(session: Session) -> ModelVersion | None:
    """The active model version, without its artifact."""
    return session.exec(
        select(ModelVersion)
        .options(defer(ModelVersion.artifact))  # type: ignore[arg-type]
        .where(ModelVersion.status == ModelStatus.active)
    ).first()


def get_version(*, session: Session, version: str) -> ModelVersion:
    """One model version by its id, or NotFound."""
    found = session.exec(select(ModelVersion).where(ModelVersion.version == version)).first()
    if found is None:
        raise NotFound(
            f"There is no model version {version!r}. `storybank nlp models` lists them.",
            code="model_version_not_found",
        )
    return found


def make_active(session: Session, chosen: ModelVersion, reason: str) -> None:
    """Retire the active version (if any) and activate this one (the caller commits)."""
    current = active_version(session)
    if current is not None and current.id != chosen.id:
        current.status = ModelStatus.retired
        current.status_reason = f"Replaced by {chosen.version}."
        session.add(current)
        session.flush()
    chosen.status = ModelStatus.active
    chosen.status_reason = reason
    chosen.activated_at = utcnow()
    session.add(chosen)
    session.flush()


def list_versions(*, session: Session) -> list[ModelVersionPublic]:
    """Every model version, newest first, with its figures and each code's acceptance rate."""
    rows = session.exec(
        select(ModelVersion)
        .options(defer(ModelVersion.artifact))  # type: ignore[arg-type]
        .order_by(col(ModelVersion.created_at).desc(), col(ModelVersion.id).desc())
    ).all()
    counts = acceptance_counts(session, [row.version for row in rows])
    kinds = _code_kinds(session)
    names = _creator_names(session, rows)
    return [_public(row, counts, kinds, names) for row in rows]


def version_detail(*, session: Session, version: str) -> ModelVersionDetail:
    """One version in full: figures, comparison, library versions, reliability table."""
    row = get_version(session=session, version=version)
    counts = acceptance_counts(session, [row.version])
    listed = _public(row, counts, _code_kinds(session), _creator_names(session, [row]))
    return ModelVersionDetail(
        **listed.model_dump(),
        comparison=row.comparison,
        library_versions=dict(row.metrics.get("library_versions", {})),
        reliability=reliability(session=session, version=row.version),
    )


def reliability(*, session: Session, version: str, bins: int = 10) -> list[ReliabilityRow]:
    """Confidence bands of a version's decided suggestions against the share accepted."""
    pairs = [(item.confidence, item.accepted) for item in decided_suggestions(session, version)]
    return [ReliabilityRow(**_bin_values(band)) for band in nlp.reliability_table(pairs, bins)]


def _bin_values(band: ReliabilityBin) -> dict[str, Any]:
    return {
        "low": band.low,
        "high": band.high,
        "count": band.count,
        "mean_confidence": band.mean_confidence if band.count else None,
        "acceptance_rate": band.acceptance,
    }


def _public(
    row: ModelVersion,
    counts: dict[tuple[str, str], tuple[int, int]],
    kinds: dict[str, str],
    names: dict[int, str],
) -> ModelVersionPublic:
    return ModelVersionPublic(
        version=row.version,
        status=row.status,
        status_reason=row.status_reason,
        created_at=row.created_at,
        created_by=names.get(row.created_by_id or 0),
        trained_via=row.trained_via,
        activated_at=row.activated_at,
        training_size=row.training_size,
        codebook_version=row.codebook_version,
        options=row.options,
        summary=dict(row.metrics.get("summary", {})),
        per_code=_code_figures(row, counts, kinds),
    )


def _code_figures(
    row: ModelVersion, counts: dict[tuple[str, str], tuple[int, int]], kinds: dict[str, str]
) -> list[CodeFigures]:
    """Each code's recorded figures, with the share of its suggestions reviewers accepted."""
    found = []
    for key, figures in row.metrics.get("per_code", {}).items():
        accepted, decided = counts.get((row.version, key), (0, 0))
        found.append(
            CodeFigures(
                key=key,
                kind=kinds.get(key, "theme"),  # a code since removed from the codebook
                **{name: figures.get(name) for name in _FIGURES},
                suggestions_decided=decided,
                acceptance_rate=accepted / decided if decided else None,
            )
        )
    return found


_FIGURES = ("precision", "recall", "f1", "kappa", "support", "threshold")


def _code_kinds(session: Session) -> dict[str, str]:
    return {key: kind for key, kind in session.exec(select(Code.key, Code.kind)).all()}


def _creator_names(session: Session, rows: Sequence[ModelVersion]) -> dict[int, str]:
    ids = {row.created_by_id for row in rows if row.created_by_id is not None}
    if not ids:
        return {}
    found = session.exec(select(User.id, User.display_name).where(col(User.id).in_(ids))).all()
    return {user_id or 0: name for user_id, name in found}
