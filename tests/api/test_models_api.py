"""GET /api/v1/models and /api/v1/models/{version}, and the model versions page."""

from __future__ import annotations

import pytest

from storybank.learning import forget_loaded_models, train_and_maybe_activate
from tests.builders import make_site, make_user, token_headers
from tests.learning_builders import make_coded_stories
from tests.nlp_double import BOW, use_nlp_double


@pytest.fixture(autouse=True)
def double(monkeypatch):
    use_nlp_double(monkeypatch)
    forget_loaded_models()
    yield
    forget_loaded_models()


@pytest.fixture
def trained(session):
    """An active version and a refused one, trained on twelve coded stories."""
    make_coded_stories(session, 12)
    active = train_and_maybe_activate(session=session, actor=None)
    refused = train_and_maybe_activate(session=session, actor=None, options=BOW)
    return active, refused


@pytest.fixture
def reviewer_headers(session):
    site = make_site(session, "Reading site")
    return token_headers(session, make_user(session, roles=["reviewer"], sites=[site]))


def test_versions_are_listed_with_status_training_size_and_per_code_figures(
    client, trained, reviewer_headers
):
    active, refused = trained

    response = client.get("/api/v1/models", headers=reviewer_headers)

    assert response.status_code == 200
    body = response.json()
    assert [(item["version"], item["status"]) for item in body] == [
        (refused.version, "refused"),
        (active.version, "active"),
    ]
    listed = body[1]
    assert listed["training_size"] == 12
    assert listed["summary"] == {"outcome_micro_f1": 0.8, "theme_micro_f1": 0.7}
    hub = next(code for code in listed["per_code"] if code["key"] == "community_hub")
    assert hub == {
        "key": "community_hub",
        "kind": "theme",
        "precision": 0.8,
        "recall": 0.8,
        "f1": 0.8,
        "kappa": pytest.approx(0.7),
        "support": 6,
        "threshold": None,
        "suggestions_decided": 0,
        "acceptance_rate": None,
    }
    assert body[0]["status_reason"].startswith("Outcome + theme micro-F1 1.100 is lower")


def test_one_version_shows_its_comparison_and_reliability_table(client, trained, reviewer_headers):
    active, refused = trained

    response = client.get(f"/api/v1/models/{refused.version}", headers=reviewer_headers)

    assert response.status_code == 200
    body = response.json()
    assert body["comparison"]["active"]["version"] == active.version
    assert body["comparison"]["activate"] is False
    assert body["library_versions"] == {"double": "1"}
    assert len(body["reliability"]) == 10
    assert body["reliability"][0] == {
        "low": 0.0,
        "high": 0.1,
        "count": 0,
        "mean_confidence": None,
        "acceptance_rate": None,
    }


def test_an_unknown_version_is_404_naming_it(client, reviewer_headers):
    response = client.get("/api/v1/models/2026-01-01T00-00-00-beef", headers=reviewer_headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "model_version_not_found"
    assert "2026-01-01T00-00-00-beef" in response.json()["error"]["message"]


@pytest.mark.parametrize("bad", ["a" * 65, "-starts-with-dash", "sp%20ace", "quote'd"])
def test_a_malformed_version_is_422_naming_the_field(client, reviewer_headers, bad):
    response = client.get(f"/api/v1/models/{bad}", headers=reviewer_headers)

    assert response.status_code == 422, response.text
    assert response.json()["error"]["problems"][0]["field"] == "version"


def test_staff_may_not_read_model_versions(client, headers):
    response = client.get("/api/v1/models", headers=headers)

    assert response.status_code == 403


def test_the_page_lists_versions_and_the_active_model_figures(client, trained, reviewer_headers):
    active, refused = trained

    page = client.get("/admin/models", headers=reviewer_headers)
    detail = client.get(f"/admin/models/{refused.version}", headers=reviewer_headers)

    assert page.status_code == 200
    assert f"The active model: {active.version}" in page.text
    assert "Refused" in page.text and "community_hub" in page.text
    assert "None decided yet" in page.text
    assert detail.status_code == 200
    assert f"Model {refused.version}" in detail.text
    assert "Outcome + theme micro-F1" in detail.text
    assert "have not decided any of this version" in detail.text


def test_the_page_says_when_no_model_has_been_trained(client, reviewer_headers):
    page = client.get("/admin/models", headers=reviewer_headers)

    assert page.status_code == 200
    assert "No model has been trained yet" in page.text


def test_a_reviewer_finds_the_page_from_the_menu_and_an_admin_from_the_admin_page(
    client, session, reviewer_headers
):
    admin = token_headers(session, make_user(session, roles=["admin"]))

    reviewer_menu = client.get("/stories", headers=reviewer_headers).text
    admin_page = client.get("/admin", headers=admin).text

    assert '<a href="/admin/models">Models</a>' in reviewer_menu
    assert '<a href="/admin/models">Suggestion models</a>' in admin_page
