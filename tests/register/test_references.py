"""Story references in the register: re-imports match, skip or update; whose authors and times."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from storybank.models import AuditEvent, Story
from storybank.register.exporter import export_register, write_csv
from storybank.register.importer import ImportRejected, check_import, import_stories
from storybank.stories import StoryFilters
from tests.builders import actor_for, make_story, make_user
from tests.register.files import HEADERS, good_row, write_csv_file

WITH_HISTORY = ["reference", *HEADERS, "submitted_at", "withdrawn_at"]
EARLIER = datetime(2026, 4, 1, 9, 30, 15, tzinfo=UTC)


def _count(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Story)).one()


def _file(tmp_path, rows, headers=WITH_HISTORY) -> bytes:
    return write_csv_file(tmp_path / "s.csv", rows, headers=headers)


def _check(session, actor, content, **kwargs):
    return check_import(session=session, actor=actor, filename="s.csv", content=content, **kwargs)


def _import(session, actor, content, **kwargs):
    return import_stories(session=session, actor=actor, filename="s.csv", content=content, **kwargs)


@pytest.fixture
def story(session, somerset, staff):
    """A submitted Somerset story already in the bank."""
    return make_story(session, site=somerset, author=staff, title="Kept title")


def test_every_new_story_gets_its_own_reference(session, somerset, staff, client, headers):
    created = client.post(
        "/api/v1/stories", json={"site_id": somerset.id, "title": "A draft"}, headers=headers
    )

    assert created.status_code == 201, created.text
    reference = created.json()["reference"]
    assert str(uuid.UUID(reference)) == reference
    other = make_story(session, site=somerset, author=staff)
    assert other.reference not in (None, reference)


def test_a_row_matching_a_story_is_listed_in_the_dry_run_and_skipped(
    tmp_path, session, story, staff_actor
):
    content = _file(tmp_path, [good_row("Somerset", reference=story.reference, title="New")])

    checked = _check(session, staff_actor, content)
    report = _import(session, staff_actor, content)

    for found in (checked, report):
        assert found.problems == []
        assert [(m.row, m.story_id, m.action) for m in found.matches] == [(2, story.id, "skip")]
        assert found.matches[0].message.startswith(f"Matches story {story.id}; skipped")
    assert (report.created_story_ids, report.updated_story_ids) == ([], [])
    assert _count(session) == 1
    session.refresh(story)
    assert (story.title, story.version) == ("Kept title", 1)


def test_with_update_a_matching_row_rewrites_the_storys_fields_and_is_audited(
    tmp_path, session, story, staff_actor
):
    row = good_row("Somerset", reference=story.reference, title="New title", before_cls="")
    content = _file(tmp_path, [row])

    checked = _check(session, staff_actor, content, update=True)
    report = _import(session, staff_actor, content, update=True)

    assert checked.matches[0].action == "update"
    assert "updates before_cls" in checked.matches[0].message
    assert report.updated_story_ids == [story.id] and report.created_story_ids == []
    session.refresh(story)
    assert (story.title, story.before_cls, story.version) == ("New title", "", 2)
    assert (story.status, story.author_id) == ("submitted", staff_actor.id)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "story.import_update")).one()
    assert event.entity_id == str(story.id) and "title" in event.details["fields"]


def test_update_that_would_empty_a_submitted_storys_required_field_is_a_bad_row(
    tmp_path, session, story, staff_actor
):
    content = _file(tmp_path, [good_row("Somerset", reference=story.reference, title="")])

    with pytest.raises(ImportRejected) as rejected:
        _import(session, staff_actor, content, update=True)

    assert rejected.value.report is not None
    assert {(p.row, p.column) for p in rejected.value.report.problems} == {(2, "title")}
    session.refresh(story)
    assert story.title == "Kept title"


def test_update_cannot_move_a_story_to_another_site(tmp_path, session, story, derby, admin_actor):
    content = _file(tmp_path, [good_row("Derby", reference=story.reference)])

    report = _check(session, admin_actor, content, update=True)

    assert [(p.row, p.column) for p in report.problems] == [(2, "site")]
    assert "belongs to Somerset" in report.problems[0].message


def test_a_reference_of_a_story_the_importer_may_not_change_is_a_bad_row(
    tmp_path, session, story, derby
):
    outsider = make_user(session, roles=["staff"], sites=[derby])
    content = _file(tmp_path, [good_row("Derby", reference=story.reference)])

    for update in (False, True):
        report = _check(session, actor_for(session, outsider), content, update=update)
        assert [(p.column, p.message) for p in report.problems] == [
            ("reference", "This reference belongs to a story you may not change.")
        ]
        assert report.matches == []


def test_a_reference_matching_no_story_creates_a_story_with_it(
    tmp_path, session, somerset, staff_actor
):
    reference = str(uuid.uuid4())
    content = _file(tmp_path, [good_row("Somerset", reference=reference.upper())])

    report = _import(session, staff_actor, content)

    assert session.get(Story, report.created_story_ids[0]).reference == reference


def test_a_bad_or_repeated_reference_is_a_problem(tmp_path, session, somerset, staff_actor):
    twice = str(uuid.uuid4())
    rows = [
        good_row("Somerset", reference="story-1"),
        good_row("Somerset", reference=twice),
        good_row("Somerset", reference=twice),
    ]

    report = _check(session, staff_actor, _file(tmp_path, rows))

    messages = {(p.row, p.column): p.message for p in report.problems}
    assert set(messages) == {(2, "reference"), (4, "reference")}
    assert "'story-1' is not a story reference" in messages[(2, "reference")]
    assert messages[(4, "reference")] == "Row 3 has the same reference."


def test_an_admin_import_keeps_the_files_authors_and_times(
    tmp_path, session, somerset, staff, admin_actor
):
    rows = [
        good_row("Somerset", author_email=staff.email, submitted_at="2026-04-01 09:30:15"),
        good_row(
            "Somerset",
            status="withdrawn",
            submitted_at="01/04/2026 09:30:15",
            withdrawn_at="2026-05-02T17:45:30+01:00",
        ),
    ]

    report = _import(session, admin_actor, _file(tmp_path, rows))

    assert report.notes == []
    first, second = (session.get(Story, i) for i in report.created_story_ids)
    assert (first.author_id, first.submitted_at) == (staff.id, EARLIER)
    assert (second.author_id, second.status, second.submitted_at) == (
        admin_actor.id,
        "withdrawn",
        EARLIER,
    )
    assert second.withdrawn_at == datetime(2026, 5, 2, 16, 45, 30, tzinfo=UTC)


def test_times_that_do_not_fit_the_status_or_lie_ahead_are_problems(
    tmp_path, session, somerset, admin_actor
):
    ahead = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
    rows = [
        good_row("Somerset", status="draft", submitted_at="2026-04-01 09:30"),
        good_row("Somerset", withdrawn_at="2026-04-01 09:30"),
        good_row("Somerset", submitted_at=ahead),
        good_row("Somerset", submitted_at="last Tuesday"),
    ]

    report = _check(session, admin_actor, _file(tmp_path, rows))

    assert {(p.row, p.column) for p in report.problems} == {
        (2, "submitted_at"),
        (3, "withdrawn_at"),
        (4, "submitted_at"),
        (5, "submitted_at"),
    }


def test_anyone_else_becomes_the_author_at_the_time_of_import_and_the_dry_run_says_so(
    tmp_path, session, somerset, staff_actor
):
    colleague = make_user(session, roles=["staff"], sites=[somerset])
    rows = [
        good_row("Somerset", author_email=colleague.email, submitted_at="2026-04-01 09:30"),
        good_row("Somerset", status="withdrawn", withdrawn_at="2026-04-02 10:00"),
    ]
    content = _file(tmp_path, rows)
    before = datetime.now(UTC)

    checked = _check(session, staff_actor, content)
    report = _import(session, staff_actor, content)

    assert checked.problems == []
    assert len(checked.notes) == 1 and checked.notes[0].startswith("Only an admin's import keeps")
    first, second = (session.get(Story, i) for i in report.created_story_ids)
    assert first.author_id == second.author_id == staff_actor.id
    assert first.submitted_at >= before and second.withdrawn_at >= before


def test_reimporting_an_export_into_the_same_bank_adds_no_duplicates(
    tmp_path, session, story, somerset, staff, admin_actor
):
    make_story(session, site=somerset, author=staff, status="draft", consent_level=None)
    before = session.exec(select(Story.id, Story.reference, Story.version)).all()
    path = tmp_path / "register.csv"
    write_csv(export_register(session=session, actor=admin_actor, filters=StoryFilters()), path)

    report = _import(session, admin_actor, path.read_bytes())

    assert report.problems == [] and report.created_story_ids == []
    assert sorted(m.action for m in report.matches) == ["skip", "skip"]
    session.expire_all()
    assert sorted(session.exec(select(Story.id, Story.reference, Story.version)).all()) == sorted(
        before
    )
