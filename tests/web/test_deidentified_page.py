"""The de-identified version page: prefilled from the original, confirmed by staff of the
site, shown (and only it) to readers outside the site."""

from __future__ import annotations

from tests.builders import make_site, make_story, make_user
from tests.web.pages import log_in, text_of


def test_staff_write_and_confirm_the_version_an_evaluator_then_reads(client, session):
    leeds = make_site(session, "Leeds")
    staff = make_user(session, roles=["staff"], sites=[leeds], name="Sam Staff")
    evaluator = make_user(session, roles=["evaluator"], sites=[leeds])
    story = make_story(
        session,
        site=leeds,
        author=staff,
        title="Maggie, 81, back at the allotment",
        what_happened="Maggie rang the hub on 0113 496 0000.",
        deidentified=False,
    )
    csrf = log_in(client, staff)
    page = client.get(f"/stories/{story.id}/deidentified")
    assert page.status_code == 200
    shown = text_of(page)
    assert "not written yet: the boxes below start from the personal-data detector's" in shown
    assert 'value="[Person A], 81, back at the allotment"' in page.text
    assert "[Person A] rang the hub on [phone]." in page.text
    assert "Name Maggie [Person A]" in shown and "Phone number 0113 496 0000 [phone]" in shown
    story_page = text_of(client.get(f"/stories/{story.id}"))
    assert "Not written yet. The story stays in its site" in story_page

    form = {
        "csrf_token": csrf,
        "version": "0",
        "title": "[Person A], 81, back at the allotment",
        "what_happened": "[Person A] rang the hub on [phone].",
        "what_changed": story.what_changed,
        "why_significant": story.why_significant,
        "action": "confirm",
    }
    saved = client.post(f"/stories/{story.id}/deidentified", data=form, follow_redirects=False)
    assert saved.status_code == 303
    shown = text_of(client.get(saved.headers["location"]))
    assert "The de-identified version is confirmed." in shown
    assert "Confirmed by Sam Staff" in shown
    stale = client.post(f"/stories/{story.id}/deidentified", data=form)
    assert stale.status_code == 409
    assert "Someone else saved this story's de-identified version" in text_of(stale)
    without_token = client.post(
        f"/stories/{story.id}/deidentified", data={**form, "csrf_token": "", "version": "1"}
    )
    assert without_token.status_code == 403

    client.cookies.clear()
    log_in(client, evaluator)
    outside = text_of(client.get(f"/stories/{story.id}"))
    assert "[Person A], 81, back at the allotment" in outside
    assert "[Person A] rang the hub on [phone]." in outside
    assert "Maggie" not in outside and "0113" not in outside
    assert "You are reading this story from outside its site" in outside
    assert client.get(f"/stories/{story.id}/deidentified").status_code == 403
    listed = text_of(client.get("/stories"))
    assert "[Person A], 81" in listed and "Maggie" not in listed


def test_editing_the_original_lapses_the_confirmation(client, session):
    leeds = make_site(session, "Leeds")
    staff = make_user(session, roles=["staff"], sites=[leeds])
    draft = make_story(session, site=leeds, author=staff, status="draft")
    assert draft.consent_level == "programme_anonymised"
    from storybank.models import StoryDeidentified

    assert session.get(StoryDeidentified, draft.id).confirmed_at is not None
    csrf = log_in(client, staff)
    edit = client.post(
        f"/stories/{draft.id}/edit",
        data={
            "csrf_token": csrf,
            "version": str(draft.version),
            "title": "A new title",
            "action": "save",
        },
        follow_redirects=False,
    )
    assert edit.status_code == 303, edit.text
    session.expire_all()
    assert session.get(StoryDeidentified, draft.id).confirmed_at is None
    shown = text_of(client.get(f"/stories/{draft.id}"))
    assert "Not confirmed." in shown
