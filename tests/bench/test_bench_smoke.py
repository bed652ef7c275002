"""The bench on a small bank: every request the bench times gives the same total and the
same ids, in the same order, through the app as by the hand-written SQL (no timing)."""

from __future__ import annotations

from bench.cases import build_bank, cases
from bench.run import app_answer, app_client, sql_answer


def test_bench_requests_match_the_hand_written_sql(engine, tmp_path):
    bank = build_bank(engine, 2_000)
    with app_client(engine, tmp_path) as client:
        checked = cases(bank, client)
        answers = {
            case.name: (app_answer(client, bank, case), sql_answer(bank, case)) for case in checked
        }
    assert len(answers) == 12
    for name, (app, sql) in answers.items():
        assert app == sql, name
    default_app, _ = answers["default list"]
    assert default_app.total > 2_000 and len(default_app.ids) == 25
    assert answers["site filter"][0].total < default_app.total
    assert 0 < answers["default list, evaluator"][0].total < default_app.total
    common, rare = answers["search 'support' (common)"][0], answers["search 'aurelia' (rare)"][0]
    assert 0 < rare.total < common.total < default_app.total
    assert 0 < answers["search 'support', evaluator"][0].total < common.total
