"""The codebook as a REFI-QDA .qdc file and back: valid against the XSD, stable GUIDs, a
round trip into a fresh bank, and every bad file refused with a message naming why."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from storybank.codebook import list_codes
from storybank.codebook_admin import CodeEdit, ThemeCreate, add_theme, update_code
from storybank.db import make_engine
from storybank.errors import Conflict, Forbidden, InvalidInput, TooLarge
from storybank.exchange.guids import code_guid
from storybank.exchange.qdc_reading import MAX_QDC_BYTES, key_from_name
from storybank.exchange.refi_codebook import export_codebook_qdc, import_codebook_qdc
from storybank.exchange.schemas import CODEBOOK_NS, read_xml, validation_problems
from storybank.models import AuditEvent, Code
from tests.builders import actor_for, make_user

NS = {"q": CODEBOOK_NS}


@pytest.fixture
def admin(session):
    return actor_for(session, make_user(session, roles=["admin"]))


@pytest.fixture
def fresh_session(db_factory) -> Iterator[Session]:
    """A second, fresh bank (migrated, with the shipped codebook), on the same backend."""
    url = db_factory.new_url()
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()
    db_factory.drop(url)


def _qdc(codes: str, sets: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="{CODEBOOK_NS}" origin="test">'
        f"<Codes>{codes}</Codes>{sets}</CodeBook>"
    ).encode()


def _code(name: str, guid: str, description: str = "", inner: str = "", codable="true") -> str:
    return (
        f'<Code guid="{guid}" name="{name}" isCodable="{codable}">'
        f"<Description>{description}</Description>{inner}</Code>"
    )


def test_the_export_is_valid_against_the_codebook_xsd_with_every_code(session, admin):
    update_code(session=session, actor=admin, key="community_hub", data=CodeEdit(active=False))
    data = export_codebook_qdc(session=session, actor=admin)

    root = read_xml(data)
    assert validation_problems(root, CODEBOOK_NS) == []
    codes = session.exec(select(Code)).all()
    exported = root.findall(".//q:Code", NS)
    assert len(exported) == len(codes) == 26
    by_guid = {element.get("guid"): element for element in exported}
    hub = by_guid[code_guid("community_hub")]
    assert hub.get("isCodable") == "false"  # retired: kept, but no longer codable
    assert "storybank key: community_hub" in hub.findtext("q:Description", namespaces=NS)


def test_themes_sit_under_their_outcome_and_sets_name_the_kinds(session, admin):
    root = read_xml(export_codebook_qdc(session=session, actor=admin))

    tops = root.findall("q:Codes/q:Code", NS)
    assert [t.get("name") for t in tops][:6] == [
        c.label for c in list_codes(session=session) if c.kind == "outcome"
    ]
    outcome_1 = tops[0]
    children = {c.get("guid") for c in outcome_1.findall("q:Code", NS)}
    parented = session.exec(select(Code.key).where(Code.parent_id == 1)).all()
    assert children == {code_guid(key) for key in parented} and children
    sets = {s.get("name"): s for s in root.findall("q:Sets/q:Set", NS)}
    assert len(sets["CLS outcomes"].findall("q:MemberCode", NS)) == 6
    assert len(sets["Themes"].findall("q:MemberCode", NS)) == 20


def test_exporting_twice_gives_the_same_guids(session, admin):
    first = read_xml(export_codebook_qdc(session=session, actor=admin))
    second = read_xml(export_codebook_qdc(session=session, actor=admin))
    guids = [[c.get("guid") for c in r.iter(f"{{{CODEBOOK_NS}}}Code")] for r in (first, second)]
    assert guids[0] == guids[1]
    assert guids[0][0] == code_guid("outcome_1")


def test_a_round_trip_into_a_fresh_bank_gives_the_same_codes(session, admin, fresh_session):
    add_theme(
        session=session,
        actor=admin,
        data=ThemeCreate(
            key="digital_inclusion",
            label="Getting online",
            description="Using a tablet or phone to keep in touch.",
            cue_phrases=["tablet", "video call"],
            parent_key="community_connections",
        ),
    )
    update_code(session=session, actor=admin, key="community_hub", data=CodeEdit(active=False))
    update_code(
        session=session, actor=admin, key="outcome_2", data=CodeEdit(label="Uses local options")
    )
    data = export_codebook_qdc(session=session, actor=admin)
    fresh_admin = actor_for(fresh_session, make_user(fresh_session, roles=["admin"]))

    report = import_codebook_qdc(session=fresh_session, actor=fresh_admin, content=data)

    assert report.added == ["digital_inclusion"]
    assert sorted(report.updated) == ["community_hub", "outcome_2"]
    mine = list_codes(session=session, include_inactive=True)
    theirs = list_codes(session=fresh_session, include_inactive=True)
    assert [c.model_dump(exclude={"id", "examples"}) for c in theirs] == [
        c.model_dump(exclude={"id", "examples"}) for c in mine
    ]
    actions = fresh_session.exec(select(AuditEvent.action)).all()
    assert {"code.add", "code.retire", "code.edit", "codebook.import"} <= set(actions)


def test_importing_the_same_codebook_again_changes_nothing(session, admin):
    data = export_codebook_qdc(session=session, actor=admin)
    report = import_codebook_qdc(session=session, actor=admin, content=data)
    assert report.added == [] and report.updated == [] and len(report.unchanged) == 26


def test_a_codebook_from_other_software_adds_themes_under_their_parent(session, admin):
    outcome = code_guid("outcome_1")
    child = _code("Peer support &amp; advice", "0D62985D-B147-5D01-A9B5-CAE5DCD98342", "Help.")
    data = _qdc(_code("Renamed outcome", outcome, "Wording.", inner=child))

    report = import_codebook_qdc(session=session, actor=admin, content=data)

    assert report.added == ["peer_support_advice"] and report.updated == ["outcome_1"]
    new = session.exec(select(Code).where(Code.key == "peer_support_advice")).one()
    assert new.kind == "theme" and new.parent_id == 1 and new.description == "Help."
    outcome_1 = session.get(Code, 1)
    assert outcome_1.label == "Renamed outcome" and outcome_1.cue_phrases  # cues kept


def test_keys_made_from_names_start_with_a_letter():
    assert key_from_name("Community hubs") == "community_hubs"
    assert key_from_name("1st contact") == "theme_1st_contact"
    assert key_from_name("Ab") == "theme_ab"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<CodeBook><Codes>", "not well-formed XML"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "DTD or entities"),
        (
            b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>',
            "it is a REFI-QDA project (.qde)",
        ),
        (b'<CodeBook xmlns="urn:example:other"><Codes/></CodeBook>', "'urn:example:other'"),
        (_qdc(""), "not valid against the REFI-QDA schema"),
        (_qdc('<Code guid="not-a-guid" name="x" isCodable="true"/>'), "guid"),
    ],
)
def test_bad_files_are_refused_naming_the_problem(session, admin, content, expected):
    with pytest.raises(InvalidInput) as raised:
        import_codebook_qdc(session=session, actor=admin, content=content)
    assert expected in raised.value.message
    assert raised.value.problems and raised.value.status == 422


def test_repeated_keys_are_refused_and_nothing_is_written(session, admin):
    twice = _code("A", "11111111-1111-4111-8111-111111111111", "storybank key: twice_here")
    again = _code("B", "22222222-2222-4222-8222-222222222222", "storybank key: twice_here")
    with pytest.raises(InvalidInput) as raised:
        import_codebook_qdc(session=session, actor=admin, content=_qdc(twice + again))
    assert raised.value.code == "duplicate_keys" and "'twice_here'" in raised.value.message
    assert session.exec(select(Code).where(Code.key == "twice_here")).first() is None


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (
            _code(
                "Outcome seven", "33333333-3333-4333-8333-333333333333", "storybank key: outcome_7"
            ),
            "new outcome",
        ),
        (
            _code("Community hubs", "44444444-4444-4444-8444-444444444444"),
            "would take the key 'community_hubs'",
        ),
        (
            _code("Hub", code_guid("community_hub"), "storybank key: other_key"),
            "its GUID is that of 'community_hub'",
        ),
    ],
)
def test_a_code_that_would_clash_is_a_conflict(session, admin, codes, expected):
    if "would take" in expected:
        add_theme(session=session, actor=admin, data=ThemeCreate(key="community_hubs", label="H"))
    with pytest.raises(Conflict) as raised:
        import_codebook_qdc(session=session, actor=admin, content=_qdc(codes))
    assert expected in raised.value.message and raised.value.status == 409


def test_a_rule_broken_half_way_leaves_the_codebook_as_it_was(session, admin):
    new = _code("Brand new theme", "55555555-5555-4555-8555-555555555555")
    retired_outcome = _code("Outcome 3", code_guid("outcome_3"), codable="false")
    before = [c.model_dump() for c in list_codes(session=session, include_inactive=True)]

    with pytest.raises(Conflict) as raised:
        import_codebook_qdc(session=session, actor=admin, content=_qdc(new + retired_outcome))

    assert "cannot be retired" in raised.value.message and "'Outcome 3'" in raised.value.message
    after = [c.model_dump() for c in list_codes(session=session, include_inactive=True)]
    assert after == before


def test_an_outcome_cannot_be_put_under_another_code(session, admin):
    inner = _code("Outcome 2", code_guid("outcome_2"))
    with pytest.raises(InvalidInput) as raised:
        import_codebook_qdc(
            session=session,
            actor=admin,
            content=_qdc(_code("O1", code_guid("outcome_1"), inner=inner)),
        )
    assert "cannot sit under another code" in raised.value.message


def test_a_label_too_long_names_the_code_and_field(session, admin):
    long = _code("x" * 121, "66666666-6666-4666-8666-666666666666", "storybank key: too_long")
    with pytest.raises(InvalidInput) as raised:
        import_codebook_qdc(session=session, actor=admin, content=_qdc(long))
    assert raised.value.problems[0].field.endswith(": label")


def test_an_oversized_file_is_too_large(session, admin):
    with pytest.raises(TooLarge):
        import_codebook_qdc(session=session, actor=admin, content=b" " * (MAX_QDC_BYTES + 1))


def test_only_an_admin_imports(session, somerset):
    reviewer = actor_for(session, make_user(session, roles=["reviewer"], sites=[somerset]))
    with pytest.raises(Forbidden):
        import_codebook_qdc(session=session, actor=reviewer, content=_qdc(""))
