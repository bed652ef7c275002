"""Importing the story register: every bad row reported, all rows written or none."""

from __future__ import annotations

import csv
import logging
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select

from storybank.config import Settings
from storybank.errors import Forbidden, InvalidInput, TooLarge, UnsupportedFile
from storybank.models import AuditChange, AuditEvent, Code, Coding, Story
from storybank.register import importer
from storybank.register.importer import ImportRejected, check_import, import_stories, parse_rows
from tests.builders import actor_for, make_user
from tests.register.files import HEADERS, good_row, write_csv_file, write_xlsx_file


def _count(session, model=Story) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def _problems(report) -> set[tuple[int, str]]:
    return {(p.row, p.column) for p in report.problems}


def _check(session, actor, name, content, **kwargs):
    return check_import(session=session, actor=actor, filename=name, content=content, **kwargs)


def _import(session, actor, name, content, **kwargs):
    return import_stories(session=session, actor=actor, filename=name, content=content, **kwargs)


def test_csv_with_good_rows_imports_stories_consent_codings_and_audit_events(
    tmp_path, session, somerset, staff, staff_actor
):
    rows = [good_row("Somerset", title=f"Story {n}") for n in range(3)]
    rows[2].update(status="draft", consent_level="", outcomes="", themes="", why_significant="")
    content = write_csv_file(tmp_path / "stories.csv", rows, bom=True)

    report = _import(session, staff_actor, "stories.csv", content)

    assert (report.rows, report.good_rows, report.problems) == (3, 3, [])
    assert len(report.created_story_ids) == 3
    session.expire_all()
    stories = session.exec(select(Story).order_by(col(Story.id))).all()
    first = stories[0]
    assert (first.site_id, first.author_id, first.status) == (somerset.id, staff.id, "submitted")
    assert first.contact_route == "hub_walk_in"
    assert first.community_solutions == ["lunch club", "walking group"]
    assert first.change_date == date(2026, 3, 14)
    assert first.weekly_cost_before == Decimal("1126.50")
    assert first.weekly_cost_after == Decimal("1000.00")
    assert first.consent_level == "programme_anonymised"
    assert first.consent_recorded_by_id == staff.id and first.consent_recorded_at is not None
    assert first.submitted_at is not None
    draft = stories[2]
    assert (draft.status, draft.consent_level, draft.submitted_at) == ("draft", None, None)
    codings = session.exec(
        select(Code.key, Coding.coder_id, Coding.source)
        .join(Code, col(Code.id) == Coding.code_id)
        .where(Coding.story_id == first.id)
    ).all()
    assert sorted(codings) == [
        ("community_hub", staff.id, "manual"),
        ("outcome_1", staff.id, "manual"),
        ("outcome_3", staff.id, "manual"),
        ("reduced_isolation", staff.id, "manual"),
    ]
    actions = session.exec(select(AuditEvent.action, AuditEvent.entity_id)).all()
    assert sorted(a for a, _ in actions if a.startswith(("story.", "register."))) == [
        "register.import",
        "story.import",
        "story.import",
        "story.import",
    ]
    details = " ".join(str(e.details) for e in session.exec(select(AuditEvent)).all())
    assert "lunch club" not in details, "audit details must hold no story text"


def test_xlsx_with_good_rows_imports_date_cells_and_number_cells(
    tmp_path, session, somerset, staff_actor
):
    rows = [
        good_row("somerset", change_date=datetime(2025, 11, 2), weekly_cost_before=250.5),
        good_row("SOMERSET", change_date=date(2025, 12, 1), outcomes=2, themes="wellbeing"),
    ]
    content = write_xlsx_file(tmp_path / "stories.xlsx", rows)

    report = _import(session, staff_actor, "stories.xlsx", content)

    assert (report.format, report.good_rows, report.problems) == ("xlsx", 2, [])
    session.expire_all()
    stories = session.exec(select(Story).order_by(col(Story.id))).all()
    assert [s.change_date for s in stories] == [date(2025, 11, 2), date(2025, 12, 1)]
    assert stories[0].weekly_cost_before == Decimal("250.50")
    assert _count(session, Coding) == 4 + 2


