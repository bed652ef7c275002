"""The Wilson score interval, checked against published values."""

from __future__ import annotations

import pytest

from storybank.insights.intervals import wilson_interval


@pytest.mark.parametrize(
    ("count", "total", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857, table I, method 3.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        # Symmetric about a half.
        (5, 10, 0.2366, 0.7634),
    ],
)
def test_wilson_interval_matches_known_values(count, total, low, high):
    found = wilson_interval(count, total)
    assert found == pytest.approx((low, high), abs=5e-5)


def test_no_stories_gives_an_empty_interval():
    assert wilson_interval(0, 0) == (0.0, 0.0)


def test_every_story_gives_an_interval_ending_at_one():
    low, high = wilson_interval(20, 20)
    assert high == 1.0 and low == pytest.approx(0.8389, abs=5e-5)


def test_a_wider_z_widens_the_interval():
    narrow, wide = wilson_interval(19, 33, z=1.0), wilson_interval(19, 33, z=2.58)
    assert wide[0] < narrow[0] < 19 / 33 < narrow[1] < wide[1]


@pytest.mark.parametrize(("count", "total"), [(-1, 5), (6, 5), (1, -1)])
def test_a_count_that_is_not_a_share_is_refused(count, total):
    with pytest.raises(ValueError):
        wilson_interval(count, total)
