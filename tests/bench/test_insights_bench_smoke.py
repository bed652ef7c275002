"""The insights bench on a small bank: each timed endpoint's figures equal the same
aggregate written by hand in SQL, for an admin and an evaluator (no timing)."""

from __future__ import annotations

from bench.cases import build_bank
from bench.insights import measure
from bench.run import app_client


def test_insight_endpoints_match_the_hand_written_sql(engine, tmp_path):
    bank = build_bank(engine, 1_500)
    with app_client(engine, tmp_path) as client:
        timings = measure(bank, client, runs=1)
    assert len(timings) == 8
    assert [t.case for t in timings if not t.same] == []