def test_dry_run_lists_every_bad_row_with_row_column_and_message_and_writes_nothing(
    tmp_path, session, somerset, staff_actor
):
    rows = [
        good_row("Somerset"),
        good_row("Somerset", change_date="31/02/2026", perspective="martian"),
        good_row("Somerset"),
        good_row("Somerset", title="x" * 201, weekly_cost_after="lots"),
        good_row("Somerset", status="submitted", consent_level="", what_changed=""),
    ]
    content = write_csv_file(tmp_path / "stories.csv", rows)

    report = _check(session, staff_actor, "stories.csv", content)

    assert (report.rows, report.good_rows, report.bad_rows) == (5, 2, 3)
    assert _problems(report) == {
        (3, "change_date"),
        (3, "perspective"),
        (5, "title"),
        (5, "weekly_cost_after"),
        (6, "consent_level"),
        (6, "what_changed"),
    }
    messages = {(p.row, p.column): p.message for p in report.problems}
    assert "YYYY-MM-DD or DD/MM/YYYY" in messages[(3, "change_date")]
    assert "hub_walk_in" not in messages[(3, "perspective")]
    assert "individual" in messages[(3, "perspective")]
    assert "200 characters" in messages[(5, "title")]
    assert "consent" in messages[(6, "consent_level")].lower()
    assert _count(session) == 0


def test_real_import_with_some_bad_rows_writes_nothing_and_lists_every_problem(
    tmp_path, session, somerset, staff_actor
):
    rows = [good_row("Somerset"), good_row("Somerset", change_date="soon"), good_row("Somerset")]
    content = write_csv_file(tmp_path / "stories.csv", rows)
    before = (_count(session), _count(session, Coding), _count(session, AuditEvent))

    with pytest.raises(ImportRejected) as caught:
        _import(session, staff_actor, "stories.csv", content)

    assert [(p.field, p.message[:10]) for p in caught.value.problems] == [
        ("row 3: change_date", "'soon' is ")
    ]
    assert isinstance(caught.value, InvalidInput) and caught.value.status == 422
    after = (_count(session), _count(session, Coding), _count(session, AuditEvent))
    assert after == before


def test_unknown_column_is_a_problem_naming_the_column(tmp_path, session, somerset, staff_actor):
    headers = [*HEADERS, "Favourite colour"]
    row = good_row("Somerset", **{"Favourite colour": "blue"})
    content = write_csv_file(tmp_path / "stories.csv", [row], headers=headers)

    report = _check(session, staff_actor, "stories.csv", content)

    assert [(p.row, p.column) for p in report.problems] == [(1, "Favourite colour")]
    assert report.problems[0].message.startswith("Unknown column.")
    assert report.good_rows == 1
    with pytest.raises(ImportRejected):
        _import(session, staff_actor, "stories.csv", content)
    assert _count(session) == 0


def test_headers_match_whatever_the_case_spaces_hyphens_or_underscores(
    tmp_path, session, somerset, staff_actor
):
    headers = [h.upper().replace("_", " ") for h in HEADERS]
    headers[headers.index("CHANGE DATE")] = "Change-Date"
    values = good_row("Somerset")
    row = {new: values.get(old) for old, new in zip(HEADERS, headers, strict=True)}
    content = write_csv_file(tmp_path / "stories.csv", [row], headers=headers)

    report = _check(session, staff_actor, "stories.csv", content)

    assert report.problems == [] and report.good_rows == 1


def test_future_change_date_is_a_problem(tmp_path, session, somerset, staff_actor):
    tomorrow = (date.today() + timedelta(days=1)).strftime("%d/%m/%Y")
    content = write_csv_file(tmp_path / "s.csv", [good_row("Somerset", change_date=tomorrow)])

    report = _check(session, staff_actor, "s.csv", content)

    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (2, "change_date", "The date of the change cannot be in the future.")
    ]


def test_site_the_importer_may_not_write_to_is_a_problem(
    tmp_path, session, somerset, derby, staff_actor
):
    rows = [good_row("Somerset"), good_row("Derby"), good_row("Atlantis")]
    content = write_csv_file(tmp_path / "s.csv", rows)

    report = _check(session, staff_actor, "s.csv", content)

    messages = {(p.row, p.column): p.message for p in report.problems}
    assert set(messages) == {(3, "site"), (4, "site")}
    assert messages[(3, "site")].startswith("Derby: You can only write stories for your own sites")
    assert "no site called 'Atlantis'" in messages[(4, "site")]
    assert report.good_rows == 1


