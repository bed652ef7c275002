"""Admin pages: only admins get in; adding users, granting and revoking roles at units,
access, passwords; adding units."""

from __future__ import annotations

import pytest

from storybank.accounts import find_user_by_email
from storybank.models import User
from tests.builders import PASSWORD, make_user
from tests.web.pages import csrf_token, log_in, text_of

ADMIN_PAGES = ["/admin", "/admin/users", "/admin/units", "/admin/audit", "/admin/privacy"]
NEW_PERSON = {
    "email": "Rita.Reviewer@Example.org",
    "display_name": "Rita Reviewer",
    "password": "a long enough password",
    "role": "reviewer",
}


@pytest.fixture
def admin(session):
    return make_user(session, roles=["admin"], name="Ada Admin")


@pytest.fixture
def admin_csrf(client, admin) -> str:
    return log_in(client, admin)


def _reload(session, user: User) -> User:
    session.expire_all()
    found = session.get(User, user.id)
    assert found is not None
    return found


@pytest.mark.parametrize("role", ["staff", "reviewer", "panel_member", "facilitator", "evaluator"])
def test_admin_pages_are_refused_to_everyone_else(client, session, somerset, role):
    log_in(client, make_user(session, roles=[role], sites=[somerset]))
    for path in ADMIN_PAGES:
        page = client.get(path)
        assert page.status_code == 403, path
        assert "You cannot do this" in text_of(page)
    assert 'href="/admin"' not in client.get("/account").text, "no Admin link in the menu"


def test_admin_sees_the_admin_link_and_index(client, admin_csrf):
    page = client.get("/admin")
    assert page.status_code == 200
    assert '<a href="/admin" aria-current="page">Admin</a>' in page.text
    text = text_of(page)
    for heading in ("Users", "Sites, regions and the programme", "Audit log", "Data protection"):
        assert heading in text
    for path in ADMIN_PAGES[1:]:
        assert f'href="{path}"' in page.text


def test_users_table_shows_each_grant_and_last_login(
    client, session, somerset, derby, staff, admin, admin_csrf
):
    both = make_user(session, grants=[("staff", somerset), ("evaluator", derby)], name="Two Hats")
    text = text_of(client.get("/admin/users"))
    assert (
        f"Two Hats {both.email} Evaluator at Derby Staff (writes stories) at Somerset Active Never"
        in text
    )
    assert f"Sam Staff {staff.email} Staff (writes stories) at Somerset Active Never" in text
    ada = f"Ada Admin {admin.email} Admin at Programme Active"
    assert ada in text and f"{ada} Never" not in text, "Ada has logged in"


def test_admin_adds_a_user_who_can_then_log_in(client, session, somerset, admin_csrf):
    form = {**NEW_PERSON, "csrf_token": admin_csrf, "unit_id": str(somerset.id)}
    response = client.post("/admin/users", data=form, follow_redirects=False)
    assert response.status_code == 303
    user = find_user_by_email(session=session, email="rita.reviewer@example.org")
    assert user is not None
    assert response.headers["location"] == f"/admin/users/{user.id}?created=1"
    text = text_of(client.get(response.headers["location"]))
    assert "The account has been created." in text
    assert "Roles Reviewer at Somerset" in text
    assert "Rita Reviewer" in text_of(client.get("/admin/users"))
    log_in(client, user, password=NEW_PERSON["password"])
    assert client.get("/stories").status_code == 200


def test_adding_a_user_with_a_taken_email_keeps_the_values(
    client, session, staff, somerset, admin_csrf
):
    form = {
        **NEW_PERSON,
        "email": staff.email.upper(),
        "csrf_token": admin_csrf,
        "unit_id": str(somerset.id),
    }
    response = client.post("/admin/users", data=form)
    assert response.status_code == 409
    text = text_of(response)
    assert "There is a problem" in text
    assert f"Email address: There is already an account for {staff.email}." in text
    assert 'value="Rita Reviewer"' in response.text
    assert '<option value="reviewer" selected>' in response.text
    assert "a long enough password" not in response.text, "passwords are never shown back"


