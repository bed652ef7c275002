"""Page dependencies: who is signed in (or a trip to the login page), CSRF, story look-ups."""

from __future__ import annotations

import re
import secrets
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SESSION_COOKIE, OptionalActor, SessionDep, SettingsDep
from storybank import accounts, stories
from storybank.access import Actor, require_role, require_story_writer
from storybank.accounts import held_forms
from storybank.config import Settings
from storybank.errors import Forbidden
from storybank.models import Id, Role, Story

DEFAULT_PAGE = "/stories"
CSRF_MESSAGE = (
    "This form could not be accepted because its security token is missing or out of date. "
    "Go back, reload the page and send the form again."
)
# The story forms whose text is kept when they are posted after the session ended.
KEEPABLE_FORM = re.compile(r"^/stories/(?:new|(?P<story_id>\d{1,18})/(?:edit|submit))$")


class LoginRequired(Exception):
    """Raised by page dependencies when nobody is signed in; answered with a redirect."""

    def __init__(self, next_path: str, session_ended: bool = False) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.session_ended = session_ended


def login_redirect(request: Request, exc: Exception) -> Response:
    """Send the person to the login page, remembering where they were going."""
    assert isinstance(exc, LoginRequired)
    ended = "&ended=1" if exc.session_ended else ""
    return RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}{ended}", status_code=303)


def safe_next(value: str | None) -> str:
    """A local path to go to after login; anything else (other sites, '//host') is refused."""
    if (
        not value
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(ord(char) < 32 for char in value)
    ):
        return DEFAULT_PAGE
    return value


def _return_path(request: Request) -> str:
    """Where to come back to after logging in: this page, or for a form post its page."""
    if request.method in ("GET", "HEAD"):
        query = f"?{request.url.query}" if request.url.query else ""
        return request.url.path + query
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path:
        return safe_next(referer.path)
    return DEFAULT_PAGE


def page_actor(request: Request, actor: OptionalActor) -> Actor:
    """The signed-in actor; without one, the person is sent to log in."""
    if actor is None:
        raise LoginRequired(_return_path(request))
    return actor


PageActor = Annotated[Actor, Depends(page_actor)]


async def read_form(request: Request) -> dict[str, str]:
    """The posted form's text fields, exactly as typed (so a form can be shown again)."""
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


FormValues = Annotated[dict[str, str], Depends(read_form)]


def tokens_match(sent: str | None, expected: str | None) -> bool:
    """Constant-time comparison of two non-empty tokens."""
    if not sent or not expected:
        return False
    return secrets.compare_digest(sent.encode(), expected.encode())


def form_actor(request: Request, actor: PageActor, form: FormValues) -> Actor:
    """The signed-in actor of a form post whose CSRF token matches their login session.

    As in the API, only cookie sessions need the token: a browser never sends an API
    token by itself, so a request carrying one cannot be forged by another site.
    """
    if getattr(request.state, "via_token", False):
        return actor
    login = getattr(request.state, "login_session", None)
    if login is None or not tokens_match(form.get("csrf_token"), login.csrf_token):
        raise Forbidden(CSRF_MESSAGE, code="csrf_failed")
    return actor


FormActor = Annotated[Actor, Depends(form_actor)]


def keep_form_when_signed_out(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: OptionalActor,
    form: FormValues,
) -> None:
    """A story form posted after its session ended: keep what was typed, then ask the
    person to sign in and come back to it. Nothing is kept for anyone else."""
    if actor is not None:
        return
    resume = _hold_form(request, session, settings, form)
    raise LoginRequired(resume or _return_path(request), session_ended=True)


def _hold_form(
    request: Request, session: Session, settings: Settings, form: dict[str, str]
) -> str | None:
    """Where to pick up the kept form after sign-in, or None if it could not be kept."""
    cookie = request.cookies.get(SESSION_COOKIE)
    target = KEEPABLE_FORM.match(request.url.path)
    if not cookie or target is None:
        return None
    ended = accounts.ended_session(session=session, settings=settings, token=cookie)
    if ended is None or not tokens_match(form.get("csrf_token"), ended.csrf_token):
        return None
    story_id = target.group("story_id")
    token = held_forms.hold_form(
        session=session,
        settings=settings,
        ended=ended,
        target=request.url.path,
        form=form,
        story_id=int(story_id) if story_id else None,
    )
    return f"/stories/resume/{token}" if token else None


KeepFormWhenSignedOut = Depends(keep_form_when_signed_out)


def admin_page_actor(actor: PageActor) -> Actor:
    """The signed-in actor, if they are an admin; Forbidden (the 403 page) otherwise."""
    require_role(actor, Role.admin)
    return actor


def admin_form_actor(actor: FormActor) -> Actor:
    """The admin posting a form whose CSRF token matches their login session."""
    require_role(actor, Role.admin)
    return actor


AdminPageActor = Annotated[Actor, Depends(admin_page_actor)]
AdminFormActor = Annotated[Actor, Depends(admin_form_actor)]


def readable_story(story_id: Id, session: SessionDep, actor: PageActor) -> Story:
    """The story, if the actor may read it; NotFound otherwise."""
    return stories.get_story(session=session, actor=actor, story_id=story_id)


def writable_story(story: Annotated[Story, Depends(readable_story)], actor: PageActor) -> Story:
    """The story, if the actor may also write stories of its site."""
    require_story_writer(actor, story.site_id)
    return story


ReadableStory = Annotated[Story, Depends(readable_story)]
WritableStory = Annotated[Story, Depends(writable_story)]


def secure_cookies(request: Request, settings: Settings) -> bool:
    """Whether cookies get the Secure flag: behind HTTPS, or when the operator forces it."""
    return request.url.scheme == "https" or settings.cookie_secure is True
