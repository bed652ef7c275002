"""The agreement statistics, cross-checked against scikit-learn's kappa, the
`krippendorff` package fed story by story, and figures worked by hand."""

from __future__ import annotations

import random

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from storybank.insights.reliability import (
    PairCounts,
    cohen_kappa,
    krippendorff_alpha,
    percent_agreement,
    precision,
    recall,
)


def _labels(counts: PairCounts) -> tuple[list[int], list[int]]:
    first = [1] * counts.both + [1] * counts.only_first + [0] * counts.only_second
    second = [1] * counts.both + [0] * counts.only_first + [1] * counts.only_second
    return first + [0] * counts.neither, second + [0] * counts.neither


def test_kappa_worked_by_hand():
    # 20 stories: both 8, first only 2, second only 3, neither 7.
    # po = 15/20 = 0.75; first yes 10/20, second yes 11/20;
    # pe = 0.5 * 0.55 + 0.5 * 0.45 = 0.5; kappa = (0.75 - 0.5) / 0.5 = 0.5.
    counts = PairCounts(8, 2, 3, 7)
    assert percent_agreement(counts) == pytest.approx(0.75)
    assert cohen_kappa(counts) == pytest.approx(0.5)


def test_alpha_worked_by_hand():
    # Nominal, two coders, N units: alpha = 1 - (2N - 1) * disagreements / (n_yes * n_no).
    # N = 20, disagreements 5, n_yes = 2*8 + 5 = 21, n_no = 2*7 + 5 = 19.
    counts = PairCounts(8, 2, 3, 7)
    assert krippendorff_alpha([counts]) == pytest.approx(1 - 39 * 5 / (21 * 19))


@pytest.mark.parametrize("seed", range(12))
def test_kappa_and_alpha_match_the_reference_implementations(seed):
    rng = random.Random(seed)
    counts = PairCounts(*(rng.randint(0, 15) for _ in range(4)))
    first, second = _labels(counts)
    if len(set(first)) == len(set(second)) == 1 and first[0] == second[0]:
        pytest.skip("constant and equal: undefined (tested below)")
    assert cohen_kappa(counts) == pytest.approx(cohen_kappa_score(first, second))
    expected = krippendorff.alpha(
        reliability_data=np.array([first, second]), level_of_measurement="nominal"
    )
    assert krippendorff_alpha([counts]) == pytest.approx(expected)


def test_pooled_alpha_equals_alpha_over_every_decision():
    per_code = [PairCounts(5, 1, 0, 4), PairCounts(0, 2, 1, 7), PairCounts(9, 0, 0, 1)]
    pairs = [_labels(c) for c in per_code]
    data = np.array([[v for p in pairs for v in p[0]], [v for p in pairs for v in p[1]]])
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha(per_code) == pytest.approx(expected)


def test_kappa_is_undefined_when_both_coders_never_apply_the_code():
    assert cohen_kappa(PairCounts(neither=10)) is None
    assert cohen_kappa(PairCounts(both=10)) is None
    with pytest.warns(UserWarning):
        assert np.isnan(cohen_kappa_score([0] * 10, [0] * 10))
    assert krippendorff_alpha([PairCounts(neither=10)]) is None


def test_one_coder_constant_gives_kappa_zero_not_undefined():
    counts = PairCounts(0, 3, 0, 7)  # the second never applies it
    first, second = _labels(counts)
    assert cohen_kappa(counts) == pytest.approx(cohen_kappa_score(first, second)) == 0.0


def test_nothing_to_compare_gives_none_everywhere():
    empty = PairCounts()
    assert percent_agreement(empty) is None and cohen_kappa(empty) is None
    assert krippendorff_alpha([]) is None


def test_precision_and_recall_of_a_model_against_final_codes():
    counts = PairCounts(both=6, only_first=2, only_second=4, neither=8)
    assert precision(counts) == pytest.approx(6 / 8)
    assert recall(counts) == pytest.approx(6 / 10)
    assert precision(PairCounts(only_second=3)) is None
    assert recall(PairCounts(only_first=3)) is None
