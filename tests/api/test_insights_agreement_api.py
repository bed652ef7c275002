"""Agreement through the API: the figures a reviewer sees, an evaluator's narrower view."""

from __future__ import annotations

from tests.agreement_builders import code_alone, double_code, suggest
from tests.builders import make_story, make_user, token_headers
from tests.review_builders import make_reviewer

API = "/api/v1/insights/agreement"


def _bank(session, somerset, staff):
    ada, ben = (
        make_reviewer(session, somerset, "Ada One"),
        make_reviewer(session, somerset, "Ben Two"),
    )
    agreed = make_story(session, site=somerset, author=staff, title="Agreed")
    double_code(session, agreed, (ada, ben), ["outcome_3"], ["outcome_3"])
    split = make_story(session, site=somerset, author=staff, title="Split")
    double_code(session, split, (ada, ben), ["wellbeing"], [])
    single = make_story(session, site=somerset, author=staff)
    code_alone(session, single, ada, ["outcome_3"])
    suggest(session, single, "m-1", ["outcome_3", "wellbeing"])
    return ada, split


def test_a_reviewer_reads_per_code_figures_and_the_disagreements(client, session, somerset, staff):
    ada, split = _bank(session, somerset, staff)
    body = client.get(API, headers=token_headers(session, ada)).json()
    assert body["stories"] == 2
    rows = {row["code"]["key"]: row for row in body["codes"]}
    assert rows["outcome_3"]["both_applied"] == 1 and rows["outcome_3"]["kappa"] == 1.0
    assert rows["carer_support"]["kappa"] is None
    assert rows["carer_support"]["kappa_note"].startswith("Not defined")
    assert rows["wellbeing"]["only_first"] == 1 and rows["wellbeing"]["percent_agreement"] == 0.5
    assert body["disagreements"] == [
        {
            "story_id": split.id,
            "story_title": "Split",
            "code": {
                "key": "wellbeing",
                "label": rows["wellbeing"]["code"]["label"],
                "kind": "theme",
                "number": None,
            },
            "applied_by": ["Ada One"],
            "adjudicate_url": f"/review/{split.id}/adjudicate",
        }
    ]


def test_model_figures_per_version(client, session, somerset, staff):
    ada, _split = _bank(session, somerset, staff)
    body = client.get(f"{API}/model", headers=token_headers(session, ada)).json()
    (version,) = body["versions"]
    assert version["model_version"] == "m-1" and version["stories"] == 1
    assert version["precision"] == 0.5 and version["recall"] == 1.0


def test_an_evaluator_sees_figures_without_the_coders(client, session, somerset, staff):
    _bank(session, somerset, staff)
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset])
    body = client.get(API, headers=token_headers(session, evaluator)).json()
    assert body["stories"] == 2 and body["disagreements"] == []
    assert body["disagreements_shown"] is False


def test_staff_are_refused(client, session, somerset, staff, headers):
    assert client.get(API, headers=headers).status_code == 403


def test_a_bad_filter_names_the_field(client, session, somerset, staff):
    ada, _split = _bank(session, somerset, staff)
    answer = client.get(f"{API}?unit_id=999999", headers=token_headers(session, ada))
    assert answer.status_code == 422
    assert answer.json()["error"]["problems"][0]["field"] == "unit_id"
    answer = client.get(f"{API}?date_from=not-a-date", headers=token_headers(session, ada))
    assert answer.status_code == 422 and "date_from" in answer.text
