"""Changing a story's consent: the page, narrowing it (audited, and evaluators lose sight of
the story at once), stale forms, and who may do it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storybank.models import AuditEvent, Story, utcnow
from tests.builders import make_story, make_user
from tests.web.pages import log_in, text_of


@pytest.fixture
def story(session, somerset, staff):
    return make_story(
        session,
        site=somerset,
        author=staff,
        consent_recorded_by_id=staff.id,
        consent_recorded_at=utcnow(),
    )


def _change(client, csrf, story, level="site_only", version=None, **extra):
    data = {
        "csrf_token": csrf,
        "consent_level": level,
        "version": str(story.version if version is None else version),
        "explained": "yes",
        **extra,
    }
    return client.post(f"/stories/{story.id}/consent", data=data, follow_redirects=False)


def test_story_page_links_to_change_consent_for_its_writers(client, session, story, somerset, csrf):
    assert (
        f'href="/stories/{story.id}/consent">Change consent</a>'
        in client.get(f"/stories/{story.id}").text
    )
    log_in(client, make_user(session, roles=["reviewer"], sites=[somerset]))
    page = client.get(f"/stories/{story.id}")
    assert page.status_code == 200 and "Change consent" not in page.text


def test_consent_page_shows_the_current_level_and_the_choices(client, story, csrf):
    page = client.get(f"/stories/{story.id}/consent")
    assert page.status_code == 200
    text = text_of(page)
    assert "The person agreed Programme-wide, anonymised" in text
    assert "Recorded by Sam Staff" in text and "Recorded on" in text
    for title in (
        "Kept within the site",
        "Read across the programme, with names removed",
        "Published, with names removed",
    ):
        assert title in text
    assert "Only people who work at Somerset can read the story." in text
    assert "Narrowing the consent takes effect at once" in text
    assert "The person now agrees that their story may be:" in text
    assert "Read across the programme, with names removed (as now)" in text
    assert text.count("(as now)") == 1
    assert f'name="version" value="{story.version}"' in page.text
    assert 'value="programme_anonymised" aria-describedby' in page.text
    assert 'id="field-consent_level" name="consent_level" value="site_only"' in page.text


def test_narrowing_consent_is_audited_and_hides_the_story_from_evaluators(
    client, session, somerset, staff, story, csrf
):
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset], name="Eve")
    log_in(client, evaluator)
    assert client.get(f"/stories/{story.id}").status_code == 200, "programme-wide at first"
    staff_csrf = log_in(client, staff)
    response = _change(client, staff_csrf, story)
    assert response.status_code == 303
    assert response.headers["location"] == f"/stories/{story.id}?consent_changed=1"
    text = text_of(client.get(response.headers["location"]))
    assert "The consent has been changed." in text
    assert "Site only: the text stays within the site" in text
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "story.consent")).one()
    assert event.details == {"from": "programme_anonymised", "to": "site_only"}
    assert event.actor_id == staff.id
    log_in(client, evaluator)
    assert client.get(f"/stories/{story.id}").status_code == 404
    assert story.title not in client.get("/stories").text


def test_a_stale_form_asks_to_reload(client, session, story, csrf):
    assert _change(client, csrf, story, level="publishable_anonymised").status_code == 303
    stale = _change(client, csrf, story, version=story.version)
    assert stale.status_code == 409
    assert "Reload the page" in text_of(stale)
    session.expire_all()
    assert session.get(Story, story.id).consent_level == "publishable_anonymised"


def test_a_choice_and_the_confirmation_are_needed(client, session, story, csrf):
    response = _change(client, csrf, story, level="", explained="")
    assert response.status_code == 422
    text = text_of(response)
    assert "Choose how far the person agreed their story may be shared." in text
    assert "Confirm that you have explained this to the person and they agreed." in text


def test_changing_consent_needs_the_csrf_token(client, session, story, csrf):
    response = _change(client, "", story)
    assert response.status_code == 403
    session.expire_all()
    assert session.get(Story, story.id).consent_level == "programme_anonymised"


def test_only_writers_of_the_site_may_change_consent(client, session, story, derby, somerset):
    other_site = make_user(session, roles=["staff"], sites=[derby])
    csrf = log_in(client, other_site)
    assert client.get(f"/stories/{story.id}/consent").status_code == 404
    reviewer = make_user(session, roles=["reviewer"], sites=[somerset])
    csrf = log_in(client, reviewer)
    assert client.get(f"/stories/{story.id}/consent").status_code == 403
    refused = _change(client, csrf, story)
    assert refused.status_code == 403
    assert "You can only write stories for your own sites." in text_of(refused)
    session.expire_all()
    assert session.get(Story, story.id).consent_level == "programme_anonymised", "unchanged"


def test_a_withdrawn_story_keeps_its_consent(client, session, somerset, staff, csrf):
    withdrawn = make_story(session, site=somerset, author=staff, status="withdrawn")
    page = client.get(f"/stories/{withdrawn.id}/consent")
    assert page.status_code == 409
    assert "its consent can no longer be changed" in text_of(page)
    assert _change(client, csrf, withdrawn).status_code == 409
