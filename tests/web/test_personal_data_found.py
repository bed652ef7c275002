"""What the personal-data detector found, shown on the story form and the de-identified
version page."""

from __future__ import annotations

from tests.builders import make_site, make_story, make_user
from tests.web.pages import log_in, text_of


def test_the_draft_form_lists_personal_data_in_the_saved_text(client, session):
    leeds = make_site(session, "Leeds")
    staff = make_user(session, roles=["staff"], sites=[leeds])
    draft = make_story(
        session,
        site=leeds,
        author=staff,
        status="draft",
        what_happened="Joan rang from 0113 496 0777 and her son Marek came with her.",
    )
    log_in(client, staff)
    shown = text_of(client.get(f"/stories/{draft.id}/edit"))
    assert "Personal data in the saved draft" in shown
    assert "What happened? Phone number 0113 496 0777 [phone]" in shown
    assert "Title Name Joan [Person A]" in shown
    assert "What happened? Name Marek [Person B]" in shown


def test_a_saved_version_is_checked_for_anything_left_behind(client, session):
    leeds = make_site(session, "Leeds")
    staff = make_user(session, roles=["staff"], sites=[leeds])
    story = make_story(session, site=leeds, author=staff, deidentified=False)
    csrf = log_in(client, staff)
    proposal = client.get(f"/stories/{story.id}/deidentified")
    assert 'value="[Person A] found the lunch club"' in proposal.text
    assert "The detector found these in the original" in text_of(proposal)
    form = {
        "csrf_token": csrf,
        "version": "0",
        "title": "[Person A] found the lunch club",
        "what_happened": "Joan popped into the library hub.",
        "what_changed": "She goes to the lunch club.",
        "why_significant": "She feels like herself again.",
        "action": "save",
    }
    assert client.post(f"/stories/{story.id}/deidentified", data=form).status_code == 200
    shown = text_of(client.get(f"/stories/{story.id}/deidentified"))
    assert "Personal data still found in this version" in shown
    assert "What happened? Name Joan [Person A]" in shown
    form.update(what_happened="[Person A] popped into the library hub.", version="1")
    client.post(f"/stories/{story.id}/deidentified", data=form)
    cleaned = text_of(client.get(f"/stories/{story.id}/deidentified"))
    assert "The detector found no names or personal details." in cleaned