def test_author_email_must_hold_the_staff_role_for_the_site(
    tmp_path, session, somerset, derby, staff_actor, admin_actor
):
    colleague = make_user(session, roles=["staff"], sites=[somerset], email="kim@example.org")
    make_user(session, roles=["evaluator"], sites=[somerset], email="eve@example.org")
    make_user(session, roles=["staff"], sites=[derby], email="dev@example.org")
    rows = [
        good_row("Somerset", author_email="KIM@example.org"),
        good_row("Somerset", author_email="eve@example.org"),
        good_row("Somerset", author_email="dev@example.org"),
        good_row("Somerset", author_email="nobody@example.org"),
    ]
    content = write_csv_file(tmp_path / "s.csv", rows)

    report = _check(session, admin_actor, "s.csv", content)

    assert _problems(report) == {(3, "author_email"), (4, "author_email"), (5, "author_email")}
    assert "does not hold the staff role for Somerset" in report.problems[0].message
    report = _import(session, admin_actor, "s.csv", write_csv_file(tmp_path / "a.csv", rows[:1]))
    story = session.get(Story, report.created_story_ids[0])
    assert story.author_id == colleague.id
    assert story.consent_recorded_by_id == admin_actor.id


def test_unknown_outcome_numbers_and_theme_keys_are_problems(
    tmp_path, session, somerset, staff_actor
):
    rows = [
        good_row("Somerset", outcomes="1; 7"),
        good_row("Somerset", themes="community_hub; flying_cars"),
        good_row("Somerset", outcomes="two"),
    ]
    content = write_csv_file(tmp_path / "s.csv", rows)

    report = _check(session, staff_actor, "s.csv", content)

    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (2, "outcomes", "'7' is not a CLS outcome number (1 to 6)."),
        (3, "themes", "'flying_cars' is not a theme key of the codebook."),
        (4, "outcomes", "'two' is not a CLS outcome number (1 to 6)."),
    ]


def test_choices_accept_stored_values_or_labels_in_any_case(
    tmp_path, session, somerset, staff_actor
):
    row = good_row(
        "Somerset",
        perspective="A FAMILY MEMBER OR CARER",
        contact_route="gp_health",
        story_type="Learning story (something did not go well)",
        consent_level="Site only: the text stays within the site",
        status="Submitted",
    )
    content = write_csv_file(tmp_path / "s.csv", [row])

    report = _import(session, staff_actor, "s.csv", content)

    story = session.get(Story, report.created_story_ids[0])
    assert (story.perspective, story.contact_route, story.story_type) == (
        "family_carer",
        "gp_health",
        "learning",
    )
    assert (story.consent_level, story.status) == ("site_only", "submitted")


def test_a_withdrawn_row_imports_as_a_withdrawn_story(tmp_path, session, somerset, staff_actor):
    row = good_row("Somerset", status="withdrawn", what_changed="", consent_level="")
    content = write_csv_file(tmp_path / "s.csv", [row])

    report = _import(session, staff_actor, "s.csv", content)

    story = session.get(Story, report.created_story_ids[0])
    assert (story.status, story.what_changed, story.consent_level) == ("withdrawn", "", None)
    assert story.withdrawn_at is not None and story.submitted_at is None


def test_row_numbers_are_spreadsheet_rows_across_blank_rows_and_multiline_cells(
    tmp_path, session, somerset, staff_actor
):
    rows = [
        good_row("Somerset", what_happened="Line one\nline two\nline three"),
        {},
        good_row("Somerset", change_date="never"),
    ]
    content = write_csv_file(tmp_path / "s.csv", rows)

    report = _check(session, staff_actor, "s.csv", content)

    assert (report.rows, _problems(report)) == (2, {(4, "change_date")})


def test_community_solutions_split_on_semicolons_and_new_lines(
    tmp_path, session, somerset, staff_actor
):
    row = good_row("Somerset", community_solutions="befriending;\nlunch club\n\nmen's shed")
    content = write_csv_file(tmp_path / "s.csv", [row])

    report = _import(session, staff_actor, "s.csv", content)

    story = session.get(Story, report.created_story_ids[0])
    assert story.community_solutions == ["befriending", "lunch club", "men's shed"]


def test_missing_site_column_and_header_only_file_are_problems(tmp_path, session, staff_actor):
    no_site = write_csv_file(tmp_path / "a.csv", [{"title": "x"}], headers=["title"])
    empty = write_csv_file(tmp_path / "b.csv", [])

    assert _problems(_check(session, staff_actor, "a.csv", no_site)) == {(1, "site")}
    assert _problems(_check(session, staff_actor, "b.csv", empty)) == {(2, "")}


