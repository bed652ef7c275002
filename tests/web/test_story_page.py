"""The story page: every field with its label, codes, consent, and who may act on it."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import select

from storybank.models import Code, Coding, utcnow
from tests.builders import make_story, make_user
from tests.web.pages import csrf_token, log_in, text_of


def confirm_codes(session, story, coder, keys):
    codes = session.exec(select(Code).where(Code.key.in_(keys))).all()
    session.add_all([Coding(story_id=story.id, code_id=c.id, coder_id=coder.id) for c in codes])
    session.commit()


def test_story_page_shows_every_field_with_its_label(client, session, somerset, staff, csrf):
    story = make_story(
        session,
        site=somerset,
        author=staff,
        community_solutions=["lunch club", "befriending scheme"],
        weekly_cost_before=Decimal("250.00"),
        weekly_cost_after=Decimal("124.00"),
        consent_recorded_by_id=staff.id,
        consent_recorded_at=utcnow(),
    )
    page = client.get(f"/stories/{story.id}")
    assert page.status_code == 200
    text = text_of(page)
    for expected in (
        "Joan found the lunch club",
        "Site Somerset",
        "Whose story is this? An individual",
        "How did the person come into contact? Walked into a community hub",
        "Success or learning? Success story",
        "Date of change 14 March 2026",
        "Written by Sam Staff",
        "What mattered to the person Getting out of the house and seeing people again.",
        "What happened Joan popped into the library hub and met a community agent.",
        "What changed She goes to the lunch club every Tuesday",
        "Before Community Led Support She would have waited weeks for an assessment.",
        "Why this change is significant She says she feels like herself again.",
        "Weekly cost before £250",
        "Weekly cost after £124",
        "Weekly difference Fell by £126 a week",
        "Programme-wide, anonymised",
        "Recorded by Sam Staff on",
    ):
        assert expected in text, expected
    assert "<li>lunch club</li>" in page.text and "<li>befriending scheme</li>" in page.text


def test_story_page_lists_confirmed_outcomes_then_themes(client, session, somerset, staff, csrf):
    story = make_story(session, site=somerset, author=staff)
    confirm_codes(session, story, staff, ["community_hub", "outcome_3", "outcome_1"])
    text = text_of(client.get(f"/stories/{story.id}"))
    outcome_1 = text.index("Outcome 1: Easier, quicker access to the right support")
    outcome_3 = text.index("Outcome 3:")
    theme = text.index("Community hub or Talking Point")
    assert text.index("Outcomes") < outcome_1 < outcome_3 < text.index("Themes") < theme


def test_story_page_without_codes_says_none_are_confirmed(client, session, somerset, staff, csrf):
    story = make_story(session, site=somerset, author=staff)
    assert "No codes have been confirmed yet." in text_of(client.get(f"/stories/{story.id}"))


def test_draft_page_offers_edit_and_withdraw_to_its_writers(client, session, somerset, staff, csrf):
    story = make_story(session, site=somerset, author=staff, status="draft")
    page = client.get(f"/stories/{story.id}")
    assert f'href="/stories/{story.id}/edit">Edit draft</a>' in page.text
    assert f'href="/stories/{story.id}/withdraw">Withdraw</a>' in page.text


def test_reviewer_reads_a_submitted_story_without_edit_buttons(client, session, somerset, staff):
    story = make_story(session, site=somerset, author=staff)
    reviewer = make_user(session, roles=["reviewer"], sites=[somerset])
    log_in(client, reviewer)
    page = client.get(f"/stories/{story.id}")
    assert page.status_code == 200
    assert "Joan found the lunch club" in text_of(page), "the reviewer reads the story"
    assert "Edit draft" not in page.text and "Withdraw" not in page.text
    assert client.get(f"/stories/{story.id}/withdraw").status_code == 403


def test_staff_of_another_site_get_not_found(client, session, somerset, derby, staff, csrf):
    other = make_user(session, roles=["staff"], sites=[derby])
    story = make_story(session, site=derby, author=other, title="A Derby story")
    for path in ("", "/edit", "/submit", "/withdraw"):
        page = client.get(f"/stories/{story.id}{path}")
        assert page.status_code == 404, path
        assert "A Derby story" not in page.text
        assert f"There is no story with id {story.id} that you can see." in text_of(page)


def test_unknown_story_is_not_found(client, csrf):
    page = client.get("/stories/999999")
    assert page.status_code == 404
    assert "There is no story with id 999999 that you can see." in text_of(page)


def test_withdraw_asks_to_confirm_then_withdraws(client, session, somerset, staff, csrf):
    story = make_story(session, site=somerset, author=staff)
    confirm = client.get(f"/stories/{story.id}/withdraw")
    assert "Withdraw this story?" in text_of(confirm)
    response = client.post(
        f"/stories/{story.id}/withdraw",
        data={"csrf_token": csrf_token(confirm), "version": story.version, "reason": "Asked to"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/stories/{story.id}?withdrawn=1"
    page = text_of(client.get(response.headers["location"]))
    assert "The story has been withdrawn." in page
    assert "Status Withdrawn" in page


def test_withdrawing_twice_explains_it_is_already_withdrawn(client, session, somerset, staff, csrf):
    story = make_story(session, site=somerset, author=staff, status="withdrawn")
    response = client.post(
        f"/stories/{story.id}/withdraw", data={"csrf_token": csrf, "version": story.version}
    )
    assert response.status_code == 409
    assert "This story has already been withdrawn." in text_of(response)
