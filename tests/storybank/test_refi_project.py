"""The stories as a REFI-QDA project (.qdpx): valid against the project XSD, the zip opens
and its counts match the story list, final codes only, evidence as selections, and an
evaluator's export carries only the de-identified text they may read."""

from __future__ import annotations

import csv
import io
import zipfile
from xml.etree.ElementTree import Element

import pytest

from storybank.exchange.guids import code_guid, guid
from storybank.exchange.project_sources import story_text
from storybank.exchange.refi_project import export_project_qdpx
from storybank.exchange.schemas import PROJECT_NS, read_xml, validation_problems
from storybank.models import (
    Coding,
    ReviewAssignment,
    StoryDeidentified,
    Suggestion,
    SuggestionState,
    utcnow,
)
from storybank.stories import StoryFilters, list_stories
from tests.builders import actor_for, make_story, make_user

NS = {"p": PROJECT_NS}


def _export(session, actor, **filters) -> tuple[zipfile.ZipFile, Element, dict[str, bytes]]:
    made = export_project_qdpx(session=session, actor=actor, filters=StoryFilters(**filters))
    archive = zipfile.ZipFile(io.BytesIO(made.file.read()))
    made.file.close()
    files = {name: archive.read(name) for name in archive.namelist()}
    return archive, read_xml(files["project.qde"]), files


def _code(session, story, key_id: int, coder) -> None:
    session.add(Coding(story_id=story.id, code_id=key_id, coder_id=coder.id))
    session.commit()


def _coded(root: Element) -> dict[str, set[str]]:
    """Each source's GUID and the code GUIDs coded on it."""
    return {
        source.get("guid"): {
            ref.get("targetGUID") for ref in source.iter(f"{{{PROJECT_NS}}}CodeRef")
        }
        for source in root.iterfind("p:Sources/p:TextSource", NS)
    }


@pytest.fixture
def people(session, somerset, derby):
    staff = make_user(session, roles=["staff"], sites=[somerset], name="Sam Staff")
    reviewer = make_user(session, roles=["reviewer"], sites=[somerset], name="Rita Reviewer")
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset], name="Eve Evaluator")
    admin = make_user(session, roles=["admin"], name="Ada Admin")
    return {"staff": staff, "reviewer": reviewer, "evaluator": evaluator, "admin": admin}


def test_the_project_is_valid_and_its_counts_match_the_story_list(session, somerset, people):
    for n in range(3):
        story = make_story(session, site=somerset, author=people["staff"], title=f"Story {n}")
        _code(session, story, 1 + n, people["reviewer"])
    make_story(session, site=somerset, author=people["staff"], status="draft")
    admin = actor_for(session, people["admin"])

    archive, root, files = _export(session, admin)

    assert archive.testzip() is None
    assert validation_problems(root, PROJECT_NS) == []
    listed = list_stories(session=session, actor=admin, filters=StoryFilters(), limit=100).total
    sources = root.findall("p:Sources/p:TextSource", NS)
    assert len(sources) == len(root.findall("p:Cases/p:Case", NS)) == listed == 4
    texts = [name for name in files if name.startswith("sources/")]
    assert sorted(texts) == sorted(f"sources/{s.get('guid')}.txt" for s in sources)
    assert len(root.findall(".//p:CodeBook//p:Code", NS)) == 26
    assert len(root.findall(".//p:Coding", NS)) == 3
    assert [v.get("name") for v in root.findall("p:Variables/p:Variable", NS)][:2] == [
        "Site",
        "Region",
    ]


def test_selections_cover_the_evidence_or_else_the_whole_story(session, somerset, people):
    story = make_story(session, site=somerset, author=people["staff"])
    _code(session, story, 1, people["reviewer"])
    _code(session, story, 2, people["reviewer"])
    phrase = "popped into the library hub"
    start = story.what_happened.index(phrase)
    evidence = {
        "field": "what_happened",
        "start": start,
        "end": start + len(phrase),
        "text": phrase,
    }
    session.add(
        Suggestion(
            story_id=story.id,
            code_id=1,
            model_version="m1",
            confidence=0.91,
            evidence=[evidence],
            state=SuggestionState.accepted,
        )
    )
    session.commit()

    _, root, files = _export(session, actor_for(session, people["admin"]))

    source = root.find("p:Sources/p:TextSource", NS)
    text = files[f"sources/{source.get('guid')}.txt"].decode("utf-8")
    spans = {
        sel.find(".//p:CodeRef", NS).get("targetGUID"): (
            int(sel.get("startPosition")),
            int(sel.get("endPosition")),
        )
        for sel in source.findall("p:PlainTextSelection", NS)
    }
    begin, end = spans[code_guid("outcome_1")]
    assert text[begin:end] == phrase
    assert spans[code_guid("outcome_2")] == (0, len(text.rstrip("\n")))
    lines = list(csv.reader(io.StringIO(files["suggestions.csv"].decode("utf-8-sig"))))
    assert lines == [
        ["story_guid", "story_reference", "code_key", "state", "confidence", "model_version"],
        [source.get("guid"), story.reference, "outcome_1", "accepted", "0.910", "m1"],
    ]


