"""Who reads which story, and in which text, through every read route: two sites in two
regions, stories at every status x consent level x de-identified state at each, and
people holding roles at a site, a region and the programme.

The expectation is written here from the rules (README "Roles"), not from
storybank.access, so a change to access.py that breaks a rule fails this file."""

from __future__ import annotations

import csv
import html
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from api.app import create_app
from storybank.config import Settings
from storybank.db import make_engine
from storybank.models import Story, StoryDeidentified, Unit, User, require_id, utcnow
from storybank.units import ensure_root, find_unit_by_name
from tests.builders import make_site, make_story, make_user, token_headers
from tests.web.pages import log_in, text_of

STATUSES = ("draft", "submitted", "withdrawn")
CONSENTS = {
    None: "none",
    "site_only": "site",
    "programme_anonymised": "programme",
    "publishable_anonymised": "publishable",
}
DEIDENTIFIED_STATES = ("confirmed", "unconfirmed", "missing")
BEYOND_SITE = {"programme_anonymised", "publishable_anonymised"}
# A name in every original text, replaced in every de-identified version.
SECRET = "Ottoline"
ORIGINAL_TEXT = f"{SECRET} popped into the library hub and met a community agent."
REDACTED_TEXT = "[Person A] popped into the library hub and met a community agent."
OUTSIDE_NOTE = "You are reading this story from outside its site"


@dataclass(frozen=True)
class Case:
    """One story of the world: its site ("N" or "S"), status, consent and de-identified state."""

    site: str
    status: str
    consent: str | None
    deidentified: str

    @property
    def title(self) -> str:
        return f"{self.site}-{self.status}-{CONSENTS[self.consent]}-{self.deidentified}"

    @property
    def deidentified_title(self) -> str:
        return f"[redacted] {self.title}"


CASES = [
    Case(site, status, consent, state)
    for site, status, consent, state in itertools.product(
        "NS", STATUSES, CONSENTS, DEIDENTIFIED_STATES
    )
    if consent is not None or status == "draft"  # only a draft may lack consent
]

# Each person's role at each site, as their grants should work out: the reviewer is
# granted at region North (Northshire only), the evaluator at the programme (both sites).
HATS: dict[str, dict[str, str]] = {
    "two_hats": {"N": "staff", "S": "evaluator"},
    "north_reviewer": {"N": "reviewer"},
    "south_facilitator": {"S": "facilitator"},
    "programme_evaluator": {"N": "evaluator", "S": "evaluator"},
    "north_panel_member": {"N": "panel_member"},
    "admin": {"N": "admin", "S": "admin"},
    "no_grant": {},
}


def reads_as(role: str, case: Case) -> str | None:
    """How someone holding `role` at the story's site reads it: "original",
    "deidentified", or None (not at all)."""
    if role in ("admin", "staff"):
        return "original"
    if role in ("reviewer", "facilitator"):
        return "original" if case.status != "draft" else None
    if role == "evaluator":
        leaves_site = case.status == "submitted" and case.consent in BEYOND_SITE
        return "deidentified" if leaves_site and case.deidentified == "confirmed" else None
    return None  # panel members read only their rounds' candidates: no rounds yet


def expected_reads(person: str) -> dict[str, str]:
    """Title -> text version of every story the person may read."""
    found = {}
    for case in CASES:
        role = HATS[person].get(case.site)
        version = reads_as(role, case) if role else None
        if version:
            found[case.title] = version
    return found


def test_the_expectation_says_what_the_rules_say():
    assert len(CASES) == 60
    two_hats = expected_reads("two_hats")
    assert {t for t, v in two_hats.items() if v == "deidentified"} == {
        "S-submitted-programme-confirmed",
        "S-submitted-publishable-confirmed",
    }
    assert {t for t, v in two_hats.items() if v == "original"} == {
        c.title for c in CASES if c.site == "N"
    }
    assert set(expected_reads("programme_evaluator")) == {
        f"{site}-submitted-{level}-confirmed"
        for site in "NS"
        for level in ("programme", "publishable")
    }
    assert len(expected_reads("north_reviewer")) == 18  # Northshire, not drafts
    assert all(t.startswith("S-") for t in expected_reads("south_facilitator"))
    assert expected_reads("north_panel_member") == {} == expected_reads("no_grant")
    assert set(expected_reads("admin").values()) == {"original"}


