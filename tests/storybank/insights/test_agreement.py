"""Reviewer and model agreement over the stories a person may read, on both databases."""

from __future__ import annotations

import pytest
from sklearn.metrics import cohen_kappa_score

from storybank.errors import Forbidden, InvalidInput
from storybank.insights.agreement import reviewer_agreement
from storybank.insights.agreement_scope import AgreementFilters
from storybank.insights.model_agreement import model_agreement
from tests.agreement_builders import adjudicate, code_alone, double_code, suggest
from tests.builders import actor_for, make_story, make_user
from tests.review_builders import make_reviewer

# Four stories coded blind by Ada (first) and Ben (second).
CODINGS = [
    (["outcome_3", "community_hub"], ["outcome_3", "community_hub"]),
    (["outcome_3", "wellbeing"], ["outcome_3"]),
    (["community_hub"], ["outcome_3", "community_hub"]),
    ([], ["wellbeing"]),
]


@pytest.fixture
def coders(session, somerset):
    return make_reviewer(session, somerset, "Ada One"), make_reviewer(session, somerset, "Ben Two")


@pytest.fixture
def coded(session, somerset, staff, coders):
    stories = []
    for first, second in CODINGS:
        story = make_story(session, site=somerset, author=staff)
        double_code(session, story, coders, first, second)
        stories.append(story)
    return stories


def _row(result, key):
    return next(row for row in result.codes if row.code.key == key)


def _labels(key):
    return ([int(key in f) for f, _s in CODINGS], [int(key in s) for _f, s in CODINGS])


def test_each_code_has_its_counts_kappa_and_alpha(session, coders, coded):
    result = reviewer_agreement(session=session, actor=actor_for(session, coders[0]))
    assert result.stories == 4
    hub = _row(result, "community_hub")
    assert (hub.both_applied, hub.only_first, hub.only_second, hub.neither) == (2, 0, 0, 2)
    assert hub.percent_agreement == 1.0 and hub.kappa == pytest.approx(1.0)
    outcome = _row(result, "outcome_3")
    assert (outcome.both_applied, outcome.only_first, outcome.only_second) == (2, 0, 1)
    assert outcome.kappa == pytest.approx(cohen_kappa_score(*_labels("outcome_3")))
    wellbeing = _row(result, "wellbeing")
    assert (wellbeing.only_first, wellbeing.only_second, wellbeing.neither) == (1, 1, 2)
    assert wellbeing.kappa == pytest.approx(cohen_kappa_score(*_labels("wellbeing")))


def test_a_code_nobody_applied_has_no_kappa_and_says_why(session, coders, coded):
    result = reviewer_agreement(session=session, actor=actor_for(session, coders[0]))
    carer = _row(result, "carer_support")
    assert carer.neither == 4 and carer.percent_agreement == 1.0
    assert carer.kappa is None and "Not defined" in (carer.kappa_note or "")
    assert carer.alpha is None and carer.alpha_note


def test_the_overall_row_pools_every_decision(session, coders, coded):
    result = reviewer_agreement(session=session, actor=actor_for(session, coders[0]))
    codes = len(result.codes)
    assert result.overall.decisions == 4 * codes
    assert result.overall.percent_agreement == pytest.approx((4 * codes - 3) / (4 * codes))
    kappas = [r.kappa for r in result.codes if r.kappa is not None]
    assert result.overall.codes_with_kappa == 3
    assert result.overall.mean_kappa == pytest.approx(sum(kappas) / 3)


def test_unfinished_and_single_coding_are_left_out(session, somerset, staff, coders, coded):
    third = make_reviewer(session, somerset, "Cy Three")
    double_code(
        session,
        make_story(session, site=somerset, author=staff),
        coders,
        ["outcome_1"],
        [],
        finished=False,
    )
    code_alone(session, make_story(session, site=somerset, author=staff), third, ["outcome_1"])
    result = reviewer_agreement(session=session, actor=actor_for(session, third))
    assert result.stories == 4 and _row(result, "outcome_1").neither == 4


def test_disagreements_name_the_coder_and_link_to_adjudication(session, coders, coded):
    result = reviewer_agreement(session=session, actor=actor_for(session, coders[0]))
    found = {(d.story_id, d.code.key): d.applied_by for d in result.disagreements}
    assert found == {
        (coded[1].id, "wellbeing"): ["Ada One"],
        (coded[2].id, "outcome_3"): ["Ben Two"],
        (coded[3].id, "wellbeing"): ["Ben Two"],
    }
    assert result.disagreements_total == 3 and result.disagreements_shown
    assert result.disagreements[0].adjudicate_url == f"/review/{coded[1].id}/adjudicate"


