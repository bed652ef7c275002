"""The reviewer's pages: the queue, evidence marked in place, plain-form accept / reject /
add / confirm and next, blind double coding and adjudication, with no JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from storybank.models import Coding, SuggestionRun, utcnow
from tests.builders import make_story
from tests.review_builders import make_reviewer, suggested_story
from tests.web.pages import log_in, text_of


@pytest.fixture
def reviewer(session, somerset):
    return make_reviewer(session, somerset)


def test_the_queue_lists_the_oldest_story_first(client, session, somerset, staff, reviewer):
    now = utcnow()
    suggested_story(session, somerset, staff, title="Second", submitted_at=now)
    suggested_story(session, somerset, staff, title="First", submitted_at=now - timedelta(days=2))
    log_in(client, reviewer)
    page = client.get("/review")
    assert page.status_code == 200
    text = text_of(page)
    assert text.index("First") < text.index("Second")
    assert "4 to decide" in text
    assert '<a href="/review"' in page.text and 'aria-current="page"' in page.text


def test_the_story_shows_each_suggestions_evidence_marked_with_its_code(
    client, session, somerset, staff, reviewer
):
    story, _made = suggested_story(session, somerset, staff)
    log_in(client, reviewer)
    page = client.get(f"/review/{story.id}")
    assert page.status_code == 200
    marks = re.findall(r"<mark[^>]*>(.*?)</mark>", page.text)
    assert any(
        m.startswith("library hub") and "[Community hub or Talking Point]" in m for m in marks
    ), marks
    assert "Joan popped into the" in text_of(page)
    text = text_of(page)
    assert "Confidence 91%" in text
    assert "j / k : next / previous suggestion" in text
    assert '<script src="/static/js/review.js" defer></script>' in page.text


def test_accept_reject_and_confirm_work_with_plain_forms(
    client, session, somerset, staff, reviewer
):
    story, made = suggested_story(session, somerset, staff, title="First one")
    later, _ = suggested_story(session, somerset, staff, title="Next one", submitted_at=utcnow())
    csrf = log_in(client, reviewer)
    first, second = sorted(made, key=lambda s: -s.confidence)[:2]
    accepted = client.post(
        f"/review/{story.id}/suggestions/{first.id}",
        data={"csrf_token": csrf, "decision": "accepted", "next": str(second.id)},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/review/{story.id}#suggestion-{second.id}"
    client.post(
        f"/review/{story.id}/suggestions/{second.id}",
        data={"csrf_token": csrf, "decision": "rejected"},
    )
    client.post(f"/review/{story.id}/codes", data={"csrf_token": csrf, "code_key": "outcome_2"})
    page = text_of(client.get(f"/review/{story.id}"))
    assert "You accepted this" in page and "You rejected this" in page
    assert "Outcome 2" in page and "added by you" in page
    done = client.post(
        f"/review/{story.id}/finish", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert done.headers["location"] == f"/review/{later.id}?finished=1"
    shown = text_of(client.get(f"/stories/{story.id}"))
    assert "Community hub or Talking Point" in shown and "Outcome 2" in shown


def test_a_form_without_its_csrf_token_is_refused(client, session, somerset, staff, reviewer):
    story, made = suggested_story(session, somerset, staff)
    log_in(client, reviewer)
    answer = client.post(
        f"/review/{story.id}/suggestions/{made[0].id}", data={"decision": "accepted"}
    )
    assert answer.status_code == 403
    assert session.exec(select(Coding)).all() == []


def test_a_bad_decision_or_missing_code_is_explained(client, session, somerset, staff, reviewer):
    story, made = suggested_story(session, somerset, staff)
    csrf = log_in(client, reviewer)
    bad = client.post(
        f"/review/{story.id}/suggestions/{made[0].id}", data={"csrf_token": csrf, "decision": "x"}
    )
    assert bad.status_code == 422 and "Choose one of: accepted, rejected" in text_of(bad)
    empty = client.post(f"/review/{story.id}/codes", data={"csrf_token": csrf, "code_key": ""})
    assert empty.status_code == 422 and "Choose the code to add." in text_of(empty)


def test_the_story_page_says_when_suggestions_are_pending_or_unavailable(
    client, session, somerset, staff, reviewer
):
    story = make_story(session, site=somerset, author=staff)
    session.add(SuggestionRun(story_id=story.id))
    session.commit()
    log_in(client, staff)
    assert "Suggestions pending" in text_of(client.get(f"/stories/{story.id}"))
    run = session.get(SuggestionRun, story.id)
    run.state = "no_model"
    session.add(run)
    session.commit()
    log_in(client, reviewer)
    text = text_of(client.get(f"/stories/{story.id}"))
    assert "No suggestion model yet" in text
    assert "Review this story's codes" in text


def test_submitting_through_the_form_queues_suggestions(client, session, somerset, staff):
    draft = make_story(session, site=somerset, author=staff, status="draft")
    csrf = log_in(client, staff)
    sent = client.post(
        f"/stories/{draft.id}/submit",
        data={
            "csrf_token": csrf,
            "version": "1",
            "consent_level": "programme_anonymised",
            "explained": "yes",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303, text_of(sent)
    assert session.get(SuggestionRun, draft.id).state == "no_model"
    assert "No suggestion model yet" in text_of(client.get(f"/stories/{draft.id}"))


def test_blind_double_coding_and_adjudication_through_the_pages(client, session, somerset, staff):
    ada, ben, cy = (make_reviewer(session, somerset, n) for n in ("Ada One", "Ben Two", "Cy Judge"))
    story, made = suggested_story(session, somerset, staff)
    csrf = log_in(client, cy)
    form = client.get(f"/review/{story.id}/assign")
    assert "Ada One" in text_of(form) and "Ben Two" in text_of(form)
    assigned = client.post(
        f"/review/{story.id}/assign",
        data={"csrf_token": csrf, "first": str(ada.id), "second": str(ben.id)},
        follow_redirects=False,
    )
    assert assigned.status_code == 303
    assert "Two other reviewers are coding this story blind" in text_of(
        client.get(f"/review/{story.id}")
    )

    csrf = log_in(client, ada)
    hub = max(made, key=lambda s: s.confidence)
    client.post(
        f"/review/{story.id}/suggestions/{hub.id}",
        data={"csrf_token": csrf, "decision": "accepted"},
    )
    client.post(
        f"/review/{story.id}/codes", data={"csrf_token": csrf, "code_key": "employment_finance"}
    )
    client.post(f"/review/{story.id}/finish", data={"csrf_token": csrf})

    csrf = log_in(client, ben)
    page = client.get(f"/review/{story.id}")
    text = text_of(page)
    assert "Blind double coding" in text
    assert "You accepted this" not in text and "added by you" not in text
    mine = text[text.index("Your codes") : text.index("Add a code the model missed")]
    assert mine == "Your codes You have not applied any code yet. "
    assert "Work, benefits" not in text_of(client.get(f"/stories/{story.id}"))
    client.post(
        f"/review/{story.id}/suggestions/{hub.id}",
        data={"csrf_token": csrf, "decision": "accepted"},
    )
    client.post(f"/review/{story.id}/finish", data={"csrf_token": csrf})

    csrf = log_in(client, cy)
    assert "Disagreements to adjudicate" in text_of(client.get("/review"))
    sheet = text_of(client.get(f"/review/{story.id}/adjudicate"))
    assert "Applied by Ada One only" in sheet
    missing = client.post(
        f"/review/{story.id}/adjudicate",
        data={
            "csrf_token": csrf,
            "code_key": "employment_finance",
            "included": "yes",
            "reason": "",
        },
    )
    assert missing.status_code == 422 and "Give the reason" in text_of(missing)
    done = client.post(
        f"/review/{story.id}/adjudicate",
        data={
            "csrf_token": csrf,
            "code_key": "employment_finance",
            "included": "no",
            "reason": "Money is not mentioned anywhere in the story.",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    sheet = text_of(client.get(f"/review/{story.id}/adjudicate"))
    assert "Left out" in sheet and "the story's codes are final" in sheet
    log_in(client, staff)
    shown = text_of(client.get(f"/stories/{story.id}"))
    assert "Community hub or Talking Point" in shown and "Work, benefits" not in shown


def test_staff_have_no_review_pages(client, session, somerset, staff):
    story, _ = suggested_story(session, somerset, staff)
    log_in(client, staff)
    assert client.get("/review").status_code == 403
    assert client.get(f"/review/{story.id}").status_code == 403


def test_the_review_page_lists_the_personal_data_found_in_the_story(
    client, session, somerset, staff, reviewer
):
    story, _made = suggested_story(
        session,
        somerset,
        staff,
        what_happened="Mrs Halina Nowak rang the hub on 07700 900461 and came in the next day.",
    )
    log_in(client, reviewer)

    text = text_of(client.get(f"/review/{story.id}"))

    assert "Personal data found" in text
    assert "Halina Nowak" in text and "[Person A]" in text
    assert "07700 900461" in text and "[phone]" in text
