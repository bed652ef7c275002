"""Every route the app registers, checked for every role (and no login) against one
policy table. A new route without a row here fails the first test, so nothing ships
unprotected.

Allowed means the request was not refused (not 401/403/404, no redirect to /login);
denied means it was (401 or 403, 404 for things the person may not see, or a redirect
to the login page for pages)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.routing import Mount

from storybank.accounts import create_api_token, grant_role
from tests.builders import KEYED, actor_for, make_site, make_story, make_user, token_headers
from tests.learning_builders import add_model_version
from tests.msc_builders import add_policy_round
from tests.review_builders import suggest_now
from tests.suggesters import PhraseSuggester

ANON = "anonymous"
ROLES = ["staff", "reviewer", "panel_member", "facilitator", "evaluator", "admin"]
EVERYONE = {ANON, *ROLES}
SIGNED_IN = set(ROLES)
SITE_READERS = {"staff", "reviewer", "facilitator", "evaluator", "admin"}
WRITERS = {"staff", "admin"}
# Staff and reviewers of the story's site write its de-identified version (admins too need
# one of those grants).
DEIDENTIFIERS = {"staff", "reviewer"}
ADMIN = {"admin"}
# MSC: facilitators covering the round's unit (and admins) run it (the reviewer too: it holds
# a spare facilitator grant here); the panel member sits on it; staff and reviewers of its
# site see its outline and suggest domains.
RUNNERS = {"facilitator", "admin", "reviewer"}
PANEL = {"panel_member"}
ROUND_READERS = RUNNERS | PANEL
# Model versions: admins and reviewers read their figures.
MODEL_READERS = {"admin", "reviewer"}
# Coding stories: reviewers of the story's site only (an admin needs a reviewer grant too).
REVIEWERS = {"reviewer"}
# Agreement figures: reviewers, evaluators and admins (over the stories each may read).
AGREEMENT_READERS = {"reviewer", "evaluator", "admin"}
# Insights: evaluators, admins, reviewers and facilitators, each over what they may read.
INSIGHT_READERS = {"evaluator", "admin", "reviewer", "facilitator"}
# Monitoring: programme leads (admins), facilitators and evaluators; the reviewer too here,
# through the spare facilitator grant the world gives them.
MONITORING_READERS = {"evaluator", "admin", "facilitator", "reviewer"}


@dataclass
class World:
    """The objects a route is tried against: one site everyone works in."""

    site_id: int
    story_id: int
    draft_id: int
    user_id: int
    token_id: int
    erasable_id: int
    # An MSC round at the site, voting: the facilitator runs it, the panel member sits on it.
    round_id: int = 0
    domain_id: int = 0
    period_id: int = 0
    candidate_id: int = 0
    feedback_id: int = 0
    facilitator_id: int = 0
    newcomer_id: int = 0
    model_version: str = ""
    # A suggestion for the shared story, for the reviewer's routes.
    suggestion_id: int = 0
    member_id: int = 0


@dataclass
class Rule:
    allowed: set[str]
    body: Callable[[World], Any] | None = None
    path_params: Callable[[World], dict[str, Any]] | None = None
    form: Callable[[World], Any] | None = None


def _story(w: World) -> dict[str, Any]:
    return {"story_id": w.story_id}


def _draft(w: World) -> dict[str, Any]:
    return {"story_id": w.draft_id}


def _suggestion(w: World) -> dict[str, Any]:
    return {"story_id": w.story_id, "suggestion_id": w.suggestion_id}


def _story_code(w: World) -> dict[str, Any]:
    return {"story_id": w.story_id, "code_key": "wellbeing"}


def _round(w: World) -> dict[str, Any]:
    return {"round_id": w.round_id}


def _round_member(w: World) -> dict[str, Any]:
    return {"round_id": w.round_id, "member_id": w.member_id}


def _round_candidate(w: World) -> dict[str, Any]:
    return {"round_id": w.round_id, "candidate_id": w.candidate_id}


def _round_domain(w: World) -> dict[str, Any]:
    return {"round_id": w.round_id, "domain_id": w.domain_id}


_HUB = {"key": "community_hub"}
_OUTCOME = {"key": "outcome_1"}


def _model(w: World) -> dict[str, Any]:
    return {"version": w.model_version}


REASONS = "The panel chose it because the change lasted and the person said why it mattered."


POLICY: dict[tuple[str, str], Rule] = {
    ("GET", "/"): Rule(EVERYONE),
    ("GET", "/openapi.json"): Rule(EVERYONE),
    # Pages. A login form post without the form's own CSRF cookie is always refused.
    ("GET", "/login"): Rule(EVERYONE),
    ("POST", "/login"): Rule(set()),
    ("POST", "/logout"): Rule(SIGNED_IN),
    ("GET", "/msc/rounds"): Rule(SIGNED_IN),
    ("GET", "/msc/rounds/{round_id}/reading"): Rule(ROUND_READERS, path_params=_round),
    ("GET", "/msc/rounds/{round_id}/ballot"): Rule(PANEL, path_params=_round),
    ("POST", "/msc/rounds/{round_id}/ballot"): Rule(
        PANEL, path_params=_round, form=lambda w: {f"d{w.domain_id}": str(w.story_id)}
    ),
    ("GET", "/msc/join"): Rule(EVERYONE),
    ("POST", "/msc/join"): Rule(set(), form=lambda w: {"code": "WRONG-CODE"}),
    ("GET", "/msc/my-stories"): Rule(SIGNED_IN),
    ("GET", "/stories"): Rule(SIGNED_IN),
    ("GET", "/stories/new"): Rule(WRITERS),
    ("POST", "/stories/new"): Rule(WRITERS, form=lambda w: {"site_id": w.site_id}),
    ("GET", "/stories/{story_id}"): Rule(SITE_READERS, path_params=_story),
    ("GET", "/stories/{story_id}/similar"): Rule(SITE_READERS, path_params=_story),
    ("GET", "/stories/{story_id}/edit"): Rule(WRITERS, path_params=_draft),
    ("POST", "/stories/{story_id}/edit"): Rule(
        WRITERS, path_params=_draft, form=lambda w: {"version": "1", "title": "Edited"}
    ),
    ("GET", "/stories/{story_id}/submit"): Rule(WRITERS, path_params=_draft),
    ("POST", "/stories/{story_id}/submit"): Rule(
        WRITERS, path_params=_draft, form=lambda w: {"version": "1"}
    ),
    # A kept form is only for the person whose session ended (tests/web/test_held_forms.py).
    ("GET", "/stories/resume/{token}"): Rule(set(), path_params=lambda w: {"token": "unknown"}),
    ("GET", "/stories/{story_id}/consent"): Rule(WRITERS, path_params=_story),
    ("POST", "/stories/{story_id}/consent"): Rule(
        WRITERS,
        path_params=_story,
        form=lambda w: {"version": "1", "consent_level": "site_only", "explained": "yes"},
    ),
    ("GET", "/stories/{story_id}/withdraw"): Rule(WRITERS, path_params=_story),
    ("POST", "/stories/{story_id}/withdraw"): Rule(
        WRITERS, path_params=_story, form=lambda w: {"version": "1"}
    ),
    ("GET", "/stories/{story_id}/deidentified"): Rule(DEIDENTIFIERS, path_params=_story),
    ("POST", "/stories/{story_id}/deidentified"): Rule(
        DEIDENTIFIERS,
        path_params=_story,
        form=lambda w: {"version": "1", "title": "[Person A] found the lunch club"},
    ),
    ("GET", "/review"): Rule(REVIEWERS),
    ("GET", "/review/{story_id}"): Rule(REVIEWERS, path_params=_story),
    ("POST", "/review/{story_id}/suggestions/{suggestion_id}"): Rule(
        REVIEWERS, path_params=_suggestion, form=lambda w: {"decision": "accepted"}
    ),
    ("POST", "/review/{story_id}/codes"): Rule(
        REVIEWERS, path_params=_story, form=lambda w: {"code_key": "wellbeing"}
    ),
    ("POST", "/review/{story_id}/codes/{code_key}/remove"): Rule(
        REVIEWERS, path_params=_story_code
    ),
    ("POST", "/review/{story_id}/finish"): Rule(REVIEWERS, path_params=_story),
    ("GET", "/review/{story_id}/assign"): Rule(REVIEWERS, path_params=_story),
    ("POST", "/review/{story_id}/assign"): Rule(
        REVIEWERS, path_params=_story, form=lambda w: {"first": str(w.user_id), "second": ""}
    ),
    # Not double coded: the reviewer gets a 409 (allowed), everyone else is refused.
    ("GET", "/review/{story_id}/adjudicate"): Rule(REVIEWERS, path_params=_story),
    ("POST", "/review/{story_id}/adjudicate"): Rule(
        REVIEWERS,
        path_params=_story,
        form=lambda w: {"code_key": "wellbeing", "included": "yes", "reason": "Shown."},
    ),
    ("GET", "/insights/agreement"): Rule(AGREEMENT_READERS),
    ("GET", "/insights"): Rule(INSIGHT_READERS),
    ("GET", "/insights/download/{name}.{fmt}"): Rule(
        INSIGHT_READERS, path_params=lambda w: {"name": "frequencies", "fmt": "csv"}
    ),
    ("GET", "/insights/monitoring"): Rule(MONITORING_READERS),
    ("GET", "/insights/briefing"): Rule(INSIGHT_READERS),
    ("GET", "/insights/briefing.pdf"): Rule(INSIGHT_READERS),
    ("GET", "/insights/monitoring/download/{name}.{fmt}"): Rule(
        MONITORING_READERS, path_params=lambda w: {"name": "backlog", "fmt": "csv"}
    ),
    ("GET", "/account"): Rule(SIGNED_IN),
    ("POST", "/account/tokens"): Rule(SIGNED_IN, form=lambda w: {"name": "t", "days": "7"}),
    # A wrong current password (422): a right one would revoke the token the test goes on with.
    ("POST", "/account/password"): Rule(
        SIGNED_IN,
        form=lambda w: {
            "current_password": "not the password",
            "new_password": "another long password",
            "confirm_password": "another long password",
        },
    ),
    ("POST", "/account/tokens/{token_id}/revoke"): Rule(
        WRITERS, path_params=lambda w: {"token_id": w.token_id}
    ),
    ("GET", "/admin"): Rule(ADMIN),
    ("GET", "/admin/users"): Rule(ADMIN),
    ("POST", "/admin/users"): Rule(
        ADMIN,
        form=lambda w: {
            "email": "page.new@example.org",
            "display_name": "Someone",
            "password": "long enough password",
            "roles": "staff",
        },
    ),
    ("GET", "/admin/users/{user_id}"): Rule(ADMIN, path_params=lambda w: {"user_id": w.user_id}),
    ("POST", "/admin/users/{user_id}/grants"): Rule(
        ADMIN,
        path_params=lambda w: {"user_id": w.user_id},
        form=lambda w: {"role": "evaluator", "unit_id": str(w.site_id)},
    ),
    ("POST", "/admin/users/{user_id}/grants/revoke"): Rule(
        ADMIN,
        path_params=lambda w: {"user_id": w.user_id},
        form=lambda w: {"role": "panel_member", "unit_id": str(w.site_id)},
    ),
    ("POST", "/admin/users/{user_id}/active"): Rule(
        ADMIN, path_params=lambda w: {"user_id": w.user_id}, form=lambda w: {"active": "true"}
    ),
    ("POST", "/admin/users/{user_id}/password"): Rule(
        ADMIN,
        path_params=lambda w: {"user_id": w.user_id},
        form=lambda w: {"password": "another long password"},
    ),
    ("GET", "/admin/units"): Rule(ADMIN),
    ("POST", "/admin/units"): Rule(ADMIN, form=lambda w: {"name": "Page site", "level": "site"}),
    ("GET", "/admin/audit"): Rule(ADMIN),
    ("GET", "/admin/models"): Rule(MODEL_READERS),
    ("GET", "/admin/models/{version}"): Rule(MODEL_READERS, path_params=_model),
    ("GET", "/admin/privacy"): Rule(ADMIN),
    # Look-ups without a query re-show the page with a message (422): allowed, not refused.
    ("GET", "/admin/privacy/story"): Rule(ADMIN),
    ("GET", "/admin/privacy/person"): Rule(ADMIN),
    ("GET", "/admin/stories/{story_id}/erase"): Rule(
        ADMIN, path_params=lambda w: {"story_id": w.erasable_id}
    ),
    ("POST", "/admin/stories/{story_id}/erase"): Rule(
        ADMIN,
        path_params=lambda w: {"story_id": w.erasable_id},
        form=lambda w: {"reason": "policy test", "understood": "yes"},
    ),
    ("GET", "/admin/codebook"): Rule(ADMIN),
    ("POST", "/admin/codebook"): Rule(
        ADMIN, form=lambda w: {"key": "policy_theme", "label": "Policy theme"}
    ),
    ("GET", "/admin/codebook/topics"): Rule(ADMIN),
    # Without a file the import re-shows the page with the problem (422): allowed.
    ("POST", "/admin/codebook/import-qdc"): Rule(ADMIN),
    ("GET", "/admin/codebook/codes/{key}"): Rule(ADMIN, path_params=lambda w: _HUB),
    ("POST", "/admin/codebook/codes/{key}"): Rule(
        ADMIN, path_params=lambda w: _HUB, form=lambda w: {"label": "Community hubs"}
    ),
    ("POST", "/admin/codebook/codes/{key}/active"): Rule(
        ADMIN, path_params=lambda w: _HUB, form=lambda w: {"active": "true"}
    ),
    # An outcome cannot be deleted (409): allowed to ask, refused by the rule.
    ("POST", "/admin/codebook/codes/{key}/delete"): Rule(ADMIN, path_params=lambda w: _OUTCOME),
    ("GET", "/docs"): Rule(EVERYONE),
    ("GET", "/api/v1/stories"): Rule(SIGNED_IN),
    ("POST", "/api/v1/stories"): Rule(WRITERS, body=lambda w: {"site_id": w.site_id}),
    ("GET", "/api/v1/stories/{story_id}/similar"): Rule(SITE_READERS, path_params=_story),
    ("GET", "/api/v1/stories/{story_id}/near-duplicates"): Rule(SITE_READERS, path_params=_story),
    ("GET", "/api/v1/topics"): Rule(SIGNED_IN),
    ("POST", "/api/v1/codebook"): Rule(
        ADMIN, body=lambda w: {"key": "policy_api_theme", "label": "Policy API theme"}
    ),
    ("PATCH", "/api/v1/codebook/{key}"): Rule(
        ADMIN, path_params=lambda w: _HUB, body=lambda w: {"label": "Community hubs"}
    ),
    ("DELETE", "/api/v1/codebook/{key}"): Rule(ADMIN, path_params=lambda w: _OUTCOME),
    ("GET", "/api/v1/stories/{story_id}"): Rule(SITE_READERS, path_params=_story),
    ("PATCH", "/api/v1/stories/{story_id}"): Rule(
        WRITERS, path_params=_draft, body=lambda w: {"version": 1, "title": "Edited"}
    ),
    ("PUT", "/api/v1/stories/{story_id}/consent"): Rule(
        WRITERS, path_params=_draft, body=lambda w: {"version": 1, "level": "site_only"}
    ),
    ("POST", "/api/v1/stories/{story_id}/submit"): Rule(
        WRITERS, path_params=_draft, body=lambda w: {"version": 1, "consent_level": "site_only"}
    ),
    ("POST", "/api/v1/stories/{story_id}/withdraw"): Rule(
        WRITERS, path_params=_story, body=lambda w: {"version": 1}
    ),
    ("GET", "/api/v1/stories/{story_id}/deidentified"): Rule(DEIDENTIFIERS, path_params=_story),
    ("PUT", "/api/v1/stories/{story_id}/deidentified"): Rule(
        DEIDENTIFIERS, path_params=_story, body=lambda w: {"version": 1, "title": "[Person A]"}
    ),
    ("GET", "/api/v1/review/queue"): Rule(REVIEWERS),
    ("GET", "/api/v1/insights/agreement"): Rule(AGREEMENT_READERS),
    ("GET", "/api/v1/insights/frequencies"): Rule(INSIGHT_READERS),
    ("GET", "/api/v1/insights/crosstab"): Rule(INSIGHT_READERS),
    ("GET", "/api/v1/insights/trends"): Rule(INSIGHT_READERS),
    ("GET", "/api/v1/insights/cooccurrence"): Rule(INSIGHT_READERS),
    ("GET", "/api/v1/insights/panels"): Rule(INSIGHT_READERS),
    ("GET", "/api/v1/insights/value"): Rule(INSIGHT_READERS),
    ("GET", "/api/v1/insights/monitoring"): Rule(MONITORING_READERS),
    ("GET", "/api/v1/insights/briefing"): Rule(INSIGHT_READERS),
    ("GET", "/api/v1/insights/agreement/model"): Rule(AGREEMENT_READERS),
    ("GET", "/api/v1/review/adjudications"): Rule(REVIEWERS),
    ("GET", "/api/v1/review/stories/{story_id}"): Rule(REVIEWERS, path_params=_story),
    ("PUT", "/api/v1/review/stories/{story_id}/suggestions/{suggestion_id}/decision"): Rule(
        REVIEWERS, path_params=_suggestion, body=lambda w: {"decision": "accepted"}
    ),
    ("POST", "/api/v1/review/stories/{story_id}/codes"): Rule(
        REVIEWERS, path_params=_story, body=lambda w: {"code_key": "wellbeing"}
    ),
    ("DELETE", "/api/v1/review/stories/{story_id}/codes/{code_key}"): Rule(
        REVIEWERS, path_params=_story_code
    ),
    ("POST", "/api/v1/review/stories/{story_id}/finish"): Rule(REVIEWERS, path_params=_story),
    ("PUT", "/api/v1/review/stories/{story_id}/assignments"): Rule(
        REVIEWERS, path_params=_story, body=lambda w: {"reviewer_ids": [w.user_id, w.user_id]}
    ),
    ("GET", "/api/v1/review/stories/{story_id}/adjudication"): Rule(REVIEWERS, path_params=_story),
    ("POST", "/api/v1/review/stories/{story_id}/adjudications"): Rule(
        REVIEWERS,
        path_params=_story,
        body=lambda w: {"code_key": "wellbeing", "included": True, "reason": "Shown."},
    ),
    ("GET", "/api/v1/codebook"): Rule(SIGNED_IN),
    ("GET", "/api/v1/sites"): Rule(SIGNED_IN),
    ("GET", "/api/v1/units"): Rule(SIGNED_IN),
    ("POST", "/api/v1/units"): Rule(ADMIN, body=lambda w: {"name": "New site", "level": "site"}),
    ("PATCH", "/api/v1/units/{unit_id}"): Rule(
        ADMIN, path_params=lambda w: {"unit_id": w.site_id}, body=lambda w: {"parent_id": None}
    ),
    ("GET", "/api/v1/me"): Rule(SIGNED_IN),
    ("GET", "/api/v1/tokens"): Rule(SIGNED_IN),
    ("POST", "/api/v1/tokens"): Rule(SIGNED_IN, body=lambda w: {"name": "script"}),
    ("POST", "/api/v1/account/password"): Rule(
        SIGNED_IN,
        body=lambda w: {
            "current_password": "not the password",
            "new_password": "another long password",
        },
    ),
    # A spare token of the staff user: its owner and admins may revoke it.
    ("DELETE", "/api/v1/tokens/{token_id}"): Rule(
        WRITERS, path_params=lambda w: {"token_id": w.token_id}
    ),
    ("GET", "/api/v1/users"): Rule(ADMIN),
    ("POST", "/api/v1/users"): Rule(
        ADMIN,
        body=lambda w: {
            "email": "someone.new@example.org",
            "display_name": "Someone",
            "grants": [{"role": "staff", "unit_id": w.site_id}],
            "password": "long enough password",
        },
    ),
    ("POST", "/api/v1/users/{user_id}/grants"): Rule(
        ADMIN,
        path_params=lambda w: {"user_id": w.user_id},
        body=lambda w: {"role": "evaluator", "unit_id": w.site_id},
    ),
    ("DELETE", "/api/v1/users/{user_id}/grants/{role}/{unit_id}"): Rule(
        ADMIN,
        path_params=lambda w: {"user_id": w.user_id, "role": "facilitator", "unit_id": w.site_id},
    ),
    ("PATCH", "/api/v1/users/{user_id}"): Rule(
        ADMIN, path_params=lambda w: {"user_id": w.user_id}, body=lambda w: {"is_active": True}
    ),
    ("POST", "/api/v1/users/{user_id}/password"): Rule(
        ADMIN,
        path_params=lambda w: {"user_id": w.user_id},
        body=lambda w: {"password": "another long password"},
    ),
    ("GET", "/api/v1/audit"): Rule(ADMIN),
    ("GET", "/api/v1/models"): Rule(MODEL_READERS),
    ("GET", "/api/v1/models/{version}"): Rule(MODEL_READERS, path_params=_model),
    ("GET", "/api/v1/audit/export.csv"): Rule(ADMIN),
    ("GET", "/api/v1/privacy/stories/{story_id}"): Rule(ADMIN, path_params=_story),
    ("GET", "/api/v1/privacy/users/{user_id}"): Rule(
        ADMIN, path_params=lambda w: {"user_id": w.user_id}
    ),
    ("POST", "/api/v1/privacy/stories/{story_id}/erase"): Rule(
        ADMIN,
        path_params=lambda w: {"story_id": w.erasable_id},
        body=lambda w: {"reason": "policy test"},
    ),
    ("GET", "/api/v1/privacy/retention"): Rule(ADMIN),
    # Imports check the role before reading the upload, so no file is needed here.
    ("POST", "/api/v1/imports"): Rule(WRITERS),
    ("GET", "/api/v1/exports/stories.csv"): Rule(SIGNED_IN),
    ("GET", "/api/v1/exports/stories.xlsx"): Rule(SIGNED_IN),
    # REFI-QDA: anyone signed in downloads the codebook and the stories they may read; only
    # admins import a codebook (the role is checked before the upload is looked at).
    ("GET", "/api/v1/codebook/export.qdc"): Rule(SIGNED_IN),
    ("POST", "/api/v1/codebook/import-qdc"): Rule(ADMIN),
    ("GET", "/api/v1/exports/project.qdpx"): Rule(SIGNED_IN),
    # Tallies count the ballots posted and touch no data.
    ("POST", "/api/v1/tallies"): Rule(
        SIGNED_IN,
        body=lambda w: {
            "method": "plurality",
            "candidates": ["A", "B"],
            "ballots": [{"count": 2, "choice": "A"}],
        },
    ),
    # MSC pages: admins look after domains and periods; runners run the policy round (voting).
    ("GET", "/admin/msc/domains"): Rule(ADMIN),
    ("POST", "/admin/msc/domains"): Rule(ADMIN, form=lambda w: {"name": "Page domain"}),
    ("POST", "/admin/msc/domains/{domain_id}"): Rule(
        ADMIN,
        path_params=lambda w: {"domain_id": w.domain_id},
        form=lambda w: {"name": "Page domain edited"},
    ),
    ("GET", "/admin/msc/periods"): Rule(ADMIN),
    ("POST", "/admin/msc/periods"): Rule(
        ADMIN,
        form=lambda w: {
            "name": "Page period",
            **{"opens_on_day": "1", "opens_on_month": "7", "opens_on_year": "2026"},
            **{"closes_on_day": "30", "closes_on_month": "9", "closes_on_year": "2026"},
        },
    ),
    ("POST", "/admin/msc/periods/{period_id}/close"): Rule(
        ADMIN, path_params=lambda w: {"period_id": w.period_id}
    ),
    ("GET", "/msc/facilitate"): Rule(RUNNERS),
    ("POST", "/msc/facilitate"): Rule(
        RUNNERS,
        form=lambda w: {"name": "Page round", "unit_id": w.site_id, "period_id": w.period_id},
    ),
    ("GET", "/msc/facilitate/rounds/{round_id}"): Rule(RUNNERS, path_params=_round),
    ("POST", "/msc/facilitate/rounds/{round_id}/transition"): Rule(
        RUNNERS, path_params=_round, form=lambda w: {"to": "closed", "version": "1"}
    ),
    ("POST", "/msc/facilitate/rounds/{round_id}/members"): Rule(
        RUNNERS, path_params=_round, form=lambda w: {"guest_name": "Page guest"}
    ),
    ("POST", "/msc/facilitate/rounds/{round_id}/candidates/{candidate_id}"): Rule(
        RUNNERS,
        path_params=lambda w: {"round_id": w.round_id, "candidate_id": w.candidate_id},
        form=lambda w: {"domain_id": w.domain_id},
    ),
    ("POST", "/msc/facilitate/rounds/{round_id}/passes"): Rule(
        RUNNERS, path_params=_round, form=lambda w: {"version": "1"}
    ),
    ("POST", "/msc/facilitate/rounds/{round_id}/ballots"): Rule(
        RUNNERS,
        path_params=_round,
        form=lambda w: {"domain_id": w.domain_id, "choice": w.story_id, "count": "2"},
    ),
    ("GET", "/msc/facilitate/rounds/{round_id}/results"): Rule(RUNNERS, path_params=_round),
    ("GET", "/msc/facilitate/rounds/{round_id}/close"): Rule(RUNNERS, path_params=_round),
    ("POST", "/msc/facilitate/rounds/{round_id}/close/{domain_id}"): Rule(
        RUNNERS, path_params=_round_domain, form=lambda w: {"reasons": REASONS}
    ),
    ("GET", "/msc/facilitate/rounds/{round_id}/report"): Rule(RUNNERS, path_params=_round),
    # Set-up changes, removals and new guest codes: runners get 409 here (the round is
    # voting, and the member is no guest), everyone else is refused.
    ("POST", "/msc/facilitate/rounds/{round_id}/setup"): Rule(
        RUNNERS, path_params=_round, form=lambda w: {"name": "Renamed", "version": "1"}
    ),
    ("POST", "/msc/facilitate/rounds/{round_id}/members/{member_id}/remove"): Rule(
        RUNNERS, path_params=_round_member
    ),
    ("POST", "/msc/facilitate/rounds/{round_id}/members/{member_id}/code"): Rule(
        RUNNERS, path_params=_round_member
    ),
    ("POST", "/msc/facilitate/rounds/{round_id}/candidates/{candidate_id}/remove"): Rule(
        RUNNERS, path_params=_round_candidate
    ),
    # Verification: the round's insiders and the evaluators of its sites read the checks;
    # runners and evaluators record them (here refused as 409: the round is not closed).
    ("GET", "/msc/rounds/{round_id}/verification"): Rule(
        ROUND_READERS | {"evaluator"}, path_params=_round
    ),
    ("POST", "/msc/rounds/{round_id}/verification/{story_id}"): Rule(
        RUNNERS | {"evaluator"},
        path_params=lambda w: {"round_id": w.round_id, "story_id": w.story_id},
        form=lambda w: {"status": "verified", "method": "Phoned the person."},
    ),
    # MSC. Bodies are valid, so refusals come from the rules, not from validation; a runner
    # often gets 409 (the policy round is voting), which counts as allowed.
    ("GET", "/api/v1/msc/domains"): Rule(SIGNED_IN),
    ("POST", "/api/v1/msc/domains"): Rule(ADMIN, body=lambda w: {"name": "Policy domain"}),
    ("PATCH", "/api/v1/msc/domains/{domain_id}"): Rule(
        ADMIN,
        path_params=lambda w: {"domain_id": w.domain_id},
        body=lambda w: {"description": "Edited"},
    ),
    ("GET", "/api/v1/msc/periods"): Rule(SIGNED_IN),
    ("POST", "/api/v1/msc/periods"): Rule(
        ADMIN,
        body=lambda w: {"name": "2026 Q2", "opens_on": "2026-04-01", "closes_on": "2026-06-30"},
    ),
    ("POST", "/api/v1/msc/periods/{period_id}/close"): Rule(
        ADMIN, path_params=lambda w: {"period_id": w.period_id}
    ),
    # A wrong guest code is refused (401) for everyone, like a wrong password.
    ("POST", "/api/v1/msc/guest-sessions"): Rule(set(), body=lambda w: {"code": "WRONG-CODE"}),
    ("GET", "/api/v1/msc/my-stories"): Rule(SIGNED_IN),
    # The feedback is on the staff member's story: only its author marks it read.
    ("POST", "/api/v1/msc/my-stories/{feedback_id}/read"): Rule(
        {"staff"}, path_params=lambda w: {"feedback_id": w.feedback_id}
    ),
    ("GET", "/api/v1/msc/rounds"): Rule(SIGNED_IN),
    ("POST", "/api/v1/msc/rounds"): Rule(
        RUNNERS,
        body=lambda w: {
            "name": "Another round",
            "unit_id": w.site_id,
            "period_id": w.period_id,
            "facilitator_id": w.facilitator_id,
        },
    ),
    ("GET", "/api/v1/msc/rounds/{round_id}"): Rule(ROUND_READERS | {"staff"}, path_params=_round),
    ("PATCH", "/api/v1/msc/rounds/{round_id}"): Rule(
        RUNNERS, path_params=_round, body=lambda w: {"version": 1, "name": "Renamed"}
    ),
    ("POST", "/api/v1/msc/rounds/{round_id}/transition"): Rule(
        RUNNERS, path_params=_round, body=lambda w: {"to": "closed", "version": 1}
    ),
    ("GET", "/api/v1/msc/rounds/{round_id}/members"): Rule(ROUND_READERS, path_params=_round),
    ("POST", "/api/v1/msc/rounds/{round_id}/members"): Rule(
        RUNNERS, path_params=_round, body=lambda w: {"user_id": w.newcomer_id}
    ),
    ("DELETE", "/api/v1/msc/rounds/{round_id}/members/{member_id}"): Rule(
        RUNNERS, path_params=_round_member
    ),
    ("POST", "/api/v1/msc/rounds/{round_id}/members/{member_id}/code"): Rule(
        RUNNERS, path_params=_round_member
    ),
    ("DELETE", "/api/v1/msc/rounds/{round_id}/candidates/{candidate_id}"): Rule(
        RUNNERS, path_params=_round_candidate
    ),
    ("GET", "/api/v1/msc/rounds/{round_id}/candidates"): Rule(ROUND_READERS, path_params=_round),
    ("POST", "/api/v1/msc/rounds/{round_id}/candidates"): Rule(
        RUNNERS | {"staff"},
        path_params=_round,
        body=lambda w: {"story_id": w.story_id, "domain_id": w.domain_id},
    ),
    ("PUT", "/api/v1/msc/rounds/{round_id}/candidates/{candidate_id}"): Rule(
        RUNNERS,
        path_params=lambda w: {"round_id": w.round_id, "candidate_id": w.candidate_id},
        body=lambda w: {"domain_id": w.domain_id},
    ),
    ("GET", "/api/v1/msc/rounds/{round_id}/ballots"): Rule(PANEL, path_params=_round),
    ("PUT", "/api/v1/msc/rounds/{round_id}/ballots/{domain_id}"): Rule(
        PANEL, path_params=_round_domain, body=lambda w: {"choice": w.story_id}
    ),
    ("POST", "/api/v1/msc/rounds/{round_id}/ballots"): Rule(
        RUNNERS,
        path_params=_round,
        body=lambda w: {"domain_id": w.domain_id, "choice": w.story_id, "count": 2},
    ),
    ("GET", "/api/v1/msc/rounds/{round_id}/voters"): Rule(RUNNERS, path_params=_round),
    ("POST", "/api/v1/msc/rounds/{round_id}/passes"): Rule(
        RUNNERS,
        path_params=_round,
        body=lambda w: {"version": 1, "shortlist": {str(w.domain_id): [w.story_id]}},
    ),
    ("GET", "/api/v1/msc/rounds/{round_id}/results"): Rule(ROUND_READERS, path_params=_round),
    ("GET", "/api/v1/msc/rounds/{round_id}/decisions"): Rule(ROUND_READERS, path_params=_round),
    ("PUT", "/api/v1/msc/rounds/{round_id}/decisions/{domain_id}"): Rule(
        RUNNERS,
        path_params=_round_domain,
        body=lambda w: {"story_id": w.story_id, "reasons": REASONS, "criteria": [{"name": "x"}]},
    ),
    ("GET", "/api/v1/msc/rounds/{round_id}/verifications"): Rule(
        ROUND_READERS | {"evaluator"}, path_params=_round
    ),
    ("POST", "/api/v1/msc/rounds/{round_id}/verifications"): Rule(
        RUNNERS | {"evaluator"},
        path_params=_round,
        body=lambda w: {"story_id": w.story_id, "status": "verified", "method": "Phoned"},
    ),
}


def registered_routes(app) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, path) of every route, including those of included routers."""
    routes = set()
    for route in app.routes:
        if isinstance(route, Mount):
            continue  # static files: public by design
        contexts = getattr(route, "effective_route_contexts", None)
        found = (
            [(c.path, c.original_route) for c in contexts()] if contexts else [(route.path, route)]
        )
        for path, original in found:
            for method in getattr(original, "methods", None) or []:
                if method not in ("HEAD", "OPTIONS"):
                    routes.add((method, path))
    return routes


