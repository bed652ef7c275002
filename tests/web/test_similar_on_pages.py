"""Similar stories on the story page, and the near-duplicate warning before submitting."""

from __future__ import annotations

from tests.builders import make_user
from tests.storybank.test_similar_stories import HUB, OTHER, RETOLD, _story
from tests.web.pages import log_in, text_of


def test_the_story_page_links_similar_stories(client, session, somerset, staff, csrf):
    first = _story(session, somerset, staff, HUB)
    retold = _story(session, somerset, staff, RETOLD)

    story_page = client.get(f"/stories/{first.id}")
    page = client.get(f"/stories/{first.id}/similar")

    assert f'data-load-section="/stories/{first.id}/similar?fragment=1"' in story_page.text
    assert "Similar stories" in text_of(page)
    assert (
        f'<a href="/stories/{retold.id}">{RETOLD["title"]}</a>'.replace("'", "&#39;") in page.text
    )


def test_a_reader_outside_the_site_sees_only_shared_similar_stories(
    client, session, somerset, derby, staff
):
    derby_staff = make_user(session, roles=["staff"], sites=[derby])
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset, derby])
    first = _story(session, somerset, staff, HUB)
    hidden = _story(session, derby, derby_staff, RETOLD, deidentified=False)
    log_in(client, evaluator)

    page = client.get(f"/stories/{first.id}/similar?fragment=1")

    assert page.status_code == 200
    assert f"/stories/{hidden.id}" not in page.text
    assert "No similar stories among those you can read." in text_of(page)


def test_the_submit_page_warns_of_a_near_duplicate_but_still_submits(
    client, session, somerset, staff, csrf
):
    submitted = _story(session, somerset, staff, HUB)
    draft = _story(session, somerset, staff, RETOLD, status="draft", consent_level=None)

    page = client.get(f"/stories/{draft.id}/submit")

    text = text_of(page)
    assert "This looks like a story already submitted" in text
    assert f"(story {submitted.id})" in text and "Submit anyway" in text
    form = {"csrf_token": csrf, "version": "1", "consent_level": "site_only", "explained": "yes"}
    answer = client.post(f"/stories/{draft.id}/submit", data=form, follow_redirects=False)
    assert answer.status_code == 303


def test_no_warning_for_a_different_story(client, session, somerset, staff, csrf):
    _story(session, somerset, staff, HUB)
    draft = _story(session, somerset, staff, OTHER, status="draft", consent_level=None)
    text = text_of(client.get(f"/stories/{draft.id}/submit"))
    assert "already submitted" not in text and "Submit story" in text
