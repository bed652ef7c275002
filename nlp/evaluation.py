"""Evaluation against gold files: per-code figures, summaries, baselines, reliability."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlp.baselines import bag_of_words_predictions, constant_predictions
from nlp.interface import (
    CodeMetrics,
    CodeSpec,
    CodeSuggestion,
    LabelledStory,
    ReliabilityBin,
    StoryText,
    Suggester,
)
from nlp.metrics import kind_summary, label_matrix, per_code

KINDS = {"outcome": "outcomes", "theme": "themes"}


class GoldFileError(ValueError):
    """A gold file line that cannot be read, with its line number."""


@dataclass(frozen=True)
class KindReport:
    """Figures for one kind of code (outcomes or themes)."""

    micro_f1: float
    macro_f1: float
    mean_kappa: float
    per_code: Mapping[str, CodeMetrics]
    stories: int


@dataclass(frozen=True)
class GoldReport:
    """The model and the two baselines scored on a gold file."""

    kinds: Mapping[str, KindReport]  # "outcomes", "themes"
    baselines: Mapping[str, Mapping[str, KindReport]]  # "constant", "bag_of_words"
    stories: int
    suggestions: int
    without_evidence: int
    constant_labels: tuple[str, ...] = ()
    reliability: tuple[ReliabilityBin, ...] = ()  # confidence bins vs agreeing with the gold

    def as_json(self) -> dict[str, Any]:
        """The report as `storybank nlp evaluate --json` prints it."""
        found: dict[str, Any] = {name: _kind_json(report) for name, report in self.kinds.items()}
        found["baselines"] = {
            name: {kind: _kind_json(report) for kind, report in reports.items()}
            for name, reports in self.baselines.items()
        }
        found["baselines"]["constant"]["labels"] = list(self.constant_labels)
        found["stories"] = self.stories
        found["suggestions"] = self.suggestions
        found["suggestions_without_evidence"] = self.without_evidence
        found["reliability"] = [
            {
                "low": b.low,
                "high": b.high,
                "count": b.count,
                "correct": b.accepted,
                "mean_confidence": b.mean_confidence,
            }
            for b in self.reliability
        ]
        return found

    def as_text(self) -> str:
        """The report as a plain-text table."""
        lines = [
            f"{self.stories} stories, {self.suggestions} suggestions "
            f"({self.without_evidence} without evidence)"
        ]
        for name, report in self.kinds.items():
            lines.append("")
            lines.append(f"{name} ({report.stories} stories)")
            lines.append(f"  {'code':<26} {'P':>6} {'R':>6} {'F1':>6} {'kappa':>6} {'n':>4}")
            for key, m in report.per_code.items():
                lines.append(
                    f"  {key:<26} {m.precision:6.2f} {m.recall:6.2f} {m.f1:6.2f} "
                    f"{m.kappa:6.2f} {m.support:4d}"
                )
            lines.append(_summary_line("model", report))
            for baseline, reports in self.baselines.items():
                if name in reports:
                    lines.append(_summary_line(baseline, reports[name]))
        lines.append("")
        lines.append("confidence  suggestions  in the gold")
        for b in self.reliability:
            if b.count:
                lines.append(
                    f"  {b.low:.1f}-{b.high:.1f}  {b.count:11d}  {b.accepted / b.count:11.0%}"
                )
        return "\n".join(lines)


def _summary_line(label: str, report: KindReport) -> str:
    return (
        f"  {label:<14} micro-F1 {report.micro_f1:.3f}  macro-F1 {report.macro_f1:.3f}  "
        f"mean kappa {report.mean_kappa:.3f}"
    )


def _kind_json(report: KindReport) -> dict[str, Any]:
    return {
        "micro_f1": report.micro_f1,
        "macro_f1": report.macro_f1,
        "mean_kappa": report.mean_kappa,
        "stories": report.stories,
        "per_code": {key: asdict(m) for key, m in report.per_code.items()},
    }


def evaluate_gold(
    model: Suggester,
    gold: Sequence[LabelledStory],
    *,
    training: Sequence[LabelledStory],
    codebook: Sequence[CodeSpec],
) -> GoldReport:
    """Score the model on gold stories, beside the best constant guess and bag-of-words."""
    keys = [code.key for code in codebook]
    suggested = model.suggest_many([example.story for example in gold])
    predicted = label_matrix([frozenset(s.code_key for s in found) for found in suggested], keys)
    truth = label_matrix([example.codes for example in gold], keys)
    constant, labels = constant_predictions(gold, codebook)
    bag = bag_of_words_predictions(training, [example.story for example in gold], codebook)
    return GoldReport(
        kinds=kind_reports(gold, codebook, truth, predicted),
        baselines={
            "constant": kind_reports(gold, codebook, truth, constant),
            "bag_of_words": kind_reports(gold, codebook, truth, bag),
        },
        stories=len(gold),
        suggestions=sum(len(found) for found in suggested),
        without_evidence=sum(1 for found in suggested for s in found if not s.evidence),
        constant_labels=labels,
        reliability=tuple(reliability_table(_agreement(gold, suggested, codebook), bins=5)),
    )


def _agreement(
    gold: Sequence[LabelledStory],
    suggested: Sequence[Sequence[CodeSuggestion]],
    codebook: Sequence[CodeSpec],
) -> list[tuple[float, bool]]:
    """(confidence, the gold has the code) for every suggestion on a kind the gold judged."""
    kind_of = {code.key: code.kind for code in codebook}
    return [
        (s.confidence, s.code_key in example.codes)
        for example, found in zip(gold, suggested, strict=True)
        for s in found
        if judged(example, kind_of.get(s.code_key, ""))
    ]


def kind_reports(
    gold: Sequence[LabelledStory],
    codebook: Sequence[CodeSpec],
    truth: np.ndarray,
    predicted: np.ndarray,
) -> dict[str, KindReport]:
    """Per-kind figures over the gold stories that judged that kind."""
    reports = {}
    for kind, name in KINDS.items():
        rows = [i for i, example in enumerate(gold) if judged(example, kind)]
        columns = [i for i, code in enumerate(codebook) if code.kind == kind]
        if not rows or not columns:
            continue
        codes = [codebook[i] for i in columns]
        t, p = truth[np.ix_(rows, columns)], predicted[np.ix_(rows, columns)]
        metrics = per_code([c.key for c in codes], t, p)
        summary = kind_summary(codes, t, p, metrics)
        reports[name] = KindReport(
            summary[f"{kind}_micro_f1"],
            summary[f"{kind}_macro_f1"],
            summary[f"{kind}_mean_kappa"],
            metrics,
            len(rows),
        )
    return reports


def judged(example: LabelledStory, kind: str) -> bool:
    """Whether a gold story was coded for this kind of code."""
    return example.judged is None or kind in example.judged


def read_gold_jsonl(
    source: str | Path | Iterable[str], codebook: Sequence[CodeSpec]
) -> list[LabelledStory]:
    """Gold stories from JSON lines: {"text", "outcomes": [numbers], "themes": [keys]}."""
    lines: Iterable[str]
    if isinstance(source, str | Path):
        lines = Path(source).read_text(encoding="utf-8").splitlines()
    else:
        lines = source
    by_number = {code.number: code.key for code in codebook if code.kind == "outcome"}
    themes = {code.key for code in codebook if code.kind == "theme"}
    found = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            found.append(_gold_line(line, number, by_number, themes))
    return found


def _gold_line(
    line: str, number: int, by_number: Mapping[int | None, str], themes: set[str]
) -> LabelledStory:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise GoldFileError(f"line {number}: not JSON ({error.msg})") from error
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise GoldFileError(f'line {number}: needs a "text" string')
    codes, kinds = set(), set()
    for value in _list(data, "outcomes", number):
        if value not in by_number or isinstance(value, bool):
            raise GoldFileError(f"line {number}: unknown outcome {value!r}")
        codes.add(by_number[value])
    for value in _list(data, "themes", number):
        if value not in themes:
            raise GoldFileError(f"line {number}: unknown theme {value!r}")
        codes.add(value)
    kinds = {kind for kind, name in KINDS.items() if name in data}
    return LabelledStory(StoryText.from_text(data["text"]), frozenset(codes), frozenset(kinds))


def _list(data: Mapping[str, Any], name: str, number: int) -> list[Any]:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise GoldFileError(f'line {number}: "{name}" must be a list')
    return value


def reliability_table(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> list[ReliabilityBin]:
    """Confidence bins against observed acceptance (is 0.8 accepted about 80% of the time?)."""
    table = []
    for index in range(bins):
        low, high = index / bins, (index + 1) / bins
        inside = [(c, a) for c, a in pairs if low <= c < high or (index == bins - 1 and c == 1.0)]
        mean = float(np.mean([c for c, _ in inside])) if inside else 0.0
        table.append(
            ReliabilityBin(
                round(low, 4),
                round(high, 4),
                len(inside),
                sum(1 for _, a in inside if a),
                round(mean, 4),
            )
        )
    return table