def test_more_rows_than_the_limit_is_too_large(tmp_path, session, somerset, staff_actor):
    settings = Settings(environment="test", max_import_rows=2)
    content = write_csv_file(tmp_path / "s.csv", [good_row("Somerset")] * 3)

    with pytest.raises(TooLarge, match="more than 2 stories"):
        _check(session, staff_actor, "s.csv", content, settings=settings)
    settings.max_import_rows = 3
    assert _check(session, staff_actor, "s.csv", content, settings=settings).good_rows == 3


def test_file_over_the_byte_limit_is_too_large(tmp_path, session, somerset, staff_actor):
    settings = Settings(environment="test", max_import_bytes=100)
    content = write_csv_file(tmp_path / "s.csv", [good_row("Somerset")])

    with pytest.raises(TooLarge):
        _import(session, staff_actor, "s.csv", content, settings=settings)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("stories.pdf", b"%PDF-1.4 not a register"),
        ("stories.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel"),
        ("stories.xlsx", b"site,title\nSomerset,x\n"),
        ("stories.csv", "site,title\nSomerset,caf\xe9\n".encode("latin-1")),
    ],
)
def test_files_that_are_not_csv_utf8_or_xlsx_are_unsupported(name, content, session, staff_actor):
    with pytest.raises(UnsupportedFile) as caught:
        _check(session, staff_actor, name, content)
    assert caught.value.status == 415


def test_empty_file_is_invalid(session, staff_actor):
    with pytest.raises(InvalidInput, match="empty"):
        _check(session, staff_actor, "stories.csv", b"\n\n")


def test_parse_rows_reads_xlsx_content_whatever_the_file_is_called(tmp_path):
    content = write_xlsx_file(tmp_path / "s.xlsx", [good_row("Somerset")])

    sheet = parse_rows("upload", content)

    assert sheet.format == "xlsx"
    assert sheet.headers == HEADERS
    assert [row.number for row in sheet.rows] == [2]


def test_people_without_the_staff_role_cannot_import(tmp_path, session, somerset):
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset])
    content = write_csv_file(tmp_path / "s.csv", [good_row("Somerset")])

    with pytest.raises(Forbidden):
        _check(session, actor_for(session, evaluator), "s.csv", content)


def test_database_failure_half_way_writes_nothing(
    tmp_path, session, somerset, staff_actor, monkeypatch
):
    content = write_csv_file(tmp_path / "s.csv", [good_row("Somerset")] * 5)
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    real_new_story = importer._new_story
    made = []

    def failing_new_story(actor, plan, now):
        made.append(plan.row)
        story = real_new_story(actor, plan, now)
        if len(made) == 4:
            story["author_id"] = 999_999  # no such user: the database refuses the second batch
        return story

    monkeypatch.setattr(importer, "_new_story", failing_new_story)
    events_before = _count(session, AuditEvent)
    with pytest.raises(IntegrityError):
        _import(session, staff_actor, "s.csv", content)

    assert made == [2, 3, 4, 5]
    counts = (_count(session), _count(session, Coding), _count(session, AuditChange))
    assert counts == (0, 0, 0)
    assert _count(session, AuditEvent) == events_before


def test_progress_is_reported_after_each_batch(
    tmp_path, session, somerset, staff_actor, monkeypatch
):
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    content = write_csv_file(tmp_path / "s.csv", [good_row("Somerset")] * 5)
    seen = []

    _import(session, staff_actor, "s.csv", content, progress=lambda d, t: seen.append((d, t)))

    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert _count(session) == 5


def test_story_text_is_never_logged(tmp_path, session, somerset, staff_actor, caplog):
    content = write_csv_file(tmp_path / "s.csv", [good_row("Somerset", title="Secret Joan")])

    with caplog.at_level(logging.DEBUG):
        _import(session, staff_actor, "s.csv", content)

    assert "Secret Joan" not in caplog.text
    assert "lunch club" not in caplog.text


def test_a_column_with_values_but_no_header_is_a_problem_and_empty_ones_are_not(
    tmp_path, session, somerset, staff_actor
):
    rows = [
        ["site", "title", "", "status", ""],
        ["Somerset", "A draft", "stray note", "draft", ""],
        ["Somerset", "Another", "", "draft", ""],
    ]
    path = tmp_path / "s.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(rows)

    report = _check(session, staff_actor, "s.csv", path.read_bytes())

    assert [(p.row, p.column) for p in report.problems] == [(1, "column C")]
    assert report.good_rows == 2
