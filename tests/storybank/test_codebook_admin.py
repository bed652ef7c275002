"""Looking after the codebook: add, edit, retire, reactivate, delete; outcomes fixed."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlmodel import select

from storybank.codebook_admin import CodeEdit, ThemeCreate, add_theme, delete_theme, update_code
from storybank.errors import Conflict, Forbidden, InvalidInput
from storybank.models import AuditEvent, Code, Coding
from tests.builders import actor_for, make_story, make_user


@pytest.fixture
def admin(session):
    return actor_for(session, make_user(session, roles=["admin"]))


def _events(session, key):
    query = select(AuditEvent.action).where(AuditEvent.entity_id == key).order_by(AuditEvent.id)
    return list(session.exec(query).all())


def test_an_admin_adds_a_theme_at_the_end_of_the_codebook(session, admin):
    data = ThemeCreate(
        key="digital_inclusion",
        label="Getting online",
        cue_phrases=["tablet", "video call", "Tablet"],
        parent_key="community_connections",
    )
    code = add_theme(session=session, actor=admin, data=data)

    assert code.kind == "theme" and code.active and code.parent_key == "community_connections"
    assert code.cue_phrases == ["tablet", "video call"]
    last = session.exec(select(Code).order_by(Code.sort_order.desc())).first()
    assert last.key == "digital_inclusion"
    assert _events(session, "digital_inclusion") == ["code.add"]


def test_a_duplicate_key_is_a_conflict_naming_it(session, admin):
    with pytest.raises(Conflict) as raised:
        add_theme(session=session, actor=admin, data=ThemeCreate(key="community_hub", label="X"))
    assert raised.value.code == "duplicate_key" and "'community_hub'" in raised.value.message


def test_a_key_must_follow_the_pattern():
    for bad in ("Community Hub", "1st", "ab", "hub-two", "x" * 65):
        with pytest.raises(ValidationError):
            ThemeCreate(key=bad, label="X")


def test_only_admins_change_the_codebook(session, somerset, staff):
    with pytest.raises(Forbidden):
        add_theme(
            session=session, actor=actor_for(session, staff), data=ThemeCreate(key="abc", label="A")
        )


def test_retiring_keeps_the_code_and_its_codings_and_reactivating_brings_it_back(
    session, admin, somerset, staff
):
    story = make_story(session, site=somerset, author=staff)
    hub = session.exec(select(Code).where(Code.key == "community_hub")).one()
    session.add(Coding(story_id=story.id, code_id=hub.id, coder_id=staff.id))
    session.commit()

    retired = update_code(
        session=session, actor=admin, key="community_hub", data=CodeEdit(active=False)
    )
    assert not retired.active
    assert session.exec(select(Coding).where(Coding.code_id == hub.id)).first() is not None
    with pytest.raises(Conflict) as raised:
        delete_theme(session=session, actor=admin, key="community_hub")
    assert raised.value.code == "code_in_use"
    back = update_code(
        session=session, actor=admin, key="community_hub", data=CodeEdit(active=True)
    )
    assert back.active
    assert _events(session, "community_hub") == ["code.retire", "code.reactivate"]


def test_an_edit_changes_only_what_was_sent_and_is_audited(session, admin):
    before = session.exec(select(Code).where(Code.key == "peer_forum")).one()
    description = before.description
    code = update_code(
        session=session, actor=admin, key="peer_forum", data=CodeEdit(label="Peer forums")
    )
    assert code.label == "Peer forums" and code.description == description
    assert _events(session, "peer_forum") == ["code.edit"]
    update_code(session=session, actor=admin, key="peer_forum", data=CodeEdit(label="Peer forums"))
    assert _events(session, "peer_forum") == ["code.edit"]  # nothing changed, nothing recorded


def test_outcomes_cannot_be_retired_deleted_or_put_under_a_code(session, admin):
    with pytest.raises(Conflict) as retired:
        update_code(session=session, actor=admin, key="outcome_3", data=CodeEdit(active=False))
    assert retired.value.code == "outcome_fixed" and "Outcome 3" in retired.value.message
    with pytest.raises(Conflict):
        delete_theme(session=session, actor=admin, key="outcome_3")
    with pytest.raises(InvalidInput):
        update_code(
            session=session, actor=admin, key="outcome_3", data=CodeEdit(parent_key="wellbeing")
        )
    assert "number" not in CodeEdit.model_fields and "kind" not in ThemeCreate.model_fields


def test_a_parent_must_exist_and_never_make_a_loop(session, admin):
    add_theme(session=session, actor=admin, data=ThemeCreate(key="walk_groups", label="Walks"))
    with pytest.raises(InvalidInput):
        update_code(session=session, actor=admin, key="walk_groups", data=CodeEdit(parent_key="no"))
    update_code(
        session=session, actor=admin, key="walk_groups", data=CodeEdit(parent_key="wellbeing")
    )
    with pytest.raises(InvalidInput) as looped:
        update_code(
            session=session, actor=admin, key="wellbeing", data=CodeEdit(parent_key="walk_groups")
        )
    assert looped.value.problems[0].field == "parent_key"


def test_an_unused_theme_can_be_deleted(session, admin):
    add_theme(session=session, actor=admin, data=ThemeCreate(key="typo_theme", label="Typo"))
    delete_theme(session=session, actor=admin, key="typo_theme")
    assert session.exec(select(Code).where(Code.key == "typo_theme")).first() is None
    assert _events(session, "typo_theme") == ["code.add", "code.delete"]
