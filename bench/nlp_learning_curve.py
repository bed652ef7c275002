"""The learning curve: the same held-out stories scored by models trained on 20, 40, 60... stories.

    .venv/bin/python bench/nlp_learning_curve.py [--per-code] [--dev FILE.jsonl] [--sizes 20,40,all]

Holds out a stratified fifth of the demo bank, trains on growing prefixes of the rest (shuffled
once by the seed), and scores each model on the held-out fifth as text alone (as `storybank nlp
evaluate` does) and with its structured fields, and on the dev file when given.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nlp
from bench.nlp_data import ROOT, demo_stories, shipped_codebook
from nlp.evaluation import GoldReport
from nlp.interface import CodeSpec, LabelledStory, StoryText
from nlp.metrics import label_matrix
from nlp.suggesting.training import fold_indices

DEV = ROOT / "tests" / "data" / "nlp_dev_stories.jsonl"


def held_out_fifth(
    examples: Sequence[LabelledStory], codebook: Sequence[CodeSpec], seed: int
) -> tuple[list[LabelledStory], list[LabelledStory]]:
    """(training pool, held-out fifth), split by multi-label stratified folds."""
    y = label_matrix([e.codes for e in examples], [c.key for c in codebook])
    train, test = fold_indices(y, 5, seed)[0]
    return [examples[i] for i in train], [examples[i] for i in test]


def as_text(examples: Sequence[LabelledStory]) -> list[LabelledStory]:
    """The same stories known only as one piece of text."""
    return [LabelledStory(StoryText.from_text(e.story.joined()), e.codes) for e in examples]


def line(label: str, report: GoldReport) -> str:
    """One row of the curve."""
    o, t = report.kinds["outcomes"], report.kinds["themes"]
    return (
        f"{label:<22} outcomes micro-F1 {o.micro_f1:.2f} macro-F1 {o.macro_f1:.2f} "
        f"kappa {o.mean_kappa:.2f} | themes micro-F1 {t.micro_f1:.2f} kappa {t.mean_kappa:.2f}"
    )


def scored(
    model: nlp.TrainedModel,
    training: Sequence[LabelledStory],
    held: Sequence[LabelledStory],
    dev: Sequence[LabelledStory],
    codes: Sequence[CodeSpec],
) -> dict[str, GoldReport]:
    """One model's reports on the held-out fifth (text alone, structured) and the dev file."""
    reports = {
        "held-out, text alone": nlp.evaluate_gold(
            model, as_text(held), training=as_text(training), codebook=codes
        ),
        "held-out, structured": nlp.evaluate_gold(model, held, training=training, codebook=codes),
    }
    if dev:
        reports["dev file"] = nlp.evaluate_gold(
            model, dev, training=as_text(training), codebook=codes
        )
    return reports


def print_per_code(model: nlp.TrainedModel, reports: dict[str, GoldReport], size: int) -> None:
    """The last model's cross-validated and held-out figures per code."""
    print(f"\n== cross-validation on the {size} training stories, per code ==")
    for key, m in model.info.per_code.items():
        print(
            f"  {key:<26} P {m.precision:.2f} R {m.recall:.2f} F1 {m.f1:.2f} "
            f"kappa {m.kappa:.2f} n {m.support} threshold {m.threshold:.2f}"
        )
    for label, report in reports.items():
        print(f"\n== {label} (model trained on {size}) ==")
        print(report.as_text())


def main() -> None:
    """Print the curve (and, with --per-code, the last model's per-code figures)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-code", action="store_true")
    parser.add_argument("--dev", type=Path, default=DEV if DEV.exists() else None)
    parser.add_argument("--sizes", default="20,40,all")
    args = parser.parse_args()
    codes, version = shipped_codebook()
    pool, held = held_out_fifth(demo_stories(), codes, args.seed)
    random.Random(args.seed).shuffle(pool)
    dev = nlp.read_gold_jsonl(args.dev, codes) if args.dev else []
    sizes = [len(pool) if s == "all" else int(s) for s in args.sizes.split(",")]
    print(f"held-out fifth: {len(held)} demo stories; dev file: {len(dev)} stories")
    for size in sizes:
        model = nlp.train_model(pool[:size], codes, codebook_version=version, seed=args.seed)
        reports = scored(model, pool[:size], held, dev, codes)
        print(f"trained on {size} stories:")
        for label, report in reports.items():
            print("  " + line(label, report))
        cv = model.info.summary
        print(
            f"  {'cross-validation':<22} outcomes micro-F1 {cv['outcome_micro_f1']:.2f} "
            f"kappa {cv['outcome_mean_kappa']:.2f} | themes micro-F1 {cv['theme_micro_f1']:.2f}"
        )
    if args.per_code:
        print_per_code(model, reports, sizes[-1])


if __name__ == "__main__":
    main()