def test_adding_a_user_with_a_short_password_or_no_role_explains(client, session, admin_csrf):
    form = {**NEW_PERSON, "password": "short", "csrf_token": admin_csrf, "unit_id": "1"}
    response = client.post("/admin/users", data=form)
    assert response.status_code == 422
    assert "Password: Use at least 10 characters." in text_of(response)
    assert 'value="rita.reviewer@example.org"' in response.text.lower()
    response = client.post("/admin/users", data={**form, "password": "", "role": "", "unit_id": ""})
    assert response.status_code == 422
    assert "Enter a password for the new account." in text_of(response)
    response = client.post(
        "/admin/users", data={**form, "password": "long enough now", "role": "", "unit_id": ""}
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "Role: Choose a role from the list." in text
    assert "Where: Choose where they hold the role." in text
    assert find_user_by_email(session=session, email=NEW_PERSON["email"]) is None


def test_admin_grants_and_revokes_roles_at_units(
    client, session, somerset, derby, staff, admin_csrf
):
    url = f"/admin/users/{staff.id}/grants"
    form = {"csrf_token": admin_csrf, "role": "evaluator", "unit_id": str(derby.id)}
    response = client.post(url, data=form, follow_redirects=False)
    assert response.status_code == 303
    text = text_of(client.get(response.headers["location"]))
    assert "The role has been granted." in text
    assert "Roles Evaluator at Derby Staff (writes stories) at Somerset" in text
    again = client.post(url, data=form)
    assert again.status_code == 409
    assert "already holds that role at that unit" in text_of(again)
    revoke = {"csrf_token": admin_csrf, "role": "staff", "unit_id": str(somerset.id)}
    response = client.post(f"{url}/revoke", data=revoke, follow_redirects=False)
    assert response.status_code == 303
    text = text_of(client.get(response.headers["location"]))
    assert "The role has been revoked." in text
    assert "Roles Evaluator at Derby" in text
    missing = client.post(f"{url}/revoke", data=revoke)
    assert missing.status_code == 404


def test_unknown_unit_is_refused_beside_the_grant_form(client, session, staff, admin_csrf):
    form = {"csrf_token": admin_csrf, "role": "staff", "unit_id": "9999"}
    response = client.post(f"/admin/users/{staff.id}/grants", data=form)
    assert response.status_code == 422
    assert "Every unit must exist; unknown: [9999]." in text_of(response)


def test_disabled_user_cannot_log_in_until_enabled(client, session, staff, admin, admin_csrf):
    response = client.post(
        f"/admin/users/{staff.id}/active",
        data={"csrf_token": admin_csrf, "active": "false"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    text = text_of(client.get(response.headers["location"]))
    assert "The account has been disabled." in text and "Account Disabled" in text
    assert _reload(session, staff).is_active is False
    client.cookies.clear()
    form = client.get("/login")
    login = {"email": staff.email, "password": PASSWORD, "csrf_token": csrf_token(form)}
    refused = client.post("/login", data=login)
    assert refused.status_code == 401
    assert "That email and password do not match an active account." in text_of(refused)
    csrf = log_in(client, admin)
    client.post(f"/admin/users/{staff.id}/active", data={"csrf_token": csrf, "active": "true"})
    log_in(client, staff)
    assert client.get("/stories").status_code == 200


def test_admin_cannot_disable_themselves_from_the_page(client, admin, admin_csrf):
    text = text_of(client.get(f"/admin/users/{admin.id}"))
    assert "you cannot disable it here" in text
    assert "Disable account" not in text


def test_admin_sets_a_new_password(client, session, staff, admin_csrf):
    url = f"/admin/users/{staff.id}/password"
    short = client.post(url, data={"csrf_token": admin_csrf, "password": "short"})
    assert short.status_code == 422
    assert "New password" in text_of(short) and "Use at least 10 characters." in text_of(short)
    done = client.post(
        url,
        data={"csrf_token": admin_csrf, "password": "a brand new password"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "The new password has been set." in text_of(client.get(done.headers["location"]))
    log_in(client, staff, password="a brand new password")


def test_user_page_links_to_their_data_export(client, session, staff, admin_csrf):
    page = client.get(f"/admin/users/{staff.id}")
    assert f'href="/api/v1/privacy/users/{staff.id}"' in page.text
    export = client.get(f"/api/v1/privacy/users/{staff.id}")
    assert export.status_code == 200 and export.json()["account"]["email"] == staff.email


def test_admin_forms_need_the_csrf_token(client, session, staff, admin_csrf):
    response = client.post(f"/admin/users/{staff.id}/active", data={"active": "false"})
    assert response.status_code == 403
    assert "security token is missing or out of date" in text_of(response)
    assert _reload(session, staff).is_active is True
    response = client.post("/admin/units", data={"name": "Leeds", "csrf_token": "wrong"})
    assert response.status_code == 403


def test_admin_adds_units_and_a_duplicate_is_explained(client, session, somerset, admin_csrf):
    region = {"csrf_token": admin_csrf, "name": "Yorkshire", "level": "region", "parent_id": ""}
    assert client.post("/admin/units", data=region, follow_redirects=False).status_code == 303
    yorkshire = client.get("/api/v1/units").json()
    parent = next(u["id"] for u in yorkshire if u["name"] == "Yorkshire")
    form = {"csrf_token": admin_csrf, "name": "Leeds", "level": "site", "parent_id": str(parent)}
    response = client.post("/admin/units", data=form, follow_redirects=False)
    assert response.status_code == 303
    text = text_of(client.get(response.headers["location"]))
    assert "The unit has been added." in text and "Yorkshire Region 1" in text
    assert "Leeds Site" in text
    duplicate = client.post("/admin/units", data={**form, "name": "SOMERSET"})
    assert duplicate.status_code == 409
    assert "Name: A unit called 'SOMERSET' already exists." in text_of(duplicate)
    assert 'value="SOMERSET"' in duplicate.text
    empty = client.post("/admin/units", data={**form, "name": " "})
    assert empty.status_code == 422
    assert "A unit needs a name of 1 to 120 characters." in text_of(empty)
    upside_down = client.post(
        "/admin/units",
        data={**form, "name": "Wales", "level": "region", "parent_id": str(somerset.id)},
    )
    assert upside_down.status_code == 422
    assert "A region can only sit under a unit of a higher level (programme)." in text_of(
        upside_down
    )