def test_only_final_codes_are_exported_never_unfinished_work(session, somerset, people):
    unfinished = make_story(session, site=somerset, author=people["staff"], title="Unfinished")
    finished = make_story(session, site=somerset, author=people["staff"], title="Finished")
    for story, done in ((unfinished, None), (finished, utcnow())):
        session.add(
            ReviewAssignment(
                story_id=story.id,
                reviewer_id=people["reviewer"].id,
                position=1,
                assigned_by_id=people["admin"].id,
                finished_at=done,
            )
        )
        _code(session, story, 3, people["reviewer"])

    _, root, _ = _export(session, actor_for(session, people["admin"]))

    coded = _coded(root)
    assert coded[guid("story", unfinished.id, unfinished.reference)] == set()
    assert coded[guid("story", finished.id, finished.reference)] == {code_guid("outcome_3")}


def test_an_evaluator_gets_only_the_deidentified_text_they_may_read(session, somerset, people):
    shared = make_story(
        session,
        site=somerset,
        author=people["staff"],
        deidentified=False,
        title="Mrs Okafor went back to the choir",
        what_happened="Mrs Okafor met the community agent at the hub.",
    )
    session.add(
        StoryDeidentified(
            story_id=shared.id,
            title="[name] went back to the choir",
            what_happened="[name] met the community agent at the hub.",
            what_changed=shared.what_changed,
            confirmed_at=utcnow(),
            confirmed_by_id=people["staff"].id,
        )
    )
    kept_in_site = make_story(
        session, site=somerset, author=people["staff"], consent_level="site_only", title="Okafor"
    )
    session.commit()
    _code(session, shared, 1, people["reviewer"])
    evaluator = actor_for(session, people["evaluator"])

    _, root, files = _export(session, evaluator)

    everything = b"".join(files.values()).decode("utf-8", "replace")
    assert "Okafor" not in everything and "[name] went back to the choir" in everything
    assert "Rita Reviewer" not in everything  # no coder is named outside the site
    assert [u.get("name") for u in root.findall("p:Users/p:User", NS)] == ["Eve Evaluator"]
    listed = list_stories(session=session, actor=evaluator, filters=StoryFilters())
    assert [s.id for s in listed.stories] == [shared.id] != [kept_in_site.id]
    assert _coded(root) == {guid("story", shared.id, shared.reference): {code_guid("outcome_1")}}
    assert validation_problems(root, PROJECT_NS) == []


def test_inside_the_site_coders_are_named_by_display_name_only(session, somerset, people):
    story = make_story(session, site=somerset, author=people["staff"])
    _code(session, story, 1, people["reviewer"])

    _, root, files = _export(session, actor_for(session, people["admin"]))

    names = {u.get("name") for u in root.findall("p:Users/p:User", NS)}
    assert names == {"Ada Admin", "Rita Reviewer"}
    assert people["reviewer"].email.encode() not in files["project.qde"]
    coding = root.find(".//p:Coding", NS)
    assert coding.get("creatingUser") == guid("user", people["reviewer"].id)


def test_the_story_list_filters_narrow_the_project(session, somerset, derby, people):
    make_story(session, site=somerset, author=people["staff"], story_type="learning")
    make_story(session, site=somerset, author=people["staff"], story_type="success")
    make_story(session, site=derby, author=people["admin"], story_type="learning")
    admin = actor_for(session, people["admin"])

    _, at_somerset, _ = _export(session, admin, site_id=somerset.id)
    _, learning, _ = _export(session, admin, story_type="learning")
    _, nothing, _ = _export(session, admin, q="zebra crossing")

    assert len(at_somerset.findall("p:Sources/p:TextSource", NS)) == 2
    assert len(learning.findall("p:Sources/p:TextSource", NS)) == 2
    assert nothing.find("p:Sources", NS) is None
    assert validation_problems(nothing, PROJECT_NS) == []


def test_each_field_of_the_text_sits_under_its_heading():
    text, starts = story_text(
        {"title": "A walk", "what_happened": "She joined.", "community_solutions": ["club"]}
    )
    assert (
        text == "Title\nA walk\n\nWhat happened\nShe joined.\n\nCommunity solutions used\n- club\n"
    )
    assert text[starts["what_happened"] :].startswith("She joined.")