@dataclass
class Matrix:
    """The world of this module: a client on it, its people, their tokens, its stories."""

    client: TestClient
    people: dict[str, User]
    headers: dict[str, dict[str, str]]
    stories: dict[int, Case]  # by story id


def _deidentify(session: Session, story: Story, case: Case, by: User) -> None:
    """A de-identified version in the case's state (none when "missing")."""
    if case.deidentified == "missing":
        return
    confirmed = case.deidentified == "confirmed"
    session.add(
        StoryDeidentified(
            story_id=require_id(story),
            title=case.deidentified_title,
            what_mattered=story.what_mattered,
            what_happened=REDACTED_TEXT,
            what_changed=story.what_changed,
            before_cls=story.before_cls,
            why_significant=story.why_significant,
            community_solutions=list(story.community_solutions),
            confirmed_at=utcnow() if confirmed else None,
            confirmed_by_id=by.id if confirmed else None,
        )
    )
    session.commit()


def _units(session: Session) -> dict[str, Unit]:
    north = make_site(session, "Northshire", region="North")
    south = make_site(session, "Southshire", region="South")
    region_north = find_unit_by_name(session=session, name="North")
    assert region_north is not None and region_north.id == north.parent_id
    return {
        "N": north,
        "S": south,
        "North": region_north,
        "programme": ensure_root(session=session),
    }


def _people(session: Session, units: dict[str, Unit]) -> dict[str, User]:
    grants = {
        "two_hats": [("staff", units["N"]), ("evaluator", units["S"])],
        "north_reviewer": [("reviewer", units["North"])],
        "south_facilitator": [("facilitator", units["S"])],
        "programme_evaluator": [("evaluator", units["programme"])],
        "north_panel_member": [("panel_member", units["N"])],
        "no_grant": [],
    }
    people = {
        person: make_user(session, grants=pairs, name=person.replace("_", " "))
        for person, pairs in grants.items()
    }
    people["admin"] = make_user(session, roles=["admin"], name="admin")
    return people


def _build(session: Session) -> tuple[dict[str, User], dict[int, Case]]:
    units = _units(session)
    people = _people(session, units)
    stories = {}
    for case in CASES:
        story = make_story(
            session,
            site=units[case.site],
            author=people["admin"],
            deidentified=False,
            title=case.title,
            status=case.status,
            consent_level=case.consent,
            what_happened=ORIGINAL_TEXT,
        )
        _deidentify(session, story, case, people["admin"])
        stories[require_id(story)] = case
    return people, stories


@pytest.fixture(scope="module")
def matrix(db_factory, tmp_path_factory) -> Iterator[Matrix]:  # type: ignore[no-untyped-def]
    """The world, built once per backend for this module (the read tests change nothing)."""
    url = db_factory.new_url()
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        people, stories = _build(session)
        headers = {person: token_headers(session, user) for person, user in people.items()}
    settings = Settings(
        environment="test",
        data_dir=tmp_path_factory.mktemp("matrix-data"),
        database_url=url,
        secret_key="test-secret-key-that-is-long-enough",
        log_level="WARNING",
        jobs_backend="inline",
    )
    with TestClient(create_app(settings=settings, engine=engine)) as client:
        yield Matrix(client, people, headers, stories)
    engine.dispose()
    db_factory.drop(url)


def _shown(matrix: Matrix, person: str) -> dict[str, str]:
    """Title -> text version the person is expected to see for each story they may read."""
    by_title = {case.title: case for case in matrix.stories.values()}
    return {
        (title if version == "original" else by_title[title].deidentified_title): version
        for title, version in expected_reads(person).items()
    }


def _api_list(matrix: Matrix, person: str, **query: str) -> list[dict]:  # type: ignore[type-arg]
    """Every story of GET /api/v1/stories, page by page."""
    items: list[dict] = []  # type: ignore[type-arg]
    while True:
        params = {**query, "limit": "200", "offset": str(len(items))}
        page = matrix.client.get("/api/v1/stories", params=params, headers=matrix.headers[person])
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        if len(items) >= page.json()["total"] or not page.json()["items"]:
            assert len(items) == page.json()["total"]
            return items


PEOPLE = sorted(HATS)


@pytest.mark.parametrize("person", PEOPLE)
def test_story_list_api(matrix, person):
    items = _api_list(matrix, person)
    shown = {item["title"]: item["text_version"] for item in items}
    assert shown == _shown(matrix, person)
    for item in items:
        expected = ORIGINAL_TEXT if item["text_version"] == "original" else REDACTED_TEXT
        assert item["what_happened"] == expected, item["title"]


