"""The story list: filters, search, count, pagination and the empty state."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from tests.builders import make_story, make_user
from tests.web.pages import log_in, text_of
from web.forms import story_filters
from web.forms.story_filters import StoryListQuery

TITLE = re.compile(r'class="story-card__title"><a href="/stories/\d+">(.*?)</a>')
MARK = re.compile(r"</?mark>")


def _titles(page) -> list[str]:
    """The story titles on a list page, in order."""
    return [html.unescape(MARK.sub("", t)) for t in TITLE.findall(page.text)]


def test_searched_words_are_marked_in_the_list(client, session, somerset, staff, csrf):
    make_story(session, site=somerset, author=staff, title="Allotment <club> days")
    page = client.get("/stories", params={"q": "allotments"})
    assert _titles(page) == ["Allotment <club> days"]
    assert "<mark>Allotment</mark> &lt;club&gt; days" in page.text


def test_empty_list_invites_writing_a_story(client, csrf):
    page = client.get("/stories")
    assert page.status_code == 200
    text = text_of(page)
    assert "There are no change stories here yet." in text
    assert '<a class="button button--primary" href="/stories/new">Write a change story</a>' in (
        page.text
    )


def test_empty_list_of_a_panel_member_does_not_invite_writing(client, session, somerset):
    panel = make_user(session, roles=["panel_member"], sites=[somerset])
    log_in(client, panel)
    page = client.get("/stories")
    assert page.status_code == 200
    text = text_of(page)
    assert "There are no change stories for you to read yet." in text
    assert "candidate stories of the selection rounds you sit on" in text
    assert "Write a change story" not in text
    assert "It takes a few minutes" not in text
    assert 'href="/stories/new"' not in page.text


def test_empty_list_of_a_reviewer_says_when_stories_arrive(client, session, somerset):
    log_in(client, make_user(session, roles=["reviewer"], sites=[somerset]))
    text = text_of(client.get("/stories"))
    assert "Stories appear here once staff at your sites submit them." in text
    assert "Write a change story" not in text


def test_list_shows_each_story_with_its_details(client, session, somerset, staff, csrf):
    make_story(
        session,
        site=somerset,
        author=staff,
        title="Joan found the lunch club",
        story_type="learning",
    )
    text = text_of(client.get("/stories"))
    assert "Showing 1 of 1 story" in text
    assert "Joan found the lunch club" in text
    assert "Site Somerset" in text
    assert "Date of change 14 March 2026" in text
    assert "Whose story An individual" in text
    assert "Submitted" in text
    assert "Learning" in text, "success/learning shown in words, not only colour"


def test_list_paginates_25_at_a_time_keeping_filters(client, session, somerset, staff, csrf):
    for n in range(30):
        make_story(session, site=somerset, author=staff, title=f"Hub story {n:02d}")
    for n in range(3):
        make_story(session, site=somerset, author=staff, title=f"Draft {n}", status="draft")
    first = client.get("/stories?status=submitted&sort=title")
    assert "Showing 1–25 of 30 stories" in text_of(first)  # noqa: RUF001 (an en dash, as shown)
    assert _titles(first)[0] == "Hub story 00"
    assert 'href="/stories?status=submitted&amp;sort=title&amp;page=2" rel="next"' in first.text
    assert 'rel="prev"' not in first.text
    second = client.get("/stories?status=submitted&sort=title&page=2")
    assert "Showing 26–30 of 30 stories" in text_of(second)  # noqa: RUF001
    assert _titles(second) == [f"Hub story {n}" for n in range(25, 30)]
    assert 'href="/stories?status=submitted&amp;sort=title&amp;page=1" rel="prev"' in second.text
    assert 'rel="next"' not in second.text


def test_list_filters_by_every_field(client, session, somerset, staff, csrf):
    def story(title, **fields):
        make_story(session, site=somerset, author=staff, title=title, **fields)

    story("Carer story", perspective="family_carer", contact_route="gp_health")
    story("Learning story", story_type="learning")
    story("Old story", change_date="2024-01-10")
    story("Draft story", status="draft")
    story("Walking group", what_changed="She joined the walking group on Fridays.")
    cases = {
        "perspective=family_carer": ["Carer story"],
        "contact_route=gp_health": ["Carer story"],
        "story_type=learning": ["Learning story"],
        "status=draft": ["Draft story"],
        "date_to=2024-12-31": ["Old story"],
        "date_from=2025-01-01&q=walking+group": ["Walking group"],
        "q=WALKING": ["Walking group"],
    }
    for query, expected in cases.items():
        assert _titles(client.get(f"/stories?{query}")) == expected, query


def test_site_filter_offers_only_the_actors_sites(client, session, somerset, derby, staff, csrf):
    page = client.get("/stories")
    assert ">Somerset</option>" in page.text
    assert ">Derby</option>" not in page.text


def test_admin_sees_every_site_and_filters_by_one(client, session, somerset, derby, staff):
    other = make_user(session, roles=["staff"], sites=[derby])
    make_story(session, site=somerset, author=staff, title="In Somerset")
    make_story(session, site=derby, author=other, title="In Derby")
    admin = make_user(session, roles=["admin"])
    log_in(client, admin)
    page = client.get("/stories")
    assert ">Derby</option>" in page.text and ">Somerset</option>" in page.text
    assert sorted(_titles(page)) == ["In Derby", "In Somerset"]
    assert _titles(client.get(f"/stories?site_id={derby.id}")) == ["In Derby"]


def test_staff_never_see_other_sites_stories_in_the_list(
    client, session, somerset, derby, staff, csrf
):
    other = make_user(session, roles=["staff"], sites=[derby])
    make_story(session, site=derby, author=other, title="In Derby")
    make_story(session, site=somerset, author=staff, title="In Somerset")
    page = client.get("/stories")
    assert _titles(page) == ["In Somerset"]
    assert "Showing 1 of 1 story" in text_of(page), "the Derby story is not even counted"
    asking_for_derby = client.get(f"/stories?site_id={derby.id}")
    assert _titles(asking_for_derby) == []
    assert "No stories match this search." in text_of(asking_for_derby)


def test_no_match_explains_and_offers_to_clear_filters(client, session, somerset, staff, csrf):
    make_story(session, site=somerset, author=staff)
    text = text_of(client.get("/stories?q=zebra"))
    assert "No stories match this search." in text
    assert "clear the search and filters" in text


def test_blank_filters_mean_any(client, session, somerset, staff, csrf):
    make_story(session, site=somerset, author=staff)
    page = client.get("/stories?site_id=&status=&perspective=&date_from=&q=&page=")
    assert page.status_code == 200
    assert "Showing 1 of 1 story" in text_of(page)


def test_a_future_date_filter_finds_nothing_but_does_not_fail(
    client, session, somerset, staff, csrf
):
    today = date.today()
    make_story(session, site=somerset, author=staff, title="Last year", change_date="2025-02-01")
    make_story(session, site=somerset, author=staff, title="Changed today", change_date=today)
    assert _titles(client.get(f"/stories?date_from={today.isoformat()}")) == ["Changed today"]
    tomorrow = (today + timedelta(days=1)).isoformat()
    page = client.get(f"/stories?date_from={tomorrow}")
    assert page.status_code == 200
    assert _titles(page) == []
    text = text_of(page)
    assert "No stories match this search." in text
    assert "There is a problem" not in text, "a date after today is allowed, it just finds none"


def test_list_shows_confirmed_outcome_numbers(client, session, somerset, staff, csrf):
    from tests.web.test_story_page import confirm_codes

    story = make_story(session, site=somerset, author=staff)
    confirm_codes(session, story, staff, ["outcome_3", "outcome_1", "community_hub"])
    assert "Outcomes 1 , 3" in text_of(client.get("/stories"))


def _dated_stories(session, somerset, staff):
    make_story(session, site=somerset, author=staff, title="March", change_date="2025-03-11")
    make_story(session, site=somerset, author=staff, title="November", change_date="2025-11-03")


def test_date_filters_are_day_month_and_year_boxes(client, session, somerset, staff, csrf):
    _dated_stories(session, somerset, staff)
    page = client.get("/stories?date_from_day=1&date_from_month=10&date_from_year=2025")
    assert page.status_code == 200
    assert _titles(page) == ["November"]
    assert 'type="date"' not in page.text
    for name, legend in (("date_from", "Changed on or after"), ("date_to", "Changed on or before")):
        assert f'<legend class="field-label">{legend}</legend>' in page.text
        for part, text in (("day", "Day"), ("month", "Month"), ("year", "Year")):
            box_id = f"field-{name}" if part == "day" else f"field-{name}-{part}"
            assert f'<label for="{box_id}">{text}</label>' in page.text
            assert f'name="{name}_{part}" type="text" inputmode="numeric"' in page.text
    assert page.text.count("For example, 14 3 2026") == 2
    assert 'value="10" class="date-input__month">' in page.text, "what was typed stays"


def test_pages_of_a_date_filtered_list_keep_the_date():
    query = StoryListQuery(date_from_day="1", date_from_month="10", date_from_year="2025")
    assert query.link(2) == (
        "/stories?date_from_day=1&date_from_month=10&date_from_year=2025&page=2"
    )
    assert query.filters().date_from == date(2025, 10, 1)


def test_a_one_text_date_filter_is_read_day_first(client, session, somerset, staff, csrf):
    _dated_stories(session, somerset, staff)
    page = client.get("/stories?date_from=3/11/2025&date_to=3/11/2025")
    assert _titles(page) == ["November"], "3/11/2025 is 3 November, not 11 March"
    assert 'value="3" class="date-input__day">' in page.text
    assert 'value="11" class="date-input__month">' in page.text
    assert _titles(client.get("/stories?date_to_day=11032025")) == ["March"]


def test_a_date_filter_with_a_missing_part_names_it(client, session, somerset, staff, csrf):
    _dated_stories(session, somerset, staff)
    page = client.get("/stories?date_to_day=14&date_to_month=3")
    assert page.status_code == 422
    text = text_of(page)
    assert "There is a problem" in text
    assert "Changed on or before: The date to search up to must include a year" in text
    assert '<a href="#field-date_to-year">' in page.text
    assert sorted(_titles(page)) == ["March", "November"], "the other filters still apply"


def test_an_impossible_date_filter_asks_for_a_real_date(client, session, somerset, csrf):
    page = client.get("/stories?date_from_day=31&date_from_month=2&date_from_year=2026")
    assert page.status_code == 422
    assert "Changed on or after: Enter a real date" in text_of(page)


def test_deep_pages_link_to_the_next_by_cursor_and_show_the_right_stories(
    client, session, somerset, staff, csrf, monkeypatch
):
    monkeypatch.setattr(story_filters, "CURSOR_FROM_PAGE", 2)
    for n in range(60):
        make_story(session, site=somerset, author=staff, title=f"Hub story {n:02d}")
    first = client.get("/stories?sort=title")
    assert 'href="/stories?sort=title&amp;page=2" rel="next"' in first.text
    second = client.get("/stories?sort=title&page=2")
    link = re.search(r'href="([^"]*)" rel="next"', second.text)
    assert link and "after=" in link.group(1) and "page=3" in link.group(1)
    third = client.get(html.unescape(link.group(1)))
    assert third.status_code == 200
    assert "Showing 51–60 of 60 stories" in text_of(third)  # noqa: RUF001
    assert _titles(third) == [f"Hub story {n}" for n in range(50, 60)]
    assert 'href="/stories?sort=title&amp;page=2" rel="prev"' in third.text
    assert 'rel="next"' not in third.text


def test_a_mangled_cursor_in_the_address_is_a_clear_422(client, session, somerset, staff, csrf):
    make_story(session, site=somerset, author=staff)
    page = client.get("/stories?page=7&after=mangled")
    assert page.status_code == 422
    assert "not a cursor from this story list" in text_of(page)


def _form_fields(page) -> list[tuple[str, str]]:
    """Every field the filter form sends as it stands (selects with their chosen option)."""
    fields = [
        (n, html.unescape(v))
        for n, v in re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page.text)
    ]
    for name, options in re.findall(r'<select[^>]*name="(\w+)">(.*?)</select>', page.text, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        fields.append((name, chosen.group(1) if chosen else ""))
    return fields


def test_a_search_sent_from_the_form_keeps_the_filter_panel_closed(
    client, session, somerset, staff, csrf
):
    make_story(session, site=somerset, author=staff, title="Allotment", what_happened="Beans.")
    form = [(n, v) for n, v in _form_fields(client.get("/stories")) if n != "q"]
    assert ("sort", "-updated_at") in form, "the sort box is sent with every search"

    searched = client.get("/stories", params=[*form, ("q", "allotments")])
    filtered = client.get("/stories", params=[*form, ("q", "beans"), ("status", "submitted")])
    sorted_ = client.get("/stories", params={"q": "beans", "sort": "title"})

    assert searched.status_code == 200
    assert _titles(searched) == ["Allotment"]
    assert '<details class="filters__more">' in searched.text
    assert '<details class="filters__more" open>' in filtered.text
    assert '<details class="filters__more" open>' in sorted_.text
    assert searched.text.index('id="field-q"') < searched.text.index('class="story-list"')


def test_weird_search_input_is_a_page_never_an_error(client, session, somerset, staff, csrf):
    make_story(session, site=somerset, author=staff, title="Lunch", what_changed="A lunch club.")
    for q in ('"', "-", "*", "NEAR(", '"lunch', "a:b", "<script>"):
        page = client.get("/stories", params={"q": q})
        assert page.status_code == 200, q
        assert "<script>" not in page.text.split("</form>")[1]
