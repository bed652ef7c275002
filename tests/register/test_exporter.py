"""Exporting the story register: what the actor may read, as CSV and XLSX, and back again."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlmodel import Session, col, select

from storybank.db import make_engine
from storybank.models import STORY_FIELD_NAMES, AuditEvent, Code, Coding, Grant, Story, Unit, User
from storybank.register import exporter
from storybank.register.columns import EXPORTED
from storybank.register.exporter import export_register, write_csv, write_xlsx
from storybank.register.importer import import_stories
from storybank.stories import StoryFilters
from tests.builders import actor_for, make_site, make_story, make_user
from tests.storybank.test_story_page_queries import counted


def _code(session, key: str) -> Code:
    return session.exec(select(Code).where(Code.key == key)).one()


def _coded(session, story, coder, *keys: str) -> None:
    for key in keys:
        session.add(Coding(story_id=story.id, code_id=_code(session, key).id, coder_id=coder.id))
    session.commit()


@pytest.fixture
def bank(session, somerset, derby, staff, admin):
    """Stories in two sites: submitted (two consent levels), a draft; some coded."""
    other = make_user(session, roles=["staff"], sites=[derby], name="Dee Derby")
    shared = make_story(
        session,
        site=somerset,
        author=staff,
        submitted_at=SUBMITTED,
        title="Joan found the lunch club",
        community_solutions=["lunch club", "walking group"],
        weekly_cost_before=Decimal("300.00"),
        weekly_cost_after=Decimal("174.00"),
        what_happened='=HYPERLINK("http://x") and more',
    )
    _coded(session, shared, admin, "outcome_3", "outcome_1", "community_hub", "reduced_isolation")
    _coded(session, shared, staff, "outcome_3")  # a second coder: still one outcome 3
    local = make_story(
        session,
        site=somerset,
        author=staff,
        title="Site only story",
        consent_level="site_only",
        submitted_at=SUBMITTED,
    )
    draft = make_story(
        session, site=somerset, author=staff, title="A draft", status="draft", consent_level=None
    )
    derby_story = make_story(
        session, site=derby, author=other, title="Derby story", submitted_at=SUBMITTED
    )
    return {
        "other": other,
        "shared": shared,
        "local": local,
        "draft": draft,
        "derby": derby_story,
        "shared_author_email": staff.email,
    }


SUBMITTED = datetime(2026, 4, 1, 9, 30, 15, tzinfo=UTC)


def _rows(session, actor, **filters):
    return list(export_register(session=session, actor=actor, filters=StoryFilters(**filters)))


def test_export_rows_hold_every_column_with_labels_codes_and_cost_change(
    session, bank, admin_actor
):
    rows = {row["title"]: row for row in _rows(session, admin_actor)}

    row = rows["Joan found the lunch club"]
    assert list(row)[:2] == ["reference", "id"]
    assert list(row) == [c.name for c in EXPORTED]
    assert (row["reference"], row["id"], row["site"], row["region"]) == (
        bank["shared"].reference,
        bank["shared"].id,
        "Somerset",
        "South West England",
    )
    assert (row["author"], row["author_email"]) == ("Sam Staff", bank["shared_author_email"])
    assert row["contact_route"] == "Walked into a community hub"
    assert row["story_type"] == "Success story"
    assert row["consent_level"] == "Programme-wide, anonymised"
    assert row["community_solutions"] == "lunch club; walking group"
    assert row["change_date"] == date(2026, 3, 14)
    assert row["weekly_cost_change"] == Decimal("-126.00")
    assert row["outcomes"] == "1; 3"
    assert row["themes"] == "community_hub; reduced_isolation"
    assert rows["A draft"]["status"] == "Draft"
    assert rows["A draft"]["consent_level"] is None
    assert rows["Site only story"]["weekly_cost_change"] is None


def test_export_reads_the_bank_a_page_at_a_time(session, engine, bank, admin_actor):
    with counted(engine) as statements:
        rows = list(
            export_register(
                session=session, actor=admin_actor, filters=StoryFilters(sort="title"), page_size=3
            )
        )

    assert [row["title"] for row in rows] == sorted(row["title"] for row in rows)
    assert len({row["id"] for row in rows}) == 4
    pages = [s for s in statements if "FROM stories" in s and "codings" not in s]
    assert len(pages) == 2, "one query per page of three"
    assert not any("count(" in s.lower() for s in pages), "no count of the whole list"
    assert "(stories.title, stories.id) >" in pages[1], "the second page seeks past the first"
    assert not any("FROM codings" in s for s in statements), "codes from the stored code sets"


def test_a_codebook_past_the_code_set_bits_reads_codes_by_one_query_a_page(
    session, engine, bank, admin_actor, monkeypatch
):
    expected = _rows(session, admin_actor, sort="title")
    monkeypatch.setattr(exporter, "MAX_BIT", 0)  # as if some code id did not fit a bit set
    with counted(engine) as statements:
        rows = list(
            export_register(
                session=session, actor=admin_actor, filters=StoryFilters(sort="title"), page_size=3
            )
        )

    assert rows == expected
    assert any(row["outcomes"] == "1; 3" for row in rows)
    assert sum("FROM codings" in s for s in statements) == 2, "codes by one query a page"


def test_whole_bank_export_keeps_nothing_in_the_session(session, bank, admin_actor):
    before = len(session.identity_map)

    rows = list(
        export_register(session=session, actor=admin_actor, filters=StoryFilters(), page_size=2)
    )

    assert len(rows) == 4
    assert len(session.identity_map) <= before


def test_export_respects_the_filters(session, bank, admin_actor, somerset):
    titles = {r["title"] for r in _rows(session, admin_actor, site_id=somerset.id, status="draft")}

    assert titles == {"A draft"}


def test_staff_of_one_site_do_not_get_another_sites_stories(session, bank, staff_actor):
    titles = {row["title"] for row in _rows(session, staff_actor)}

    assert titles == {"Joan found the lunch club", "Site only story", "A draft"}


def test_evaluators_do_not_get_site_only_stories_or_drafts(session, bank, somerset, derby):
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset, derby])

    rows = _rows(session, actor_for(session, evaluator))
    titles = {row["title"] for row in rows}

    assert titles == {"[redacted] Joan found the lunch club", "[redacted] Derby story"}
    assert {row["author_email"] for row in rows} == {""}, "no author email leaves the site"


def test_csv_has_a_bom_the_headers_and_guards_against_formulas(
    tmp_path, session, bank, admin_actor
):
    path = tmp_path / "register.csv"

    count = write_csv(_rows(session, admin_actor, sort="title"), path)

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert count == 4 and len(table) == 5
    assert table[0] == [c.header for c in EXPORTED]
    assert table[0][0] == "reference"
    joan = next(dict(zip(table[0], row, strict=True)) for row in table if "Joan" in row[6])
    assert joan["reference"] == bank["shared"].reference
    assert joan["what happened"].startswith("'=HYPERLINK")
    assert joan["weekly cost change"] == "-126.00"
    assert joan["date of change"] == "2026-03-14"


def test_xlsx_has_a_formatted_register_sheet_and_a_codebook_sheet(
    tmp_path, session, bank, admin_actor
):
    path = tmp_path / "register.xlsx"
    codes = exporter.codebook_for_export(session=session)

    count = write_xlsx(_rows(session, admin_actor, sort="title"), path, codes=codes)

    book = load_workbook(path)
    assert book.sheetnames == ["Story register", "Codebook"]
    sheet = book["Story register"]
    headers = [cell.value for cell in sheet[1]]
    assert count == 4 and sheet.max_row == 5
    assert headers == [c.header for c in EXPORTED]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(EXPORTED))}{count + 1}"
    letter = get_column_letter(headers.index("what happened") + 1)
    assert sheet.column_dimensions[letter].width == 60
    row = next(r for r in sheet.iter_rows(min_row=2) if r[6].value.startswith("Joan"))
    joan = dict(zip(headers, row, strict=True))
    assert joan["title"].value == "Joan found the lunch club"
    assert joan["what happened"].data_type == "s"  # text, never a formula
    assert joan["what happened"].alignment.wrap_text
    assert joan["date of change"].value == datetime(2026, 3, 14)
    assert joan["date of change"].is_date
    assert joan["weekly cost before"].value == 300
    assert "£" in joan["weekly cost before"].number_format
    assert isinstance(joan["submitted at"].value, datetime | type(None))
    codebook = book["Codebook"]
    assert [c.value for c in codebook[1]] == ["key", "kind", "number", "label", "description"]
    keys = [row[0].value for row in codebook.iter_rows(min_row=2)]
    assert keys[:2] == ["outcome_1", "outcome_2"] and "community_hub" in keys
    assert len(keys) == 26


def test_export_to_folder_writes_dated_files_and_audits_the_export(
    tmp_path, session, bank, admin_actor
):
    written = exporter.export_to_folder(
        session=session,
        actor=admin_actor,
        filters=StoryFilters(),
        formats=["csv", "xlsx"],
        folder=tmp_path / "out",
        day=date(2026, 4, 1),
    )

    assert written == [
        (tmp_path / "out" / "story-register-20260401.csv", 4),
        (tmp_path / "out" / "story-register-20260401.xlsx", 4),
    ]
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "register.export")).all()
    assert sorted(e.entity_id for e in events) == ["csv", "xlsx"]


COMPARED = (
    "reference",
    *STORY_FIELD_NAMES,
    "consent_level",
    "status",
    "submitted_at",
    "withdrawn_at",
)


def _snapshot(session: Session) -> list[tuple]:
    """Every story as compared across databases: its values, site, author and codes."""
    session.expire_all()
    stories = session.exec(select(Story).order_by(col(Story.title))).all()
    emails = dict(session.exec(select(User.id, User.email)).all())
    sites = dict(session.exec(select(Unit.id, Unit.name)).all())
    codes = {
        story.id: sorted(
            session.exec(
                select(Code.key)
                .join(Coding, col(Coding.code_id) == Code.id)
                .where(Coding.story_id == story.id)
                .distinct()
            ).all()
        )
        for story in stories
    }
    return [
        (
            *(getattr(s, name) for name in COMPARED),
            sites[s.site_id],
            emails[s.author_id],
            codes[s.id],
        )
        for s in stories
    ]


def _copy_people(source: Session, fresh: Session) -> None:
    """The same sites and accounts (emails, grants by unit name) in a fresh database."""
    parents = {u.id: u.name for u in source.exec(select(Unit)).all()}
    for site in source.exec(select(Unit).where(Unit.level == "site")).all():
        region = parents.get(site.parent_id, "")
        make_site(fresh, site.name, region="" if region == "Programme" else region)
    fresh_units = {u.name: u for u in fresh.exec(select(Unit)).all()}
    for user in source.exec(select(User)).all():
        held = source.exec(
            select(Grant.role, Unit.name)
            .join(Unit, col(Unit.id) == Grant.unit_id)
            .where(Grant.user_id == user.id)
        ).all()
        make_user(
            fresh,
            grants=[(role, fresh_units[name]) for role, name in held],
            email=user.email,
            name=user.display_name,
        )


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_an_export_of_every_site_imports_again_into_an_empty_database_as_it_was(
    format, tmp_path, db_factory, session, bank, admin, derby
):
    make_story(
        session,
        site=derby,
        author=bank["other"],
        title="A withdrawn story",
        status="withdrawn",
        submitted_at=SUBMITTED,
        withdrawn_at=datetime(2026, 5, 2, 16, 45, 30, tzinfo=UTC),
    )
    path = tmp_path / f"register.{format}"
    rows = _rows(session, actor_for(session, admin), sort="title")
    (write_csv if format == "csv" else write_xlsx)(rows, path)
    expected = _snapshot(session)
    assert {row[COMPARED.index("status")] for row in expected} == {
        "submitted",
        "draft",
        "withdrawn",
    }

    url = db_factory.new_url()
    fresh_engine = make_engine(url)
    try:
        with Session(fresh_engine, expire_on_commit=False) as fresh:
            _copy_people(session, fresh)
            importer = fresh.exec(select(User).where(User.email == admin.email)).one()
            report = import_stories(
                session=fresh,
                actor=actor_for(fresh, importer),
                filename=path.name,
                content=path.read_bytes(),
            )
            assert (report.problems, report.matches, report.notes) == ([], [], [])
            assert report.ignored_columns == ["id", "region", "author", "weekly cost change"]
            assert len(report.created_story_ids) == 5
            assert _snapshot(fresh) == expected
    finally:
        fresh_engine.dispose()
        db_factory.drop(url)


def test_a_story_being_blind_double_coded_is_exported_without_codes_until_final(
    session, somerset, staff, admin
):
    from storybank.models import ReviewAssignment

    first = make_user(session, roles=["reviewer"], sites=[somerset], name="Rae One")
    second = make_user(session, roles=["reviewer"], sites=[somerset], name="Ray Two")
    story = make_story(session, site=somerset, author=staff, submitted_at=SUBMITTED)
    for position, reviewer in enumerate((first, second), start=1):
        session.add(
            ReviewAssignment(
                story_id=story.id,
                reviewer_id=reviewer.id,
                position=position,
                assigned_by_id=admin.id,
                finished_at=SUBMITTED if position == 1 else None,
            )
        )
    _coded(session, story, first, "outcome_3", "community_hub")

    (row,) = [r for r in _rows(session, actor_for(session, admin)) if r["id"] == story.id]

    assert (row["outcomes"], row["themes"]) == ("", "")
    second_assignment = session.exec(
        select(ReviewAssignment).where(ReviewAssignment.reviewer_id == second.id)
    ).one()
    second_assignment.finished_at = SUBMITTED
    session.add(second_assignment)
    _coded(session, story, second, "outcome_3", "community_hub")

    (row,) = [r for r in _rows(session, actor_for(session, admin)) if r["id"] == story.id]

    assert (row["outcomes"], row["themes"]) == ("3", "community_hub")