@pytest.mark.parametrize("person", PEOPLE)
def test_each_story_through_the_api(matrix, person):
    reads = expected_reads(person)
    wrong = []
    for story_id, case in matrix.stories.items():
        response = matrix.client.get(f"/api/v1/stories/{story_id}", headers=matrix.headers[person])
        version = reads.get(case.title)
        if version is None:
            if response.status_code != 404:
                wrong.append(f"{case.title}: {response.status_code}, expected 404")
            continue
        body = response.json()
        title = case.title if version == "original" else case.deidentified_title
        text = ORIGINAL_TEXT if version == "original" else REDACTED_TEXT
        if (response.status_code, body.get("title"), body.get("text_version")) != (
            200,
            title,
            version,
        ) or body.get("what_happened") != text:
            wrong.append(f"{case.title}: {response.status_code} {body}, expected {version}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("person", PEOPLE)
def test_story_pages_and_list_page(matrix, person):
    log_in(matrix.client, matrix.people[person])
    reads = expected_reads(person)
    wrong = []
    for story_id, case in matrix.stories.items():
        page = matrix.client.get(f"/stories/{story_id}")
        version = reads.get(case.title)
        if version is None:
            if page.status_code != 404:
                wrong.append(f"{case.title}: {page.status_code}, expected 404")
            continue
        seen = text_of(page)
        title = case.title if version == "original" else case.deidentified_title
        outside = version == "deidentified"
        if (
            page.status_code != 200
            or f"<h1>{title}</h1>" not in page.text
            or (SECRET in seen) == outside
            or (OUTSIDE_NOTE in seen) != outside
        ):
            wrong.append(f"{case.title}: {page.status_code}, expected the {version} text")
    assert not wrong, "\n".join(wrong)
    shown = _shown(matrix, person)
    assert _list_page_titles(matrix) == set(shown)
    originals = {title for title, version in shown.items() if version == "original"}
    assert _list_page_titles(matrix, q=SECRET) == originals
    matrix.client.cookies.clear()


_CARD = re.compile(r'<h3 class="story-card__title"><a href="/stories/\d+">([^<]*)</a></h3>')


def _list_page_titles(matrix: Matrix, **query: str) -> set[str]:
    """Every story title the /stories page lists, page by page (of the signed-in client)."""
    titles: list[str] = []
    for number in range(1, 10):
        page = matrix.client.get("/stories", params={**query, "page": str(number)})
        assert page.status_code == 200
        found = _CARD.findall(page.text)
        if not found:
            break
        titles += found
    assert len(titles) == len(set(titles))
    return {html.unescape(title) for title in titles}


@pytest.mark.parametrize("person", PEOPLE)
def test_register_exports(matrix, person):
    csv_file = matrix.client.get("/api/v1/exports/stories.csv", headers=matrix.headers[person])
    assert csv_file.status_code == 200
    rows = list(csv.DictReader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    expected = _shown(matrix, person)
    assert {row["title"] for row in rows} == set(expected)
    for row in rows:
        text = ORIGINAL_TEXT if expected[row["title"]] == "original" else REDACTED_TEXT
        assert row["what happened"] == text, row["title"]

    xlsx_file = matrix.client.get("/api/v1/exports/stories.xlsx", headers=matrix.headers[person])
    assert xlsx_file.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx_file.content), read_only=True).worksheets[0]
    header, *cells = list(sheet.iter_rows(values_only=True))
    titles, texts = header.index("title"), header.index("what happened")
    assert {row[titles] for row in cells} == set(expected)
    for row in cells:
        text = ORIGINAL_TEXT if expected[row[titles]] == "original" else REDACTED_TEXT
        assert row[texts] == text, row[titles]


@pytest.mark.parametrize("person", PEOPLE)
def test_search_matches_only_the_text_the_person_reads(matrix, person):
    expected = _shown(matrix, person)
    originals = {t for t, v in expected.items() if v == "original"}
    redacted = {t for t, v in expected.items() if v == "deidentified"}
    # The name is only in the originals: someone reading from outside must not find it.
    assert {i["title"] for i in _api_list(matrix, person, q=SECRET)} == originals
    # "Person" is only in the de-identified versions.
    assert {i["title"] for i in _api_list(matrix, person, q="Person")} == redacted


