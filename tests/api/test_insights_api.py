"""The insights API: figures inside access, denominators and awaiting review, pending
suggestions counted apart, and a clear 4xx for every bad request."""

from __future__ import annotations

from tests.builders import make_site, make_story, make_user, token_headers
from tests.review_builders import suggest_now
from tests.suggesters import PhraseSuggester
from tests.web.test_story_page import confirm_codes


def _bank(session, somerset, staff):
    derby = make_site(session, "Derby")
    derby_staff = make_user(session, roles=["staff"], sites=[derby], name="Dee Staff")
    coded = make_story(session, site=somerset, author=staff, title="Coded", perspective="carer")
    confirm_codes(session, coded, staff, ["outcome_3", "carer_support"])
    second = make_story(session, site=somerset, author=staff, title="Second")
    confirm_codes(session, second, staff, ["outcome_3", "outcome_1", "community_hub"])
    waiting = make_story(session, site=somerset, author=staff, title="Waiting")
    make_story(session, site=somerset, author=staff, title="Draft", status="draft")
    other = make_story(session, site=derby, author=derby_staff, title="Derby")
    confirm_codes(session, other, derby_staff, ["outcome_6"])
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset], name="Eve Evaluator")
    return evaluator, waiting


def _rows(body):
    return {row["key"]: row for row in body["rows"]}


def test_frequencies_count_final_codes_of_readable_stories_with_the_denominator(
    client, session, somerset, staff
):
    evaluator, _ = _bank(session, somerset, staff)
    body = client.get(
        "/api/v1/insights/frequencies", headers=token_headers(session, evaluator)
    ).json()
    assert (body["stories"], body["coded"], body["awaiting_review"]) == (3, 2, 1)
    rows = _rows(body)
    assert (rows["outcome_3"]["count"], rows["outcome_3"]["denominator"]) == (2, 2)
    assert rows["outcome_6"]["count"] == 0  # Derby's story is not hers to count
    assert rows["outcome_1"]["stories_url"].endswith("status=submitted&outcome=1")
    listed = client.get(rows["outcome_1"]["stories_url"], headers=token_headers(session, evaluator))
    assert [s["title"] for s in listed.json()["items"]] == ["[redacted] Second"]


def test_pending_suggestions_count_apart_only_when_asked(client, session, somerset, staff):
    evaluator, waiting = _bank(session, somerset, staff)
    suggested = suggest_now(session, waiting, PhraseSuggester())
    assert suggested
    headers = token_headers(session, evaluator)
    plain = client.get("/api/v1/insights/frequencies", headers=headers).json()
    assert plain["with_suggestions"] == 0 and plain["denominator"] == 2
    asked = client.get(
        "/api/v1/insights/frequencies",
        params={"include_suggested": "true", "min_confidence": 0},
        headers=headers,
    ).json()
    assert (asked["with_suggestions"], asked["denominator"]) == (1, 3)
    code = (
        session.get(type(suggested[0].code), suggested[0].code_id)
        if hasattr(suggested[0], "code")
        else None
    )
    del code
    extra = sum(row["suggested"] for row in asked["rows"])
    assert extra == len({s.code_id for s in suggested})


def test_cross_tab_cells_have_their_column_denominators(client, session, somerset, staff):
    evaluator, _ = _bank(session, somerset, staff)
    body = client.get(
        "/api/v1/insights/crosstab",
        params={"by": "perspective"},
        headers=token_headers(session, evaluator),
    ).json()
    columns = {c["key"]: c["denominator"] for c in body["columns"]}
    assert sum(columns.values()) == 2 and columns["carer"] == 1
    carer = next(r for r in body["rows"] if r["key"] == "carer_support")
    assert [c["count"] for c in carer["cells"] if c["column"] == "carer"] == [1]


def test_bad_requests_name_the_problem(client, session, somerset, staff):
    evaluator, _ = _bank(session, somerset, staff)
    headers = token_headers(session, evaluator)
    for path, params, field in [
        ("/api/v1/insights/crosstab", {"by": "colour"}, "by"),
        ("/api/v1/insights/trends", {"period": "week"}, "period"),
        ("/api/v1/insights/frequencies", {"outcome": 9}, "outcome"),
        ("/api/v1/insights/frequencies", {"min_confidence": 2}, "min_confidence"),
        ("/api/v1/insights/frequencies", {"theme": "no_such_theme"}, "theme"),
        ("/api/v1/insights/value", {"by": "author"}, "by"),
        ("/api/v1/insights/frequencies", {"unit_id": 999999}, "unit_id"),
    ]:
        response = client.get(path, params=params, headers=headers)
        assert response.status_code == 422, (path, params, response.text)
        assert field in response.text


def test_staff_and_the_signed_out_are_refused(client, session, somerset, staff):
    _bank(session, somerset, staff)
    assert client.get("/api/v1/insights/frequencies").status_code == 401
    refused = client.get("/api/v1/insights/panels", headers=token_headers(session, staff))
    assert refused.status_code == 403
