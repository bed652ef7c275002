"""Writing a story through the form: drafts, validation, stale versions, consent, submit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from storybank.models import Story
from tests.builders import COMPLETE_STORY, make_story, make_user
from tests.web.pages import csrf_token, log_in, text_of

FORM_STORY = {
    **COMPLETE_STORY,
    "community_solutions": "lunch club\n\n  befriending scheme  \n",
    "change_date_day": "14",
    "change_date_month": "3",
    "change_date_year": "2026",
    "weekly_cost_before": "£250",
    "weekly_cost_after": "124.50",
}


def _stored(session: Session, story_id: int) -> Story:
    session.expire_all()
    story = session.get(Story, story_id)
    assert story is not None
    return story


def _date_boxes(value: date) -> dict[str, str]:
    return {
        "change_date_day": str(value.day),
        "change_date_month": str(value.month),
        "change_date_year": str(value.year),
    }


def _new_draft(client, csrf, site, action="save", **fields):
    data = {"csrf_token": csrf, "site_id": site.id, "action": action, **fields}
    return client.post("/stories/new", data=data, follow_redirects=False)


def _story_id(response) -> int:
    return int(response.headers["location"].split("/")[2])


def test_form_has_eight_sections_guidance_and_a_phone_viewport(client, csrf):
    page = client.get("/stories/new")
    assert page.status_code == 200
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page.text
    text = text_of(page)
    for heading in (
        "1 About the story",
        "2 What mattered to the person",
        "3 What happened",
        "4 What changed",
        "5 Before Community Led Support",
        "6 Who or what helped",
        "7 Why this change is significant",
        "8 Cost of support",
    ):
        assert heading in text, heading
    assert page.text.count('<fieldset class="section"') == 8
    assert "say what did not go well and what was learned" in text
    assert "first name or initials only" in text
    assert 'aria-describedby="field-what_changed-hint"' in page.text
    assert "Save draft" in text and "Continue to consent" in text


def test_save_draft_creates_it_and_returns_to_the_form(client, session, somerset, csrf):
    response = _new_draft(client, csrf, somerset, **FORM_STORY)
    assert response.status_code == 303
    story_id = _story_id(response)
    assert response.headers["location"] == f"/stories/{story_id}/edit?saved=1"
    story = _stored(session, story_id)
    assert story.status == "draft"
    assert story.community_solutions == ["lunch club", "befriending scheme"]
    assert story.change_date == date(2026, 3, 14)
    assert story.weekly_cost_before == Decimal("250")
    assert story.weekly_cost_after == Decimal("124.50")
    page = client.get(response.headers["location"])
    assert "Your draft has been saved." in text_of(page)
    assert "Joan popped into the library hub" in page.text
    assert f'name="version" value="{story.version}"' in page.text


def test_continue_to_consent_saves_then_goes_to_the_consent_step(client, somerset, csrf):
    response = _new_draft(client, csrf, somerset, action="consent", title="Just a title")
    assert response.status_code == 303
    assert response.headers["location"] == f"/stories/{_story_id(response)}/submit"


def test_editing_a_draft_saves_changes(client, session, somerset, staff, csrf):
    story = make_story(session, site=somerset, author=staff, status="draft", consent_level=None)
    form = {**FORM_STORY, "title": "Joan and the walking group"}
    response = client.post(
        f"/stories/{story.id}/edit",
        data={**form, "csrf_token": csrf, "version": story.version, "action": "save"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert _stored(session, story.id).title == "Joan and the walking group"


def test_bad_input_keeps_everything_typed_and_explains_each_field(client, somerset, csrf):
    tomorrow = date.today() + timedelta(days=1)
    typed = {
        **FORM_STORY,
        "title": "T" * 201,
        **_date_boxes(tomorrow),
        "weekly_cost_before": "about fifty",
        "what_happened": "Joan <b>popped</b> into the hub & met Ann.",
    }
    response = _new_draft(client, csrf, somerset, **typed)
    assert response.status_code == 422
    text = text_of(response)
    assert "There is a problem" in text
    messages = {
        "title": "This is too long: use 200 characters or fewer (you have 201).",
        "change_date": "The date of the change cannot be in the future.",
        "weekly_cost_before": "Enter an amount in pounds, for example 126 or 126.50",
    }
    for name, message in messages.items():
        assert f'<a href="#field-{name}">' in response.text, "error summary links to the field"
        assert f'<p class="error-message" id="field-{name}-error">' in response.text
        assert f'aria-describedby="field-{name}-hint field-{name}-error"' in response.text
        assert message in text
    assert 'value="' + "T" * 201 + '"' in response.text
    assert 'name="change_date_day" type="text" inputmode="numeric"' in response.text
    for part in ("day", "month", "year"):
        value = getattr(tomorrow, part)
        assert f'name="change_date_{part}"' in response.text
        assert f'value="{value}" class="date-input__{part}" aria-invalid="true"' in response.text
    assert 'value="about fifty"' in response.text
    assert "Joan &lt;b&gt;popped&lt;/b&gt; into the hub &amp; met Ann." in response.text
    assert "lunch club\n\n  befriending scheme" in response.text
    assert 'value="individual" selected' in response.text
    assert f'<option value="{somerset.id}" selected>' in response.text


def test_no_site_chosen_is_explained_beside_the_site(client, session, staff, derby, csrf):
    response = client.post(
        "/stories/new", data={"csrf_token": csrf, "title": "Which site?", "site_id": ""}
    )
    assert response.status_code == 422
    assert "Choose the site this story belongs to." in text_of(response)
    assert 'value="Which site?"' in response.text


def test_writing_for_another_sites_story_is_forbidden(client, derby, csrf):
    response = _new_draft(client, csrf, derby, title="Not my site")
    assert response.status_code == 403
    assert "You can only write stories for your own sites" in text_of(response)


def test_people_without_a_staff_site_are_told_why_they_cannot_write(client, session, somerset):
    reviewer = make_user(session, roles=["reviewer"], sites=[somerset])
    log_in(client, reviewer)
    assert "Write a story" not in text_of(client.get("/stories"))
    page = client.get("/stories/new")
    assert page.status_code == 403
    assert "Ask your admin to add you to your site with the staff role." in text_of(page)


def test_stale_version_keeps_typed_values_and_asks_to_reload(client, session, somerset, csrf):
    story_id = _story_id(_new_draft(client, csrf, somerset, title="First title"))
    edit = client.get(f"/stories/{story_id}/edit")
    old_version = _stored(session, story_id).version
    # Someone else saves the draft in the meantime.
    client.post(
        f"/stories/{story_id}/edit",
        data={"csrf_token": csrf, "version": old_version, "title": "Their title"},
    )
    mine = {**FORM_STORY, "title": "My title", "what_changed": "My careful words."}
    response = client.post(
        f"/stories/{story_id}/edit",
        data={**mine, "csrf_token": csrf_token(edit), "version": old_version, "action": "save"},
    )
    assert response.status_code == 409
    text = text_of(response)
    assert "Someone else changed this story after you opened it." in text
    assert "reload the latest version of the draft" in text
    assert 'value="My title"' in response.text and "My careful words." in response.text
    assert _stored(session, story_id).title == "Their title"


def test_submitted_story_cannot_be_edited(client, session, somerset, staff, csrf):
    story = make_story(session, site=somerset, author=staff)
    page = client.get(f"/stories/{story.id}/edit")
    assert page.status_code == 409
    text = text_of(page)
    assert "This story can no longer be edited" in text
    assert "submitted stories cannot be edited" in text
    assert "withdraw it and write it again as a new draft, or ask an admin" in text
    assert f'href="/stories/{story.id}/withdraw"' in page.text
    assert "This has changed" not in text and "Reload the page" not in text


def test_saving_an_edit_of_a_submitted_story_says_it_cannot_be_edited(
    client, session, somerset, staff, csrf
):
    story = make_story(session, site=somerset, author=staff, title="As submitted")
    data = {"csrf_token": csrf, "version": str(story.version), "title": "Changed later"}
    response = client.post(f"/stories/{story.id}/edit", data=data)
    assert response.status_code == 409
    text = text_of(response)
    assert "submitted stories cannot be edited" in text
    assert "This has changed" not in text
    assert _stored(session, story.id).title == "As submitted"


def test_withdrawn_story_cannot_be_edited(client, session, somerset, staff, csrf):
    story = make_story(session, site=somerset, author=staff, status="withdrawn")
    page = client.get(f"/stories/{story.id}/edit")
    assert page.status_code == 409
    assert "withdrawn stories cannot be edited" in text_of(page)
    assert f'href="/stories/{story.id}/withdraw"' not in page.text


def test_consent_page_explains_the_three_levels(client, session, somerset, staff, csrf):
    story = make_story(session, site=somerset, author=staff, status="draft", consent_level=None)
    text = text_of(client.get(f"/stories/{story.id}/submit"))
    assert "Only people who work at Somerset can read the story." in text
    assert "Evaluators across the Community Led Support programme may read the story" in text
    assert "may be published, for example in a report or on a website" in text
    assert "I have explained this to the person and they agreed" in text
    assert "Before you can submit" not in text, "a complete story has nothing missing"


def test_submit_without_consent_is_refused_and_nothing_changes(
    client, session, somerset, staff, csrf
):
    story = make_story(session, site=somerset, author=staff, status="draft", consent_level=None)
    response = client.post(
        f"/stories/{story.id}/submit", data={"csrf_token": csrf, "version": story.version}
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "Choose how far the person agreed their story may be shared." in text
    assert "Confirm that you have explained this to the person and they agreed." in text
    assert _stored(session, story.id).status == "draft"


def test_submit_needs_the_explained_confirmation(client, session, somerset, staff, csrf):
    story = make_story(session, site=somerset, author=staff, status="draft", consent_level=None)
    response = client.post(
        f"/stories/{story.id}/submit",
        data={"csrf_token": csrf, "version": story.version, "consent_level": "site_only"},
    )
    assert response.status_code == 422
    assert "Confirm that you have explained this" in text_of(response)
    assert 'value="site_only" aria-describedby' in response.text
    assert 'value="site_only" aria-describedby="field-consent_level-explained" checked' in (
        response.text
    )
    assert _stored(session, story.id).consent_level is None


def test_submit_records_consent_and_confirms(client, session, somerset, staff, csrf):
    story = make_story(session, site=somerset, author=staff, status="draft", consent_level=None)
    response = client.post(
        f"/stories/{story.id}/submit",
        data={
            "csrf_token": csrf,
            "version": story.version,
            "consent_level": "publishable_anonymised",
            "explained": "yes",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/stories/{story.id}?submitted=1"
    stored = _stored(session, story.id)
    assert stored.status == "submitted"
    assert stored.consent_level == "publishable_anonymised"
    assert stored.consent_recorded_by_id == staff.id
    text = text_of(client.get(response.headers["location"]))
    assert "Thank you. The story has been submitted." in text
    assert "Publishable, anonymised" in text and "Recorded by Sam Staff" in text


def test_submit_with_missing_fields_links_back_to_them(client, session, somerset, csrf):
    story_id = _story_id(_new_draft(client, csrf, somerset, title="Only a title"))
    page = client.get(f"/stories/{story_id}/submit")
    assert "Before you can submit" in text_of(page)
    response = client.post(
        f"/stories/{story_id}/submit",
        data={
            "csrf_token": csrf,
            "version": _stored(session, story_id).version,
            "consent_level": "site_only",
            "explained": "yes",
        },
    )
    assert response.status_code == 422
    assert "The story is not ready to submit." in text_of(response)
    for name in ("what_happened", "what_changed", "why_significant", "change_date"):
        assert f'href="/stories/{story_id}/edit#field-{name}"' in response.text, name
    stored = _stored(session, story_id)
    assert stored.status == "draft" and stored.consent_level is None
    assert 'value="site_only" aria-describedby="field-consent_level-explained" checked' in (
        response.text
    ), "the chosen level is kept"


def test_date_of_the_change_is_three_labelled_boxes(client, csrf):
    page = client.get("/stories/new")
    assert 'type="date"' not in page.text, "no browser date picker with its mm/dd/yyyy order"
    group = page.text.split('<fieldset class="date-group"', 1)[1].split("</fieldset>", 1)[0]
    assert '<legend class="field-label">Date of the change' in group
    assert "For example, 14 3 2026" in group
    for part, text in (("day", "Day"), ("month", "Month"), ("year", "Year")):
        box_id = "field-change_date" if part == "day" else f"field-change_date-{part}"
        assert f'<label for="{box_id}">{text}</label>' in group
        assert f'id="{box_id}" name="change_date_{part}" type="text" inputmode="numeric"' in group


def test_a_date_typed_day_first_in_one_box_is_that_day(client, session, somerset, csrf):
    response = _new_draft(client, csrf, somerset, title="Dated", change_date_day="3/11/2025")
    assert response.status_code == 303
    assert _stored(session, _story_id(response)).change_date == date(2025, 11, 3)


def test_the_edit_form_shows_the_stored_date_in_its_boxes(client, session, somerset, csrf):
    response = _new_draft(client, csrf, somerset, title="Dated", **_date_boxes(date(2025, 11, 3)))
    page = client.get(response.headers["location"])
    assert 'name="change_date_day" type="text" inputmode="numeric" autocomplete="off" ' in (
        page.text
    )
    for part, value in (("day", "3"), ("month", "11"), ("year", "2025")):
        assert f'value="{value}" class="date-input__{part}">' in page.text


def test_a_date_without_a_year_names_the_year(client, session, somerset, csrf):
    typed = {"title": "No year", "change_date_day": "14", "change_date_month": "3"}
    response = _new_draft(client, csrf, somerset, **typed)
    assert response.status_code == 422
    text = text_of(response)
    assert "Date of the change: The date of the change must include a year" in text
    assert '<a href="#field-change_date-year">' in response.text, "the summary goes to the year"
    assert 'value="" class="date-input__year" aria-invalid="true"' in response.text
    assert 'value="14" class="date-input__day">' in response.text, "only the year is marked"
    assert 'value="No year"' in response.text


def test_an_impossible_date_is_refused_and_nothing_is_saved(client, session, somerset, csrf):
    typed = {"title": "Leap", "change_date_day": "31", "change_date_month": "2"}
    response = _new_draft(client, csrf, somerset, **typed, change_date_year="2026")
    assert response.status_code == 422
    assert "Enter a real date" in text_of(response)
    assert session.exec(select(Story)).all() == []


def test_a_future_date_in_the_boxes_is_refused(client, somerset, csrf):
    tomorrow = date.today() + timedelta(days=1)
    response = _new_draft(client, csrf, somerset, title="Soon", **_date_boxes(tomorrow))
    assert response.status_code == 422
    assert "The date of the change cannot be in the future." in text_of(response)