def deidentified_answer(person: str, case: Case) -> int:
    """The status of GET .../deidentified: staff and reviewers of the story's site work on
    the de-identified version (admins too need one of those grants); anyone else who may
    read the story is refused; the rest do not see the story at all."""
    role = HATS[person].get(case.site)
    if case.title not in expected_reads(person):
        return 404
    return 200 if role in ("staff", "reviewer") else 403


def _draft_title(case: Case) -> str:
    """The de-identified title, or the original's to start from if none is saved."""
    return case.title if case.deidentified == "missing" else case.deidentified_title


@pytest.mark.parametrize("person", PEOPLE)
def test_the_deidentified_version_is_for_the_site_only(matrix, person):
    wrong = []
    for story_id, case in matrix.stories.items():
        url = f"/api/v1/stories/{story_id}/deidentified"
        response = matrix.client.get(url, headers=matrix.headers[person])
        expected = deidentified_answer(person, case)
        if response.status_code != expected:
            wrong.append(f"{case.title}: {response.status_code}, expected {expected}")
        elif expected == 200 and response.json()["title"] != _draft_title(case):
            wrong.append(f"{case.title}: {response.json()}")
    assert not wrong, "\n".join(wrong)


# Writes, on a world of their own (they change it): the two-hat person writes as staff at
# Northshire only.


@pytest.fixture
def two_hats_world(session):  # type: ignore[no-untyped-def]
    units = _units(session)
    people = _people(session, units)
    stories = {
        site: make_story(
            session, site=units[site], author=people["admin"], title=f"{site} to withdraw"
        )
        for site in "NS"
    }
    return units, people["two_hats"], stories


def test_two_hats_create_drafts_only_where_they_are_staff(client, session, two_hats_world):
    units, person, _ = two_hats_world
    headers = token_headers(session, person)
    north = client.post("/api/v1/stories", json={"site_id": units["N"].id}, headers=headers)
    assert north.status_code == 201, north.text
    assert north.json()["site_name"] == "Northshire"
    assert north.json()["status"] == "draft"
    south = client.post("/api/v1/stories", json={"site_id": units["S"].id}, headers=headers)
    assert south.status_code == 403, south.text
    assert "staff role at this site" in south.json()["error"]["message"]
    mine = client.get("/api/v1/stories", params={"status": "draft"}, headers=headers).json()
    assert [item["id"] for item in mine["items"]] == [north.json()["id"]]


def test_two_hats_withdraw_only_where_they_are_staff(client, session, two_hats_world):
    _, person, stories = two_hats_world
    headers = token_headers(session, person)
    south_id = stories["S"].id
    readable = client.get(f"/api/v1/stories/{south_id}", headers=headers)
    assert readable.status_code == 200, "read as evaluator, so a refusal is about writing"
    south = client.post(
        f"/api/v1/stories/{south_id}/withdraw", json={"version": 1}, headers=headers
    )
    assert south.status_code == 403, south.text
    session.refresh(stories["S"])
    assert stories["S"].status == "submitted"

    north = client.post(
        f"/api/v1/stories/{stories['N'].id}/withdraw", json={"version": 1}, headers=headers
    )
    assert north.status_code == 200, north.text
    assert north.json()["status"] == "withdrawn"


def test_two_hats_through_the_forms(client, session, two_hats_world):
    units, person, stories = two_hats_world
    csrf = log_in(client, person)
    form = text_of(client.get("/stories/new"))
    assert "Northshire" in form and "Southshire" not in form, "offers only their staff site"
    refused = client.post("/stories/new", data={"site_id": str(units["S"].id), "csrf_token": csrf})
    assert refused.status_code == 403
    assert "staff role at this site" in text_of(refused)
    made = client.post(
        "/stories/new",
        data={"site_id": str(units["N"].id), "title": "Form draft", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert made.status_code == 303, text_of(made)
    drafts = session.exec(select(Story).where(Story.status == "draft")).all()
    assert [(d.title, d.site_id) for d in drafts] == [("Form draft", units["N"].id)]

    def withdraw(site: str):  # type: ignore[no-untyped-def]
        url = f"/stories/{stories[site].id}/withdraw"
        return client.post(url, data={"version": "1", "csrf_token": csrf}, follow_redirects=False)

    south = withdraw("S")
    assert south.status_code == 403
    assert "staff role at this site" in text_of(south)
    north = withdraw("N")
    assert north.status_code == 303, text_of(north)
    for site, status in (("S", "submitted"), ("N", "withdrawn")):
        session.refresh(stories[site])
        assert stories[site].status == status, site
