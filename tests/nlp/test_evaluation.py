"""Gold files, metrics, baselines and the reliability table."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nlp
from nlp.evaluation import GoldFileError
from nlp.metrics import code_metrics, cohen_kappa

GOLD_LINES = [
    json.dumps(
        {
            "text": "She walked into the library hub and joined the lunch club.",
            "outcomes": [1, 2],
            "themes": ["community_hub"],
            "site": "ignored",
        }
    ),
    "",
    json.dumps(
        {"text": "His telecare alarm meant he stayed at home.", "themes": ["technology_telecare"]}
    ),
    json.dumps({"text": "Nothing much changed.", "outcomes": []}),
]


def test_gold_lines_map_outcome_numbers_to_keys_and_keep_what_was_judged(small_codebook) -> None:
    gold = nlp.read_gold_jsonl(GOLD_LINES, small_codebook)
    assert len(gold) == 3
    assert gold[0].codes == {"outcome_1", "outcome_2", "community_hub"}
    assert gold[1].judged == {"theme"}
    assert gold[2].judged == {"outcome"} and gold[2].codes == frozenset()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 1: not JSON"),
        ('{"outcomes": [1]}', 'needs a "text"'),
        ('{"text": "x", "outcomes": [9]}', "unknown outcome 9"),
        ('{"text": "x", "themes": ["made_up"]}', "unknown theme 'made_up'"),
        ('{"text": "x", "themes": "community_hub"}', '"themes" must be a list'),
    ],
)
def test_a_bad_gold_line_is_refused_with_its_line_number(line, message, small_codebook) -> None:
    with pytest.raises(GoldFileError, match=message):
        nlp.read_gold_jsonl([line], small_codebook)


def test_kappa_and_f1_of_known_arrays() -> None:
    truth = np.array([1, 1, 0, 0, 1, 0])
    predicted = np.array([1, 0, 0, 1, 1, 0])
    figures = code_metrics(truth, predicted)
    assert figures.precision == pytest.approx(2 / 3, abs=1e-4)
    assert figures.recall == pytest.approx(2 / 3, abs=1e-4)
    assert figures.kappa == pytest.approx(1 / 3, abs=1e-4)
    assert cohen_kappa(np.array([1, 1]), np.array([1, 1])) == 0.0


def test_evaluation_report_has_the_documented_shape(
    small_model, small_examples, small_codebook
) -> None:
    gold = nlp.read_gold_jsonl(GOLD_LINES, small_codebook)
    report = nlp.evaluate_gold(small_model, gold, training=small_examples, codebook=small_codebook)
    data = report.as_json()
    assert data["stories"] == 3
    assert data["outcomes"]["stories"] == 2 and data["themes"]["stories"] == 2
    for kind in ("outcomes", "themes"):
        assert {"micro_f1", "macro_f1", "mean_kappa", "per_code"} <= set(data[kind])
        assert set(data["baselines"]["constant"][kind]) >= {"micro_f1", "mean_kappa"}
        assert "micro_f1" in data["baselines"]["bag_of_words"][kind]
    assert set(data["outcomes"]["per_code"]["outcome_1"]) >= {"precision", "recall", "f1", "kappa"}
    assert data["suggestions_without_evidence"] == 0
    assert sum(row["count"] for row in data["reliability"]) <= data["suggestions"]
    assert "outcomes (2 stories)" in report.as_text()


def test_the_constant_guess_is_the_label_set_with_the_best_micro_f1(small_codebook) -> None:
    from nlp.baselines import constant_predictions

    lines = [json.dumps({"text": "x", "outcomes": [3], "themes": []})] * 3 + [
        json.dumps({"text": "y", "outcomes": [1, 3], "themes": []})
    ]
    predicted, labels = constant_predictions(
        nlp.read_gold_jsonl(lines, small_codebook), small_codebook
    )
    assert labels == ("outcome_3",)
    assert predicted.sum() == 4


def test_reliability_table_counts_acceptance_per_confidence_bin() -> None:
    pairs = [(0.85, True), (0.82, True), (0.88, False), (0.15, False), (1.0, True)]
    table = nlp.reliability_table(pairs, bins=10)
    assert len(table) == 10
    assert (table[8].count, table[8].accepted) == (3, 2)
    assert table[8].acceptance == pytest.approx(2 / 3)
    assert (table[9].count, table[1].count) == (1, 1)
    assert table[5].acceptance is None
