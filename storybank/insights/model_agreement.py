"""Model agreement: each model version's suggestions against the stories' final codes
(storybank/review/final.py), per code: precision, recall, kappa, percent agreement.

Only stories someone has coded count: a story with final codes (a finished review, or
codings made outside review) and suggestions from that version. Reviewers decide with the
suggestions in view, so these figures flatter the model; the held-apart evaluation set
(`storybank nlp evaluate`) is the unbiased measure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from statistics import fmean

from pydantic import BaseModel
from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.insights.agreement_scope import (
    AgreementFilters,
    CodeRef,
    agreement_stories,
    code_ref,
    reported_codes,
)
from storybank.insights.reliability import (
    KAPPA_UNDEFINED,
    PairCounts,
    cohen_kappa,
    percent_agreement,
    precision,
    recall,
)
from storybank.models import Code, Story, Suggestion
from storybank.review.final import story_codings

CHUNK = 2000  # story ids per look-up of final codes, well inside every database's limit


class ModelCodeAgreement(BaseModel):
    """One model version's suggestions of one code against the final codes."""

    code: CodeRef
    stories: int
    suggested_and_final: int
    suggested_only: int
    final_only: int
    neither: int
    precision: float | None
    recall: float | None
    kappa: float | None
    kappa_note: str | None
    percent_agreement: float | None


class ModelVersionAgreement(BaseModel):
    """A model version over the coded stories it made suggestions for."""

    model_version: str
    stories: int
    codes: list[ModelCodeAgreement]
    precision: float | None
    recall: float | None
    mean_kappa: float | None


class ModelAgreement(BaseModel):
    """Every model version that suggested codes for stories in the filter, newest name last."""

    versions: list[ModelVersionAgreement]


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _final_codes(session: Session, story_ids: Sequence[int]) -> dict[int, frozenset[int]]:
    """The final codes of the stories someone has coded (a finished review, or codings
    made outside review); stories nobody has coded are left out."""
    found: dict[int, frozenset[int]] = {}
    for chunk in _chunks(story_ids):
        for story_id, coding in story_codings(session=session, story_ids=chunk).items():
            final = coding.final()
            if final is not None and (coding.assignments or coding.codes_by_coder):
                found[story_id] = final
    return found


def _suggested(session: Session, condition: ColumnElement[bool]) -> dict[str, dict[int, set[int]]]:
    """Per model version, each story's suggested code ids (any state: what it proposed)."""
    rows = session.exec(
        select(Suggestion.model_version, Suggestion.story_id, Suggestion.code_id)
        .join(Story, col(Story.id) == Suggestion.story_id)
        .where(condition)
        .distinct()
    ).all()
    found: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for version, story_id, code_id in rows:
        found[version][story_id].add(code_id)
    return found


def _version_counts(
    suggested: dict[int, set[int]], final: dict[int, frozenset[int]]
) -> tuple[int, dict[int, PairCounts]]:
    """Stories compared, and per code the counts of suggested vs final."""
    stories = [s for s in suggested if s in final]
    tallies: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for story_id in stories:
        made, kept = suggested[story_id], final[story_id]
        for code_id in made | kept:
            column = 0 if code_id in made and code_id in kept else 1 if code_id in made else 2
            tallies[code_id][column] += 1
    n = len(stories)
    return n, {c: PairCounts(b, m, k, n - b - m - k) for c, (b, m, k) in tallies.items()}


def _code_row(code: Code, counts: PairCounts) -> ModelCodeAgreement:
    kappa = cohen_kappa(counts)
    return ModelCodeAgreement(
        code=code_ref(code),
        stories=counts.n,
        suggested_and_final=counts.both,
        suggested_only=counts.only_first,
        final_only=counts.only_second,
        neither=counts.neither,
        precision=precision(counts),
        recall=recall(counts),
        kappa=kappa,
        kappa_note=KAPPA_UNDEFINED if kappa is None and counts.n else None,
        percent_agreement=percent_agreement(counts),
    )


def _version_row(
    version: str, n: int, counts: dict[int, PairCounts], codes: list[Code]
) -> ModelVersionAgreement:
    table = [(code, counts.get(code.id or 0, PairCounts(neither=n))) for code in codes]
    rows = [_code_row(code, c) for code, c in table]
    total = sum((c for _code, c in table), PairCounts())
    kappas = [row.kappa for row in rows if row.kappa is not None]
    return ModelVersionAgreement(
        model_version=version,
        stories=n,
        codes=rows,
        precision=precision(total),
        recall=recall(total),
        mean_kappa=fmean(kappas) if kappas else None,
    )


def model_agreement(
    *,
    session: Session,
    actor: Actor,
    filters: AgreementFilters | None = None,
    stories: ColumnElement[bool] | None = None,
) -> ModelAgreement:
    """Per model version and code, its suggestions against the final codes, over the coded
    stories the actor may see in the filter."""
    condition = agreement_stories(
        session=session, actor=actor, filters=filters or AgreementFilters(), stories=stories
    )
    suggested = _suggested(session, condition)
    story_ids = sorted({s for per_story in suggested.values() for s in per_story})
    final = _final_codes(session, story_ids)
    counted = {v: _version_counts(per_story, final) for v, per_story in suggested.items()}
    used = {c for _n, counts in counted.values() for c in counts}
    codes = reported_codes(session=session, used=used)
    versions = [
        _version_row(version, n, counts, codes)
        for version, (n, counts) in sorted(counted.items())
        if n
    ]
    return ModelAgreement(versions=versions)
