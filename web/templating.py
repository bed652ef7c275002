"""The one Jinja2 environment: templates, display filters and the error page."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import object_session
from sqlmodel import Session, col, select
from starlette.responses import Response

from storybank.access import Actor
from storybank.models import LABELS, Role, RoundMember, RoundState, SelectionRound
from storybank.msc import candidates, feedback

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
        "show_rounds_link": actor is not None and _in_session(request, actor, _sits_on_a_round),
        "show_facilitate_link": actor is not None and may_facilitate(actor),
        "show_review_link": actor is not None and bool(actor.sites_for(Role.reviewer)),
    }


@contextmanager
def _session_for(request: Request, actor: Actor) -> Iterator[Session]:
    """The request's database session (the one the actor was loaded in), or a short one."""
    found = object_session(actor.user)
    if isinstance(found, Session):
        yield found
        return
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


def _in_session(request: Request, actor: Actor, read: Callable[[Session, Actor], Any]) -> Any:
    """What `read` finds for the actor, in the request's database session."""
    with _session_for(request, actor) as session:
        return read(session, actor)


def _sits_on_a_round(session: Session, actor: Actor) -> bool:
    """The nav's check; the actor's user may be detached (an error page after a rollback)."""
    identity = sa_inspect(actor.user).identity
    return bool(identity) and sits_on_a_round(session, int(identity[0]))


def sits_on_a_round(session: Session, user_id: int) -> bool:
    """Whether to offer 'Rounds': the person sits on a round (a guest: until it closes)."""
    query = (
        select(RoundMember.id)
        .join(SelectionRound, col(SelectionRound.id) == RoundMember.round_id)
        .where(RoundMember.user_id == user_id)
        .where(~col(RoundMember.is_guest) | (col(SelectionRound.state) != RoundState.closed))
    )
    return session.exec(query.limit(1)).first() is not None


@pass_context
def story_rounds(context: Any, story: Any) -> dict[str, Any]:
    """The MSC rounds a story reached, for the story page: its author sees every closed
    round it reached and the outcome; people of its site see the rounds that selected it."""
    request, actor = context["request"], context["actor"]
    if actor is None:
        return {"reached": [], "selected_by": []}

    def read(session: Session, actor: Actor) -> dict[str, Any]:
        if actor.id == story.author_id:
            trails = feedback.my_story_trails(session=session, actor=actor)
            reached = [step for t in trails if t.story_id == story.id for step in t.rounds]
            return {"reached": reached, "selected_by": []}
        if actor.is_admin or story.site_id in actor.site_ids:
            selected = candidates.selection_trails(session, [story.id]).get(story.id, [])
            return {"reached": [], "selected_by": selected}
        return {"reached": [], "selected_by": []}

    result: dict[str, Any] = _in_session(request, actor, read)
    return result


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
templates.env.globals.update(
    role_labels=ROLE_LABELS, empty_list_note=empty_list_note, story_rounds=story_rounds
)


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
