"""The one Jinja2 environment: templates, display filters and the error page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from storybank.access import Actor
from storybank.models import LABELS, Role

TEMPLATES = Path(__file__).resolve().parent / "templates"
LOCAL_TIME = ZoneInfo("Europe/London")
ROLE_LABELS = {
    Role.staff: "Staff (writes stories)",
    Role.reviewer: "Reviewer",
    Role.panel_member: "Panel member",
    Role.facilitator: "Panel facilitator",
    Role.evaluator: "Evaluator",
    Role.admin: "Admin",
}
ERROR_PAGES: dict[int, tuple[str, str]] = {
    400: ("Something is wrong with that request", "Go back, check what you entered and try again."),
    401: ("You need to log in", "Log in, then try again."),
    403: (
        "You cannot do this",
        "Go back and try again. If you think you should be able to do this, ask your admin.",
    ),
    404: ("Page not found", "Check the address, or go to the list of stories."),
    405: ("Page not found", "Check the address, or go to the list of stories."),
    409: ("This has changed", "Reload the page to see the latest version, then try again."),
    413: ("That is too much to send at once", "Send less, or split it into several parts."),
    422: ("Some of what you entered is not valid", "Go back, check it and try again."),
    429: ("Too many attempts", "Wait a few minutes, then try again."),
    503: (
        "Storybank is busy for a moment",
        "Nothing was lost: go back and send the form again in a few seconds.",
    ),
}
SERVER_ERROR = ("Sorry, something went wrong", "Try again. If it keeps happening, tell your admin.")


def _page_context(request: Request) -> dict[str, Any]:
    """What every page needs: the signed-in actor, their form token, their nav links."""
    actor: Actor | None = getattr(request.state, "actor", None)
    return {
        "actor": actor,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "show_write_link": actor is not None and may_write_stories(actor),
        "show_facilitate_link": actor is not None and may_facilitate(actor),
    }


def may_write_stories(actor: Actor) -> bool:
    """Whether to offer 'Write a story' (the service still checks each site)."""
    return actor.is_admin or bool(actor.sites_for(Role.staff))


def empty_list_note(actor: Actor) -> str:
    """What an empty story list means for someone who does not write stories."""
    if not actor.site_ids:
        return "Your account is not linked to a site yet. Ask your admin to add you to your site."
    if actor.has_role(Role.reviewer, Role.facilitator):
        return "Stories appear here once staff at your sites submit them."
    if actor.has_role(Role.evaluator):
        return (
            "Stories appear here once staff at your sites submit them with consent for them "
            "to be read beyond their site."
        )
    if actor.has_role(Role.panel_member):
        return (
            "As a panel member you will read the candidate stories of the selection rounds you "
            "sit on. Your facilitator will tell you when a round opens; stories are written by "
            "staff at each site."
        )
    return "Stories appear here once you are given a role that lets you read them. Ask your admin."


def label(value: str | None) -> str:
    """The person-readable label of a stored choice value."""
    return LABELS.get(value or "", value or "")


def money(value: Decimal | None) -> str:
    """£126 or £126.50; empty for no value."""
    if value is None:
        return ""
    amount = abs(value)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"£{text}"


def figure(value: Fraction | int | None) -> str:
    """A tally's figure: 3, 2.5 or 3.67; "no score" for none."""
    if value is None:
        return "no score"
    if Fraction(value).denominator == 1:
        return str(int(value))
    return f"{float(value):.2f}".rstrip("0")


def may_facilitate(actor: Actor) -> bool:
    """Whether to offer 'Facilitate' (a facilitator grant somewhere, or admin)."""
    return actor.is_admin or bool(actor.units.get(Role.facilitator))


def long_date(value: date | None) -> str:
    """14 March 2026."""
    return f"{value.day} {value:%B %Y}" if value else ""


def when(value: datetime | None) -> str:
    """14 March 2026 at 10:32, in UK time."""
    if value is None:
        return ""
    local = value.astimezone(LOCAL_TIME)
    return f"{long_date(local.date())} at {local:%H:%M}"


templates = Jinja2Templates(directory=TEMPLATES, context_processors=[_page_context])
templates.env.filters.update(
    label=label, money=money, figure=figure, long_date=long_date, when=when
)
templates.env.globals.update(role_labels=ROLE_LABELS, empty_list_note=empty_list_note)


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A page; never cached, as pages carry personal data and may be on shared computers."""
    response = templates.TemplateResponse(request, name, context or {}, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    for header, value in (headers or {}).items():
        response.headers[header] = value
    return response


def render_error(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None
) -> Response:
    """The error page: what went wrong and what to do next (never a stack trace)."""
    title, next_step = ERROR_PAGES.get(status, SERVER_ERROR)
    context = {"status": status, "title": title, "message": message, "next_step": next_step}
    return render(request, "error.html", context, status, headers)
