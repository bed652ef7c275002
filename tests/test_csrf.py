"""Every route that changes something refuses a browser session (the session cookie)
whose request lacks the session's CSRF token, and changes nothing.

The policy table (tests/test_policy.py) sends bearer tokens, which need no CSRF token,
so it cannot see a form route that forgot its check; this file tries every non-GET row of
that table again with a cookie session signed in through the login form."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy import select as select_columns
from sqlmodel import Session, SQLModel, select

from api.deps import SESSION_COOKIE
from storybank.models import User
from tests.test_policy import POLICY, Rule, World, world  # noqa: F401 (a fixture)
from tests.web.pages import log_in, text_of
from web.deps import CSRF_MESSAGE

# Routes that change something yet are not guarded by the session's CSRF token, by design.
EXEMPT = {
    ("POST", "/login"): "there is no session yet: the login form carries its own "
    "double-submit CSRF cookie instead (tests/web/test_login.py)",
    ("POST", "/msc/join"): "a guest joins with a one-time code: there is no session yet, so "
    "the form carries its own double-submit CSRF cookie (tests/web/test_msc_panel_pages.py)",
    ("POST", "/api/v1/msc/guest-sessions"): "a guest signs in with a one-time code: there is "
    "no session yet, and the JSON body cannot be sent by another site's form",
}
WRITE_ROUTES = sorted(route for route in POLICY if route[0] != "GET" and route not in EXEMPT)
# Columns that merely record that a session or token was used.
TOUCHED = {("login_sessions", "last_seen_at"), ("api_tokens", "last_used_at")}
WRONG_TOKEN = "not-the-session-csrf-token-0000000000000"


def test_exemptions_are_write_routes_of_the_policy_table():
    for route, reason in EXEMPT.items():
        assert route in POLICY and route[0] != "GET", route
        assert reason


def test_every_write_route_is_tried():
    assert len(WRITE_ROUTES) >= 35
    assert {method for method, _ in WRITE_ROUTES} == {"POST", "PUT", "PATCH", "DELETE"}


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (as text, sorted), but for use timestamps."""
    found = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in TOUCHED]
            rows = conn.execute(select_columns(*columns)).all()
            found[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    return found


def _signer(rule: Rule) -> str:
    """Whom to sign in as: an admin, or someone the route allows if admins are not."""
    if "admin" in rule.allowed:
        return "admin"
    return sorted(rule.allowed)[0]


def _send(client, method: str, path: str, rule: Rule, objects: World, token: str | None):  # type: ignore[no-untyped-def]
    """The policy row's request; the CSRF token (if any) where a browser would put it."""
    params = rule.path_params(objects) if rule.path_params else {}
    kwargs: dict[str, Any] = {"follow_redirects": False}
    if rule.body:
        kwargs["json"] = rule.body(objects)
    api = path.startswith("/api/")
    if api and token is not None:
        kwargs["headers"] = {"X-CSRF-Token": token}
    if not api:
        form = rule.form(objects) if rule.form else {}
        kwargs["data"] = form if token is None else {**form, "csrf_token": token}
    return client.request(method, path.format(**params), **kwargs)


def _refusal_problem(response, path: str) -> str | None:  # type: ignore[no-untyped-def]
    """What is wrong with the answer to a request lacking the CSRF token, if anything."""
    if response.status_code != 403:
        return f"got {response.status_code}, not 403"
    if path.startswith("/api/"):
        code = response.json()["error"]["code"]
        return None if code == "csrf_failed" else f"refused with {code!r}, not csrf_failed"
    return None if CSRF_MESSAGE in text_of(response) else "refused without the CSRF message"


def _browser_sessions(client, session: Session, roles: set[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each role's world user signed in through the login form: their session cookie."""
    cookies = {}
    for role in sorted(roles):
        user = session.exec(select(User).where(User.display_name == f"{role} person")).one()
        log_in(client, user)
        cookies[role] = client.cookies[SESSION_COOKIE]
    return cookies


def test_cookie_session_without_csrf_token_is_refused_and_changes_nothing(
    client,
    session: Session,
    engine,
    world,  # noqa: F811 (the policy table's fixture)
):
    """A 403 naming the CSRF token can only come from the check, so every route is tried
    in one world, as someone the route allows (an admin where it can)."""
    objects, _ = world
    cookies = _browser_sessions(client, session, {_signer(POLICY[r]) for r in WRITE_ROUTES})
    wrong = []
    for method, path in WRITE_ROUTES:
        rule = POLICY[(method, path)]
        role = _signer(rule)
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, cookies[role])
        before = _snapshot(engine)
        for token, case in ((None, "no token"), (WRONG_TOKEN, "a wrong token")):
            response = _send(client, method, path, rule, objects, token)
            if problem := _refusal_problem(response, path):
                wrong.append(f"{method} {path} with {case} as {role}: {problem}")
        if _snapshot(engine) != before:
            wrong.append(f"{method} {path} without the CSRF token changed the database")
    assert not wrong, "\n".join(wrong)
