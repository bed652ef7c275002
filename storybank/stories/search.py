"""Full-text search of stories: what a person types, as the database's search query, the
stories it finds (with a relevance score), and the matched words marked for the list.

SQLite searches two FTS5 indexes (`story_search` over the original text,
`story_deidentified_search` over the de-identified text), PostgreSQL a stored English
`tsvector` of the same fields (`search_document`) under a GIN index; made in migrations
0007 and 0011. A list in date or title order asks only whether a story matches (a
condition the database can check while it walks the list's index); only a list in
order of relevance scores every match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Subquery,
    and_,
    literal_column,
    union_all,
)
from sqlalchemy import text as sql_text
from sqlmodel import Session

MAX_TERMS = 10
# A count starts from a search's matches when they are fewer than one story in this many.
DRIVE_SHARE = 8
# The text fields searched: the title and the long texts, in this order in every index.
FIELDS = (
    "title",
    "what_mattered",
    "what_happened",
    "what_changed",
    "before_cls",
    "why_significant",
)
SNIPPET_FIELDS = FIELDS[1:]
SNIPPET_WORDS = 24
# The SQLite FTS5 indexes; they and their shadow tables are outside the models' metadata.
SEARCH_TABLES = ("story_search", "story_deidentified_search")
# PostgreSQL's stored tsvector of the searched fields, on both tables (migration 0011).
SEARCH_COLUMN = "search_document"
_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"[^\W_]+")
_PIECES = re.compile(r"([^\W_]+)")


@dataclass(frozen=True)
class SearchQuery:
    """What someone typed, read as terms: each a word or a quoted phrase (a word list);
    every term must be found. Punctuation and search syntax are dropped."""

    terms: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, typed: str | None) -> SearchQuery:
        """The terms of a typed search; quotes that do not close are ignored."""
        terms = []
        for phrase, word in _TERM.findall(typed or ""):
            words = tuple(w.lower() for w in _WORD.findall(phrase or word))
            if words:
                terms.append(words)
        return cls(tuple(terms[:MAX_TERMS]))

    def __bool__(self) -> bool:
        return bool(self.terms)

    def fts5(self) -> str:
        """The SQLite FTS5 MATCH expression: every term as a quoted phrase, ANDed."""
        return " AND ".join('"' + " ".join(words) + '"' for words in self.terms)

    @property
    def stems(self) -> set[str]:
        """The stems of every word searched for, to mark them in text."""
        return {stem(word) for words in self.terms for word in words}


def is_search_object(name: str | None, kind: str) -> bool:
    """Whether a table, index or column is one of the search objects (FTS5 tables with
    their shadow tables, PostgreSQL's GIN indexes and stored documents), which the models
    do not declare."""
    if kind == "index":
        return name in {f"ix_{t}" for t in SEARCH_TABLES}
    if kind == "column":
        return name == SEARCH_COLUMN
    return kind == "table" and any(
        name == t or (name or "").startswith(f"{t}_") for t in SEARCH_TABLES
    )


def purge_removed_text(*, session: Session) -> None:
    """Rewrite SQLite's search indexes so that words of erased text leave the index files
    too (an FTS5 delete only marks them); PostgreSQL drops them when it vacuums."""
    if session.get_bind().dialect.name != "sqlite":
        return
    session.flush()
    for index in SEARCH_TABLES:
        session.execute(sql_text(f"INSERT INTO {index} ({index}) VALUES ('optimize')"))


def hits(*, session: Session, query: SearchQuery, original: bool, redacted: bool) -> Subquery:
    """The stories whose text matches: (story_id, score, original) rows, lower scores
    first, from the original text, the de-identified text or both."""
    if session.get_bind().dialect.name == "postgresql":
        parts = _postgresql_hits(query, original, redacted)
    else:
        parts = _sqlite_hits(query, original, redacted)
    typed = [
        sql_text(sql).bindparams(**params).columns(story_id=Integer, score=Float, original=Integer)
        for sql, params in parts
    ]
    if len(typed) == 1:
        return typed[0].subquery("hits")
    return union_all(*typed).subquery("hits")


def _sqlite_hits(query: SearchQuery, original: bool, redacted: bool) -> list[tuple[str, dict]]:
    """FTS5 lookups; bm25 `rank` is negative, best first."""
    match = query.fts5()
    parts = []
    for index, wanted, flag in (
        ("story_search", original, 1),
        ("story_deidentified_search", redacted, 0),
    ):
        if wanted:
            sql = (
                f"SELECT rowid AS story_id, rank AS score, {flag} AS original "
                f"FROM {index} WHERE {index} MATCH :match_{flag}"
            )
            parts.append((sql, {f"match_{flag}": match}))
    return parts


def _postgresql_tsquery(query: SearchQuery) -> tuple[str, dict[str, str]]:
    """The tsquery of every term (phrases kept in order), ANDed, and its parameters."""
    params = {f"term_{n}": " ".join(words) for n, words in enumerate(query.terms)}
    tsquery = " && ".join(f"phraseto_tsquery('english', :term_{n})" for n in range(len(params)))
    return f"({tsquery})", params


def _postgresql_hits(query: SearchQuery, original: bool, redacted: bool) -> list[tuple[str, dict]]:
    """Lookups of the stored documents through the GIN indexes; scored by minus ts_rank."""
    tsquery, params = _postgresql_tsquery(query)
    parts = []
    for table, key, wanted, flag in (
        ("stories", "id", original, 1),
        ("story_deidentified", "story_id", redacted, 0),
    ):
        if wanted:
            document = f"{table}.{SEARCH_COLUMN}"
            sql = (
                f"SELECT {key} AS story_id, -ts_rank({document}, {tsquery}) AS score, "
                f"{flag} AS original FROM {table} WHERE {document} @@ {tsquery}"
            )
            parts.append((sql, params))
    return parts


@contextmanager
def counting_matches(*, session: Session, searched: bool) -> Iterator[None]:
    """Around the count of a search's matches on PostgreSQL: no sequential scan. The
    planner does not charge for reading each story's search document back from TOAST
    (migration 0012), so for a common word it would read every document instead of
    counting the matches the GIN index lists, ten times slower."""
    if not searched or session.get_bind().dialect.name != "postgresql":
        yield
        return
    session.execute(sql_text("SET LOCAL enable_seqscan = off"))
    try:
        yield
    finally:
        session.execute(sql_text("SET LOCAL enable_seqscan TO DEFAULT"))


def few_matches(*, session: Session, query: SearchQuery, original: bool, redacted: bool) -> bool:
    """Whether, on SQLite, the search finds few enough stories that a count is quicker
    driven from its matches (a lookup of each by id) than by walking the list's index
    and looking each story up among the matches.

    FTS5 counts a word's matches from its index in about a millisecond; measured at
    100,000 stories, walking costs about 0.2 µs a story and each lookup by id 1.6 µs, so
    driving from the matches wins below about one story in eight (a rare word: 23 ms ->
    4 ms; a common one stays walked, 32 ms where driving takes 59)."""
    if session.get_bind().dialect.name == "postgresql":
        return False
    found = 0
    for index, wanted in (("story_search", original), ("story_deidentified_search", redacted)):
        if wanted:
            counted = session.execute(
                sql_text(f"SELECT count(*) FROM {index} WHERE {index} MATCH :match"),
                {"match": query.fts5()},
            ).scalar()
            found += int(counted or 0)
    stories = session.execute(sql_text("SELECT max(rowid) FROM stories")).scalar()
    return found * DRIVE_SHARE < int(stories or 0)


def matches(
    *, session: Session, query: SearchQuery, original: bool, driven: bool = False
) -> ColumnElement[bool]:
    """The condition that a story's original (or de-identified) text matches, unscored.

    On SQLite the story's id is compared as `id + 0` so that the list's own index (its
    order, its filters) stays the way in, with the matches as a set to look in; `driven`
    compares the id itself, so that a count may start from the matches (few_matches).
    """
    story_id: ColumnElement[int] = literal_column("stories.id", Integer)
    if session.get_bind().dialect.name == "postgresql":
        tsquery, params = _postgresql_tsquery(query)
        if original:
            return and_(sql_text(f"stories.{SEARCH_COLUMN} @@ {tsquery}").bindparams(**params))
        found = (
            f"EXISTS (SELECT 1 FROM story_deidentified d WHERE d.story_id = stories.id "
            f"AND d.{SEARCH_COLUMN} @@ {tsquery})"
        )
        return and_(sql_text(found).bindparams(**params))
    index = "story_search" if original else "story_deidentified_search"
    found_ids = sql_text(f"SELECT rowid FROM {index} WHERE {index} MATCH :match_{int(original)}")
    found_ids = found_ids.bindparams(**{f"match_{int(original)}": query.fts5()})
    compared = story_id if driven else story_id + 0
    return compared.in_(found_ids.columns(rowid=Integer))


_SUFFIXES = ("ings", "ing", "edly", "ed", "ies", "es", "s")


def stem(word: str) -> str:
    """A rough English stem, enough to mark "allotments" where "allotment" was asked for."""
    word = word.lower()
    if word.endswith("'s"):
        word = word[:-2]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def highlight(text: str, query: SearchQuery) -> str:
    """The text as HTML: everything escaped, the words searched for in <mark>."""
    stems = query.stems
    pieces = _PIECES.split(text)
    return "".join(
        f"<mark>{escape(piece)}</mark>" if n % 2 and stem(piece) in stems else escape(piece)
        for n, piece in enumerate(pieces)
    )


def snippet(fields: dict[str, str], query: SearchQuery) -> str:
    """A few words of the first long text with a searched word in it, as highlighted HTML;
    the start of the first non-empty one if none has."""
    stems = query.stems
    texts = [fields.get(name) or "" for name in SNIPPET_FIELDS]
    for text in texts:
        words = text.split()
        found = next((n for n, w in enumerate(words) if _has_stem(w, stems)), None)
        if found is not None:
            return _window(words, max(found - SNIPPET_WORDS // 3, 0), query)
    first = next((t for t in texts if t.strip()), "")
    return _window(first.split(), 0, query)


def _has_stem(word: str, stems: set[str]) -> bool:
    return any(stem(piece) in stems for piece in _WORD.findall(word))


def _window(words: list[str], start: int, query: SearchQuery) -> str:
    shown = " ".join(words[start : start + SNIPPET_WORDS])
    before = "… " if start > 0 else ""
    after = " …" if start + SNIPPET_WORDS < len(words) else ""
    return before + highlight(shown, query) + after


@dataclass(frozen=True)
class Marked:
    """A listed story's title and a snippet of its text as HTML, searched words marked."""

    title: str
    snippet: str


def mark_found(stories: Sequence[Any], typed: str | None) -> dict[int, Marked]:
    """The marked title and snippet of each story by id, from the text given (pass the
    stories as the reader sees them); empty when nothing was searched for."""
    query = SearchQuery.parse(typed)
    if not query:
        return {}
    return {
        story.id: Marked(
            title=highlight(story.title or "Untitled draft", query),
            snippet=snippet({name: getattr(story, name) for name in SNIPPET_FIELDS}, query),
        )
        for story in stories
    }
