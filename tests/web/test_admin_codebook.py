"""The admin codebook pages: list, add, edit, retire, delete, and the emerging themes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from storybank.models import Code, ReportingPeriod
from tests.builders import make_story, make_user
from tests.nlp.stories_for_topics import DEBT, LUNCH, TELECARE
from tests.web.pages import log_in, text_of
from tests.web.test_story_page import confirm_codes


@pytest.fixture
def admin_csrf(client, session):
    return log_in(client, make_user(session, roles=["admin"], name="Ada Admin"))


def _code(session, key):
    session.expire_all()
    return session.exec(select(Code).where(Code.key == key)).first()


def test_the_codebook_page_lists_outcomes_and_themes(client, admin_csrf):
    page = client.get("/admin/codebook")
    text = text_of(page)
    assert page.status_code == 200
    assert "Outcomes (6)" in text and "Themes (20)" in text
    assert 'href="/admin/codebook/codes/community_hub"' in page.text
    assert '<label class="field-label" for="field-key">Key</label>' in page.text


def test_an_admin_adds_a_theme_from_the_form(client, session, admin_csrf):
    form = {
        "csrf_token": admin_csrf,
        "key": "digital_inclusion",
        "label": "Getting online",
        "description": "Learned to use a tablet.",
        "cue_phrases": "tablet\n\nvideo call\n",
        "parent_key": "community_connections",
    }
    answer = client.post("/admin/codebook", data=form, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/admin/codebook/codes/digital_inclusion?added=1"
    code = _code(session, "digital_inclusion")
    assert code.cue_phrases == ["tablet", "video call"] and code.kind == "theme"
    page = client.get(answer.headers["location"])
    assert "The theme has been added." in text_of(page)


@pytest.mark.parametrize(
    ("key", "status", "message"),
    [
        ("community_hub", 409, "The key 'community_hub' is already used."),
        ("Bad Key", 422, "Key: Use 3 to 64 characters: lower-case letters"),
    ],
)
def test_a_taken_or_badly_formed_key_is_shown_beside_the_field(
    client, admin_csrf, key, status, message
):
    form = {"csrf_token": admin_csrf, "key": key, "label": "Something"}
    answer = client.post("/admin/codebook", data=form)
    assert answer.status_code == status
    assert "There is a problem" in text_of(answer) and message in text_of(answer)
    assert f'value="{key}"' in answer.text


def test_editing_a_theme_saves_the_changes(client, session, admin_csrf):
    form = {
        "csrf_token": admin_csrf,
        "label": "Hubs and Talking Points",
        "description": "Help came through a hub.",
        "cue_phrases": "talking point\ndrop-in",
        "examples": "",
    }
    answer = client.post("/admin/codebook/codes/community_hub", data=form, follow_redirects=False)
    assert answer.status_code == 303
    code = _code(session, "community_hub")
    assert code.label == "Hubs and Talking Points" and code.cue_phrases == [
        "talking point",
        "drop-in",
    ]


def test_retiring_and_reactivating_a_theme(client, session, admin_csrf):
    retire = {"csrf_token": admin_csrf, "active": "false"}
    answer = client.post("/admin/codebook/codes/peer_forum/active", data=retire)
    assert answer.status_code == 200 and "The code is retired" in text_of(answer)
    assert not _code(session, "peer_forum").active
    assert "Retired" in text_of(client.get("/admin/codebook"))
    again = {"csrf_token": admin_csrf, "active": "true"}
    client.post("/admin/codebook/codes/peer_forum/active", data=again)
    assert _code(session, "peer_forum").active


def test_an_outcome_page_offers_no_retiring_and_a_delete_is_refused(client, admin_csrf):
    page = client.get("/admin/codebook/codes/outcome_4")
    assert page.status_code == 200 and "Retire" not in text_of(page)
    assert "The six CLS outcomes are fixed" in text_of(page)
    answer = client.post("/admin/codebook/codes/outcome_4/delete", data={"csrf_token": admin_csrf})
    assert answer.status_code == 409 and "cannot be deleted" in text_of(answer)


def test_a_theme_in_use_offers_no_delete(client, session, admin_csrf, somerset, staff):
    story = make_story(session, site=somerset, author=staff)
    confirm_codes(session, story, staff, ["wellbeing"])
    page = client.get("/admin/codebook/codes/wellbeing")
    assert "Stories coded with it 1" in text_of(page) and "Delete" not in text_of(page)
    answer = client.post("/admin/codebook/codes/wellbeing/delete", data={"csrf_token": admin_csrf})
    assert answer.status_code == 409 and "Retire it instead" in text_of(answer)


def test_an_unknown_code_is_404(client, admin_csrf):
    assert client.get("/admin/codebook/codes/nothing_here").status_code == 404


def test_the_emerging_themes_page_shows_topics_and_a_prefilled_proposal(
    client, session, admin_csrf, somerset, staff
):
    for n, text in enumerate(LUNCH + TELECARE + DEBT):
        make_story(session, site=somerset, author=staff, title=f"Story {n}", what_happened=text)

    page = client.get(f"/admin/codebook/topics?unit_id={somerset.id}&n_topics=4")

    text = text_of(page)
    assert page.status_code == 200
    assert "Topics in 12 stories" in text and "Topic 1:" in text
    assert "Propose as a new theme" in text
    assert 'name="source" value="topic"' in page.text
    assert 'href="/stories/' in page.text


def test_a_proposal_from_a_topic_adds_the_theme(client, session, admin_csrf, somerset, staff):
    for n, text in enumerate(LUNCH * 2):
        make_story(session, site=somerset, author=staff, title=f"Story {n}", what_happened=text)
    form = {
        "csrf_token": admin_csrf,
        "source": "topic",
        "key": "lunch_clubs",
        "label": "Lunch clubs",
        "description": "Drafted from a topic.",
        "cue_phrases": "lunch club\nvillage hall",
    }
    answer = client.post("/admin/codebook", data=form, follow_redirects=False)
    assert answer.status_code == 303
    assert _code(session, "lunch_clubs").cue_phrases == ["lunch club", "village hall"]


def test_a_bad_topic_filter_is_422(client, admin_csrf):
    page = client.get("/admin/codebook/topics?unit_id=abc")
    assert page.status_code == 422 and "Choose one of the options" in text_of(page)


def test_staff_cannot_see_the_codebook_admin(client, session, csrf):
    assert client.get("/admin/codebook", follow_redirects=False).status_code == 403


def test_a_theme_without_a_label_is_422_asking_for_one(client, admin_csrf):
    answer = client.post("/admin/codebook", data={"csrf_token": admin_csrf, "key": "abc"})
    assert answer.status_code == 422 and "Label: Give the code a label." in text_of(answer)


def test_the_topics_page_filters_by_a_reporting_period(
    client, session, admin_csrf, somerset, staff
):
    period = ReportingPeriod(name="Spring", opens_on=date(2026, 3, 1), closes_on=date(2026, 5, 31))
    session.add(period)
    session.commit()
    for n, text in enumerate(LUNCH + TELECARE):
        make_story(session, site=somerset, author=staff, title=f"Story {n}", what_happened=text)
    for n, text in enumerate(DEBT):
        old = {"title": f"Old {n}", "what_happened": text, "change_date": "2025-01-10"}
        make_story(session, site=somerset, author=staff, **old)

    page = client.get(f"/admin/codebook/topics?period_id={period.id}&n_topics=2")

    assert "Topics in 8 stories" in text_of(page)
    assert '<option value="">Every site</option>' in page.text
    assert f'<option value="{period.id}" selected>Spring</option>' in page.text
