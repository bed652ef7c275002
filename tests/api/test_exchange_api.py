"""REFI-QDA over HTTP: the codebook download and import, the project download, the links on
the pages, and every bad upload answered with a 4xx naming the problem."""

from __future__ import annotations

import io
import zipfile

import pytest

from storybank.exchange.qdc_reading import MAX_QDC_BYTES
from storybank.exchange.schemas import CODEBOOK_NS, PROJECT_NS, read_xml, validation_problems
from storybank.models import StoryDeidentified, utcnow
from tests.builders import make_story, make_user, token_headers
from tests.web.pages import log_in, text_of

NS = {"p": PROJECT_NS}


@pytest.fixture
def admin(session):
    return make_user(session, roles=["admin"], name="Ada Admin")


def _import(client, headers, content: bytes, name: str = "codebook.qdc"):
    files = {"file": (name, content, "application/xml")}
    return client.post("/api/v1/codebook/import-qdc", files=files, headers=headers)


def _project(response) -> tuple[zipfile.ZipFile, object]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return archive, read_xml(archive.read("project.qde"))


def test_the_codebook_downloads_as_a_valid_qdc_and_imports_back(client, session, admin):
    headers = token_headers(session, admin)
    response = client.get("/api/v1/codebook/export.qdc", headers=headers)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert validation_problems(read_xml(response.content), CODEBOOK_NS) == []

    again = _import(client, headers, response.content)
    assert again.status_code == 200, again.text
    assert again.json()["added"] == [] and len(again.json()["unchanged"]) == 26


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"<CodeBook><Codes>", 422, "not well-formed XML"),
        (b'<CodeBook xmlns="urn:example:other"><Codes/></CodeBook>', 422, "'urn:example:other'"),
        (
            f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes><Code guid="x" name="x" isCodable="true"/>'
            "</Codes></CodeBook>".encode(),
            422,
            "not valid against the REFI-QDA schema",
        ),
        (b" " * (MAX_QDC_BYTES + 1), 413, "larger than"),
    ],
)
def test_a_bad_codebook_file_is_a_4xx_naming_the_problem(
    client, session, admin, content, status, words
):
    response = _import(client, token_headers(session, admin), content)
    assert response.status_code == status
    error = response.json()["error"]
    assert words in error["message"]
    assert status == 413 or error["problems"][0]["field"] == "file"


def test_only_admins_import_a_codebook(client, session, somerset):
    reviewer = make_user(session, roles=["reviewer"], sites=[somerset])
    response = _import(client, token_headers(session, reviewer), b"<CodeBook/>")
    assert response.status_code == 403


def test_the_project_download_is_an_evaluators_readable_deidentified_stories(
    client, session, somerset, staff
):
    story = make_story(
        session,
        site=somerset,
        author=staff,
        deidentified=False,
        title="Mr Pemberton joined the walking group",
    )
    session.add(
        StoryDeidentified(
            story_id=story.id,
            title="[name] joined the walking group",
            what_happened="[name] met a community agent.",
            what_changed="He walks on Thursdays.",
            confirmed_at=utcnow(),
            confirmed_by_id=staff.id,
        )
    )
    session.commit()
    make_story(session, site=somerset, author=staff, consent_level="site_only")
    evaluator = make_user(session, roles=["evaluator"], sites=[somerset])

    response = client.get(
        "/api/v1/exports/project.qdpx",
        params={"site_id": somerset.id},
        headers=token_headers(session, evaluator),
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    archive, root = _project(response)
    assert validation_problems(root, PROJECT_NS) == []
    assert len(root.findall("p:Sources/p:TextSource", NS)) == 1
    assert b"Pemberton" not in b"".join(archive.read(n) for n in archive.namelist())


def test_the_openapi_documents_the_file_types(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert (
        "application/xml"
        in paths["/api/v1/codebook/export.qdc"]["get"]["responses"]["200"]["content"]
    )
    assert (
        "application/zip"
        in paths["/api/v1/exports/project.qdpx"]["get"]["responses"]["200"]["content"]
    )
    upload = paths["/api/v1/codebook/import-qdc"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"409", "413", "422"} <= set(upload["responses"])


def test_the_codebook_page_offers_the_download_and_imports_a_file(client, session, admin):
    csrf = log_in(client, admin)
    page = client.get("/admin/codebook")
    assert 'href="/api/v1/codebook/export.qdc"' in page.text
    assert "Download codebook (REFI-QDA .qdc)" in text_of(page)
    exported = client.get("/api/v1/codebook/export.qdc").content
    edited = exported.replace(b'name="Community hubs', b'name="Community hubs and spaces', 1)

    done = client.post(
        "/admin/codebook/import-qdc",
        data={"csrf_token": csrf},
        files={"file": ("codebook.qdc", edited, "application/xml")},
        follow_redirects=True,
    )
    assert done.status_code == 200, text_of(done)
    assert "The codebook file has been imported." in text_of(done)

    bad = client.post(
        "/admin/codebook/import-qdc",
        data={"csrf_token": csrf},
        files={"file": ("codebook.qdc", b"<oops>", "application/xml")},
    )
    assert bad.status_code == 422
    assert "not well-formed XML" in text_of(bad) and "Nothing in the codebook" in text_of(bad)


def test_the_story_list_links_to_the_project_with_its_filters(client, session, somerset, staff):
    log_in(client, staff)
    page = client.get("/stories", params={"site_id": somerset.id, "story_type": "learning"})
    link = f"/api/v1/exports/project.qdpx?site_id={somerset.id}&amp;story_type=learning"
    assert link in page.text
    assert "Download as REFI-QDA project (.qdpx)" in text_of(page)
