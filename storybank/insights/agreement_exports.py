"""The agreement tables as charts (kappa per code) and as CSV, from the service results."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from storybank.insights.agreement import ReviewerAgreement
from storybank.insights.charts import Bar, Chart, bar_chart, heat_map
from storybank.insights.model_agreement import ModelAgreement

UNDEFINED = "not defined"


def _code_label(code: Any) -> str:
    return f"Outcome {code.number}: {code.label}" if code.number else code.label


def reviewer_kappa_chart(result: ReviewerAgreement) -> Chart:
    """Cohen's kappa per code between the two blind coders, as bars."""
    bars = [
        Bar(
            _code_label(row.code),
            row.kappa or 0.0,
            note=None if row.kappa is not None else UNDEFINED,
        )
        for row in result.codes
    ]
    return bar_chart(
        title="Reviewer agreement: Cohen's kappa per code",
        description=(
            f"Cohen's kappa between two blind coders for each code over {result.stories} "
            "double-coded stories; 1 is perfect agreement, 0 what chance would give. "
            "The table beside it has every figure."
        ),
        bars=bars,
        value_label="Cohen's kappa",
        percent=False,
    )


def model_kappa_chart(result: ModelAgreement) -> Chart:
    """Cohen's kappa per code (rows) and model version (columns), as a heat map."""
    versions = result.versions
    codes = [row.code for row in versions[0].codes] if versions else []
    values = [[version.codes[i].kappa for version in versions] for i in range(len(codes))]
    return heat_map(
        title="Model agreement: Cohen's kappa per code and model version",
        description=(
            "Cohen's kappa between each model version's suggestions and the final codes, "
            "per code; a dash where it is not defined. The tables beside it have every figure."
        ),
        rows=[_code_label(code) for code in codes],
        columns=[version.model_version for version in versions],
        values=values,
        value_label="Cohen's kappa",
    )


def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return out.getvalue()


def reviewer_csv(result: ReviewerAgreement) -> str:
    """One row per code and an overall row: the counts and the three measures."""
    header = [
        "code",
        "label",
        "kind",
        "stories",
        "both_applied",
        "only_first",
        "only_second",
        "neither",
        "percent_agreement",
        "kappa",
        "alpha",
    ]
    rows: list[list[Any]] = [
        [
            r.code.key,
            r.code.label,
            r.code.kind,
            r.stories,
            r.both_applied,
            r.only_first,
            r.only_second,
            r.neither,
            r.percent_agreement,
            r.kappa,
            r.alpha,
        ]
        for r in result.codes
    ]
    o = result.overall
    rows.append(
        [
            "(all codes)",
            "Overall (mean kappa)",
            "",
            result.stories,
            "",
            "",
            "",
            "",
            o.percent_agreement,
            o.mean_kappa,
            o.alpha,
        ]
    )
    return _csv(header, rows)


def model_csv(result: ModelAgreement) -> str:
    """One row per model version and code."""
    header = [
        "model_version",
        "code",
        "label",
        "stories",
        "suggested_and_final",
        "suggested_only",
        "final_only",
        "neither",
        "precision",
        "recall",
        "kappa",
        "percent_agreement",
    ]
    rows = [
        [
            v.model_version,
            r.code.key,
            r.code.label,
            r.stories,
            r.suggested_and_final,
            r.suggested_only,
            r.final_only,
            r.neither,
            r.precision,
            r.recall,
            r.kappa,
            r.percent_agreement,
        ]
        for v in result.versions
        for r in v.codes
    ]
    return _csv(header, rows)
