"""A story's final codes, as storybank/review/final.py defines them."""

from __future__ import annotations

from storybank.models import ReviewAssignment, utcnow
from storybank.review.final import StoryCoding


def _coding(assigned: list[tuple[int, bool]], codes: dict[int, set[int]], adjudicated=None):
    coding = StoryCoding(story_id=1)
    for position, (reviewer, finished) in enumerate(assigned, start=1):
        coding.assignments.append(
            ReviewAssignment(
                story_id=1,
                reviewer_id=reviewer,
                position=position,
                assigned_by_id=reviewer,
                finished_at=utcnow() if finished else None,
            )
        )
    coding.codes_by_coder.update(codes)
    coding.adjudicated.update(adjudicated or {})
    return coding


def test_codings_made_outside_review_are_final_as_they_are():
    assert _coding([], {7: {1, 2}, 8: {3}}).final() == {1, 2, 3}
    assert _coding([], {}).final() == frozenset()


def test_a_single_coder_has_no_final_codes_until_they_finish():
    assert _coding([(7, False)], {7: {1, 2}}).final() is None
    assert _coding([(7, True)], {7: {1, 2}}).final() == {1, 2}


def test_another_persons_codes_never_count_for_an_assigned_story():
    assert _coding([(7, True)], {7: {1}, 9: {5}}).final() == {1}


def test_double_coding_is_final_only_when_both_finish_and_every_disagreement_is_decided():
    codes = {7: {1, 2, 3}, 8: {1, 2, 4}}
    assert _coding([(7, True), (8, False)], codes).final() is None
    both = _coding([(7, True), (8, True)], codes)
    assert both.disputed() == {3, 4}
    assert both.final() is None
    assert _coding([(7, True), (8, True)], codes, {3: True}).final() is None
    assert _coding([(7, True), (8, True)], codes, {3: True, 4: False}).final() == {1, 2, 3}


def test_double_coders_who_agree_need_no_adjudication():
    agreed = _coding([(7, True), (8, True)], {7: {1, 2}, 8: {1, 2}})
    assert agreed.disputed() == set()
    assert agreed.final() == {1, 2}
