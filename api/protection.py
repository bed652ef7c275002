"""ASGI middleware: request size limits, NUL characters refused, security headers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body, error_response

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# The interactive API docs load their own bundled script inline; relax only there.
DOCS_CSP = (
    b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
    b"'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
)
DOCS_PATHS = {"/docs", "/docs/oauth2-redirect", "/redoc"}


class _TooLarge(Exception):
    pass


class RequestLimits:
    """Refuse bodies over the limit with 413 before they are read into memory."""

    def __init__(
        self, app: ASGIApp, *, default_limit: int, large_limit: int, large_paths: tuple[str, ...]
    ) -> None:
        self.app = app
        self.default_limit = default_limit
        self.large_limit = large_limit
        self.large_paths = large_paths

    def _limit_for(self, path: str) -> int:
        return self.large_limit if path.startswith(self.large_paths) else self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope["path"])
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _send_413(send, limit, scope["path"])
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_413(send, limit, scope["path"])


class RequestSlots:
    """At most `settings.request_slots` requests in progress in this worker at once; the
    rest wait their turn at the door, in order of arrival.

    Python runs one thread at a time: twenty requests sharing the interpreter each take
    about twenty times as long, so the slowest kinds (a search, a long list) answered last
    wait longest. Taken a few at a time, the same work ends sooner for most and far sooner
    for the slowest. A request waiting here holds no thread and no database connection, so
    one let in always gets both (slots are at most the pool's connections and the thread
    pool's 40 threads), and a request waiting for a connection never blocks the one holding
    it. The slots are made in the app's lifespan, on its event loop; without a lifespan
    (an app used without starting it) there is no limit.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        slots = getattr(scope["app"].state, "request_slots", None) if "app" in scope else None
        if scope["type"] != "http" or slots is None:
            await self.app(scope, receive, send)
            return
        async with slots:
            await self.app(scope, receive, send)


async def _send_413(send: Send, limit: int, path: str) -> None:
    """413 as JSON for the API, as a short page for the web pages."""
    message = (
        f"The request body is larger than the limit of {limit:,} bytes. "
        "Send less at once (split a long text or a large import into parts)."
    )
    if path.startswith("/api/"):
        body = json.dumps(error_body("too_large", message)).encode()
        kind = b"application/json"
    else:
        body = (
            '<!doctype html><html lang="en"><meta charset="utf-8">'
            "<title>Too large - storybank</title><h1>That was too much to send at once</h1>"
            f"<p>{message}</p><p>Go back, shorten the text and send it again.</p></html>"
        ).encode()
        kind = b"text/html; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


NUL = "\x00"
NUL_MESSAGE = "Must not contain NUL characters (an invisible control character); remove them."
JSON_TYPE = b"application/json"
FORM_TYPE = b"application/x-www-form-urlencoded"


class RejectNulCharacters:
    """Refuse any path, query or JSON/form field holding a NUL character with a 422.

    NUL has no place in text a person writes, PostgreSQL cannot store it, and it hides
    text from anyone who reads the data later; the answer names the field.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        field = _nul_in_path(scope) or _nul_in_form(scope.get("query_string", b""))
        kind = dict(scope.get("headers") or []).get(b"content-type", b"").split(b";")[0]
        if field is None and kind.strip().lower() in (JSON_TYPE, FORM_TYPE):
            body = await _read_body(receive)
            field = _nul_in_json(body) if kind.strip().lower() == JSON_TYPE else _nul_in_form(body)
            receive = _replay(body, receive)
        if field is None:
            await self.app(scope, receive, send)
            return
        await _nul_response(scope, field)(scope, receive, send)


def _nul_in_path(scope: Scope) -> str | None:
    return "path" if NUL in scope.get("path", "") else None


def _nul_in_form(encoded: bytes) -> str | None:
    """The first name=value pair (query string or form body) holding a NUL, by name."""
    if b"%00" not in encoded and b"\x00" not in encoded:
        return None
    pairs = parse_qsl(encoded.decode("utf-8", "replace"), keep_blank_values=True)
    found = (name for name, value in pairs if NUL in name + value)
    return next((name.replace(NUL, "") or "query" for name in found), None)


def _nul_in_json(body: bytes) -> str | None:
    """The dotted path of the first JSON key or string holding a NUL (JSON writes it \\u0000)."""
    if b"\\u0000" not in body:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None  # not JSON: the route answers that itself
    return next(_nul_paths(data, ()), None)


def _nul_paths(value: Any, path: tuple[str, ...]) -> Iterator[str]:
    if isinstance(value, str) and NUL in value:
        yield ".".join(path) or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield ".".join(path) or "body"
            yield from _nul_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, (*path, str(index)))


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive callable that hands the app the body already read, then waits as usual."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _nul_response(scope: Scope, field: str) -> Response:
    """The 422 answer in the shape of every other validation error (JSON or a page)."""
    problems = [{"field": field, "message": NUL_MESSAGE}]
    message = f"Some fields are not valid: {field}."
    return error_response(Request(scope), 422, "invalid_input", message, problems)


class SecurityHeaders:
    """Add the security headers (CSP without inline scripts, no framing, no sniffing)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_docs = scope["path"] in DOCS_PATHS

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS:
                    if name == b"content-security-policy" and is_docs:
                        value = DOCS_CSP
                    if name not in present:
                        headers.append((name, value))
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
