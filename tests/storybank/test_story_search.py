"""Story search in the service: what typed text means, relevance order, and matched words
marked in escaped HTML."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storybank.stories import StoryFilters, list_stories
from storybank.stories.search import SearchQuery, highlight, mark_found, snippet
from tests.builders import actor_for, make_site, make_story, make_user


def test_typed_text_becomes_words_and_phrases_without_search_syntax():
    query = SearchQuery.parse('Lunch "walking  group" -knit* "unclosed quote')

    assert query.terms == (("lunch",), ("walking", "group"), ("knit",), ("unclosed",), ("quote",))
    assert query.fts5() == '"lunch" AND "walking group" AND "knit" AND "unclosed" AND "quote"'
    assert not SearchQuery.parse('" - * ( ) _ ^')


def test_relevance_puts_the_best_match_first_and_date_order_stays_possible(session):
    site = make_site(session, "Frome")
    author = make_user(session, roles=["staff"], sites=[site])
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n, (title, text) in enumerate(
        (
            ("Support everywhere", "Peer support, support at home and support to go out."),
            ("Passing mention", "Lots happened over many months; support came at the end."),
            ("Unrelated", "A walk by the river."),
        )
    ):
        make_story(
            session,
            site=site,
            author=author,
            title=title,
            what_happened=text,
            updated_at=start + timedelta(days=n),
        )
    actor = actor_for(session, author)

    def titles(sort: str) -> tuple[int, list[str]]:
        found = list_stories(
            session=session, actor=actor, filters=StoryFilters(q="supported", sort=sort)
        )
        return found.total, [story.title for story in found.stories]

    assert titles("relevance") == (2, ["Support everywhere", "Passing mention"])
    assert titles("-updated_at") == (2, ["Passing mention", "Support everywhere"])
    assert titles("title") == (2, ["Passing mention", "Support everywhere"])


def test_relevance_without_search_words_falls_back_to_newest_first(session):
    site = make_site(session, "Wells")
    author = make_user(session, roles=["staff"], sites=[site])
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(3):
        make_story(
            session, site=site, author=author, title=f"S{n}", updated_at=start + timedelta(n)
        )

    found = list_stories(
        session=session,
        actor=actor_for(session, author),
        filters=StoryFilters(q='"', sort="relevance"),
    )

    assert [story.title for story in found.stories] == ["S2", "S1", "S0"]


def test_highlight_marks_stemmed_words_and_escapes_everything_else():
    query = SearchQuery.parse("allotment")

    marked = highlight('<b onclick="x">Allotments</b> & an allotment\'s shed', query)

    assert marked == (
        "&lt;b onclick=&quot;x&quot;&gt;<mark>Allotments</mark>&lt;/b&gt; &amp; an "
        "<mark>allotment</mark>&#x27;s shed"
    )


def test_snippet_is_a_window_round_the_first_match_in_the_text_shown():
    words = " ".join(f"w{n}" for n in range(60))
    fields = {"what_mattered": "Nothing here.", "what_happened": f"{words} <garden> {words}"}

    shown = snippet(fields, SearchQuery.parse("gardens"))

    assert shown.startswith("… ") and shown.endswith(" …")
    assert "&lt;<mark>garden</mark>&gt;" in shown
    assert len(shown.split()) <= 26


def test_mark_found_uses_the_text_it_is_given_and_nothing_without_a_search():
    class Shown:
        id = 7
        title = "[Person A] and the choir"
        what_mattered = what_changed = before_cls = why_significant = ""
        what_happened = "[Person A] sings in a choir."

    marked = mark_found([Shown()], "choirs")

    assert marked[7].title == "[Person A] and the <mark>choir</mark>"
    assert marked[7].snippet == "[Person A] sings in a <mark>choir</mark>."
    assert mark_found([Shown()], "  ") == {}


def test_the_search_indexes_cover_every_searchable_field():
    from storybank.stories.finding import SEARCHABLE
    from storybank.stories.search import FIELDS

    assert FIELDS == SEARCHABLE


def test_a_search_count_is_the_same_driven_from_the_matches_or_walked(session, monkeypatch):
    """A count starts from the matches when they are few (search.few_matches) and walks
    the list otherwise; both count the same stories, erased and other sites' left out."""
    from storybank.privacy import erase_story
    from storybank.stories import search

    site, other = make_site(session, "Chard"), make_site(session, "Yeovil")
    author = make_user(session, roles=["staff"], sites=[site])
    admin = make_user(session, roles=["admin"])
    for n in range(12):
        words = "allotment group" if n % 3 == 0 else "a quiet week"
        make_story(session, site=site, author=author, title=f"Week {n}", what_happened=words)
    elsewhere = make_user(session, roles=["staff"], sites=[other])
    make_story(session, site=other, author=elsewhere, title="Far", what_happened="allotment")
    erased = make_story(session, site=site, author=author, title="Gone", what_happened="allotment")
    erase_story(
        session=session, actor=actor_for(session, admin), story_id=erased.id, reason="asked"
    )
    session.commit()

    def totals() -> list[int]:
        return [
            list_stories(session=session, actor=actor_for(session, user), filters=filters).total
            for user in (author, admin)
            for filters in (StoryFilters(q="allotments"), StoryFilters(q="week", site_id=site.id))
        ]

    monkeypatch.setattr(search, "DRIVE_SHARE", 1_000_000)
    walked = totals()
    assert not search.few_matches(
        session=session, query=SearchQuery.parse("allotment"), original=True, redacted=False
    )
    monkeypatch.setattr(search, "DRIVE_SHARE", 1)
    on_sqlite = session.get_bind().dialect.name == "sqlite"  # PostgreSQL always walks
    assert on_sqlite == search.few_matches(
        session=session, query=SearchQuery.parse("allotment"), original=True, redacted=False
    )
    assert totals() == walked == [4, 12, 5, 12]