def test_every_registered_route_has_a_policy_row(app):
    routes = registered_routes(app)
    missing = sorted(routes - set(POLICY))
    stale = sorted(set(POLICY) - routes)
    assert not missing, f"routes with no policy row (add them to POLICY): {missing}"
    assert not stale, f"policy rows for routes that no longer exist: {stale}"


def test_every_api_route_needs_a_login(app):
    api_routes = [r for r in registered_routes(app) if r[1].startswith("/api/")]
    assert len(api_routes) >= 20
    for route in api_routes:
        assert ANON not in POLICY[route].allowed, route


@pytest.fixture
def world(session):
    site = make_site(session, "Policy site")
    users = {
        role: make_user(session, roles=[role], sites=[site], name=f"{role} person")
        for role in ROLES
    }
    story = make_story(session, site=site, author=users["staff"], title="Shared story")
    draft = make_story(
        session,
        site=site,
        author=users["staff"],
        title="A draft",
        status="draft",
        consent_level=None,
    )
    erasable = make_story(session, site=site, author=users["staff"], title="To erase")
    # Spare grants of the reviewer, for the admin's revoke routes to take away.
    for spare_role in ("facilitator", "panel_member"):
        grant_role(
            session=session,
            actor=None,
            user_id=users["reviewer"].id,
            role=spare_role,
            unit_id=site.id,
        )
    headers = {role: token_headers(session, user) for role, user in users.items()}
    headers[ANON] = {}
    _, spare = create_api_token(
        session=session, settings=KEYED, actor=actor_for(session, users["staff"]), name="spare"
    )
    objects = World(site.id, story.id, draft.id, users["reviewer"].id, spare.id, erasable.id)
    add_policy_round(session, objects, site, users["facilitator"], users["panel_member"])
    objects.model_version = add_model_version(session, "2026-12-02T11-00-00-0a0a").version
    objects.suggestion_id = suggest_now(session, story, PhraseSuggester())[0].id or 0
    return objects, headers


def _refused(response) -> bool:  # type: ignore[no-untyped-def]
    if response.status_code in (401, 403, 404):
        return True
    # Pages send people who are not signed in to /login?next=...; logging out also ends
    # on /login, but with ?logged_out=1, which is success.
    return response.is_redirect and "/login?next=" in response.headers.get("location", "")


@pytest.mark.parametrize("identity", sorted(EVERYONE))
def test_each_identity_gets_exactly_what_the_policy_allows(identity, app, client, world):
    objects, headers = world
    wrong = []
    for (method, path), rule in sorted(POLICY.items()):
        params = rule.path_params(objects) if rule.path_params else {}
        url = path.format(**params)
        kwargs: dict[str, Any] = {"headers": headers[identity], "follow_redirects": False}
        if rule.body:
            kwargs["json"] = rule.body(objects)
        if rule.form:
            kwargs["data"] = rule.form(objects)
        response = client.request(method, url, **kwargs)
        assert response.status_code < 500, (method, url, response.text)
        allowed = identity in rule.allowed
        if allowed == _refused(response):
            wrong.append(
                f"{method} {url}: {identity} got {response.status_code}, "
                f"expected {'allowed' if allowed else 'refused'}"
            )
    assert not wrong, "\n".join(wrong)
