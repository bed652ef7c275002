"""One rule per status change, in storybank.stories: the pages offer exactly the actions the
rules allow, and a page and the API refuse the same story with the same message."""

from __future__ import annotations

import pytest

from storybank import stories
from storybank.models import StoryStatus
from tests.builders import make_story, token_headers
from tests.web.pages import text_of

EXPECTED = {
    "draft": {"edit": True, "submit": True, "change_consent": True, "withdraw": True},
    "submitted": {"edit": False, "submit": False, "change_consent": True, "withdraw": True},
    "withdrawn": {"edit": False, "submit": False, "change_consent": False, "withdraw": False},
}
LINKS = {
    "edit": "Edit draft",
    "submit": "Continue to consent",
    "change_consent": "Change consent",
    "withdraw": "Withdraw",
}
PATHS = {
    "edit": "/edit",
    "submit": "/submit",
    "change_consent": "/consent",
    "withdraw": "/withdraw",
}


def test_every_status_has_its_rules():
    assert set(EXPECTED) == {s.value for s in StoryStatus}
    for status, expected in EXPECTED.items():
        story = stories.Story(site_id=1, author_id=1, status=status)
        assert vars(stories.allowed(story)) == expected, status


@pytest.mark.parametrize("status", list(EXPECTED))
def test_the_story_page_offers_what_the_rules_allow(client, session, somerset, staff, csrf, status):
    story = make_story(
        session, site=somerset, author=staff, status=status, consent_level="site_only"
    )
    page = client.get(f"/stories/{story.id}").text
    for action, offered in EXPECTED[status].items():
        link = f'href="/stories/{story.id}{PATHS[action]}">{LINKS[action]}</a>'
        assert (link in page) == offered, (status, action)


def test_a_withdrawn_story_is_refused_a_consent_change_alike_on_the_page_and_in_the_api(
    client, session, somerset, staff, csrf
):
    story = make_story(session, site=somerset, author=staff, status="withdrawn")
    message = (
        "This story is withdrawn, so its consent can no longer be changed. "
        "Open the story to see it."
    )
    page = client.get(f"/stories/{story.id}/consent")
    assert page.status_code == 409
    assert message in text_of(page)
    api = client.put(
        f"/api/v1/stories/{story.id}/consent",
        json={"level": "site_only", "version": story.version},
        headers=token_headers(session, staff),
    )
    assert api.status_code == 409
    assert api.json()["error"]["message"] == message
    assert api.json()["error"]["code"] == "wrong_status"


@pytest.mark.parametrize("status", ["submitted", "withdrawn"])
def test_submitting_again_is_refused_alike_on_the_page_and_in_the_api(
    client, session, somerset, staff, csrf, status
):
    story = make_story(session, site=somerset, author=staff, status=status)
    message = f"This story is {status}, so it can no longer be submitted. Open the story to see it."
    page = client.get(f"/stories/{story.id}/submit")
    assert page.status_code == 409
    assert message in text_of(page)
    api = client.post(
        f"/api/v1/stories/{story.id}/submit",
        json={"version": story.version},
        headers=token_headers(session, staff),
    )
    assert api.status_code == 409
    assert api.json()["error"]["message"] == message


def test_withdrawing_twice_is_refused_alike_on_the_page_and_in_the_api(
    client, session, somerset, staff, csrf
):
    story = make_story(session, site=somerset, author=staff, status="withdrawn")
    page = client.get(f"/stories/{story.id}/withdraw")
    assert "This story has already been withdrawn." in text_of(page)
    assert "Withdraw story</button>" not in page.text
    api = client.post(
        f"/api/v1/stories/{story.id}/withdraw",
        json={"version": story.version},
        headers=token_headers(session, staff),
    )
    assert api.status_code == 409
    assert api.json()["error"]["message"] == "This story has already been withdrawn."


def test_the_not_editable_page_offers_withdrawing_only_when_the_rule_allows(
    client, session, somerset, staff, csrf
):
    submitted = make_story(session, site=somerset, author=staff, status="submitted")
    withdrawn = make_story(session, site=somerset, author=staff, status="withdrawn")
    offer = "Withdraw the story</a>"
    assert offer in client.get(f"/stories/{submitted.id}/edit").text
    assert offer not in client.get(f"/stories/{withdrawn.id}/edit").text