def test_an_adjudicated_disagreement_leaves_the_list_but_still_counts(session, coders, coded):
    adjudicate(session, coded[1], "wellbeing", coders[1], included=False)
    result = reviewer_agreement(session=session, actor=actor_for(session, coders[0]))
    assert (coded[1].id, "wellbeing") not in {
        (d.story_id, d.code.key) for d in result.disagreements
    }
    assert _row(result, "wellbeing").only_first == 1


def test_a_reviewer_of_another_site_sees_none_of_it(session, derby, coded):
    other = make_reviewer(session, derby, "Dee Derby")
    result = reviewer_agreement(session=session, actor=actor_for(session, other))
    assert result.stories == 0 and result.codes == [] and result.disagreements == []
    assert result.overall.decisions == 0 and result.overall.mean_kappa is None


def test_an_evaluator_counts_only_stories_they_may_read_and_sees_no_coders(
    session, somerset, staff, coders, coded
):
    private = make_story(session, site=somerset, author=staff, consent_level="site_only")
    double_code(session, private, coders, ["outcome_6"], ["outcome_6"])
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset])
    result = reviewer_agreement(session=session, actor=actor_for(session, evaluator))
    assert result.stories == 4 and _row(result, "outcome_6").both_applied == 0
    assert result.disagreements == [] and not result.disagreements_shown
    admin = make_user(session, roles=["admin"])
    assert reviewer_agreement(session=session, actor=actor_for(session, admin)).stories == 5


@pytest.mark.parametrize("role", ["staff", "facilitator", "panel_member"])
def test_other_roles_are_refused(session, somerset, role):
    person = make_user(session, roles=[role], sites=[somerset])
    with pytest.raises(Forbidden):
        reviewer_agreement(session=session, actor=actor_for(session, person))
    with pytest.raises(Forbidden):
        model_agreement(session=session, actor=actor_for(session, person))


def test_filters_narrow_the_stories_and_a_bad_unit_names_the_field(session, derby, coders, coded):
    actor = actor_for(session, coders[0])
    assert (
        reviewer_agreement(
            session=session, actor=actor, filters=AgreementFilters(unit_id=derby.id)
        ).stories
        == 0
    )
    later = AgreementFilters(date_from=coded[0].change_date.replace(year=2030))
    assert reviewer_agreement(session=session, actor=actor, filters=later).stories == 0
    with pytest.raises(InvalidInput) as refused:
        reviewer_agreement(session=session, actor=actor, filters=AgreementFilters(unit_id=999999))
    assert refused.value.problems[0].field == "unit_id"


def test_model_versions_are_compared_with_final_codes(session, somerset, staff, coders):
    reviewer = coders[0]
    stories = [make_story(session, site=somerset, author=staff) for _ in range(4)]
    finals = [["outcome_3", "community_hub"], ["outcome_3"], [], ["wellbeing"]]
    made = [["outcome_3"], ["outcome_3", "community_hub"], ["community_hub"], ["wellbeing"]]
    for story, final, suggested in zip(stories, finals, made, strict=True):
        code_alone(session, story, reviewer, final)
        suggest(session, story, "v1", suggested)
    uncoded = make_story(session, site=somerset, author=staff)
    suggest(session, uncoded, "v1", ["outcome_1"])
    suggest(session, stories[0], "v2", ["community_hub"])

    result = model_agreement(session=session, actor=actor_for(session, reviewer))
    v1, v2 = result.versions
    assert (v1.model_version, v1.stories, v2.model_version, v2.stories) == ("v1", 4, "v2", 1)
    hub = next(r for r in v1.codes if r.code.key == "community_hub")
    assert (hub.suggested_and_final, hub.suggested_only, hub.final_only, hub.neither) == (
        0,
        2,
        1,
        1,
    )
    assert hub.precision == 0.0 and hub.recall == 0.0
    outcome = next(r for r in v1.codes if r.code.key == "outcome_3")
    assert (
        outcome.precision == 1.0 and outcome.recall == 1.0 and outcome.kappa == pytest.approx(1.0)
    )
    first_outcome = next(r for r in v1.codes if r.code.key == "outcome_1")
    assert first_outcome.stories == 4 and first_outcome.suggested_only == 0
    assert v1.precision == pytest.approx(3 / 5) and v1.recall == pytest.approx(3 / 4)


def test_model_agreement_waits_for_double_coding_to_settle(session, somerset, staff, coders):
    story = make_story(session, site=somerset, author=staff)
    double_code(session, story, coders, ["outcome_3"], [])
    suggest(session, story, "v1", ["outcome_3"])
    actor = actor_for(session, coders[0])
    assert model_agreement(session=session, actor=actor).versions == []
    adjudicate(session, story, "outcome_3", coders[1], included=True)
    (v1,) = model_agreement(session=session, actor=actor).versions
    assert next(r for r in v1.codes if r.code.key == "outcome_3").suggested_and_final == 1
