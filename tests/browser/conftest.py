"""The real app served on a local port, and a phone-sized page in Debian's Chromium."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
import uvicorn

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_url(request: pytest.FixtureRequest, backend: str) -> Iterator[str]:
    """The real app served by uvicorn on a free local port, against the test database."""
    if backend != "sqlite":
        pytest.skip("browser tests run on SQLite only, to keep the suite fast")
    app = request.getfixturevalue("app")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            if httpx.get(f"{url}/login", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.1)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def phone_page(live_url: str) -> Iterator[Page]:
    """A page in Chromium sized and behaving like a phone, with a UK locale."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=live_url,
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
            locale="en-GB",
        )
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


@pytest.fixture
def desktop_browser(live_url: str) -> Iterator[Callable[[], Page]]:
    """Chromium with a function that opens a fresh desktop-sized page: one per person, so
    each keeps their own sign-in."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        contexts = []

        def new_page() -> Page:
            context = browser.new_context(
                base_url=live_url, viewport={"width": 1280, "height": 900}, locale="en-GB"
            )
            context.set_default_timeout(10_000)
            contexts.append(context)
            return context.new_page()

        try:
            yield new_page
        finally:
            for context in contexts:
                context.close()
            browser.close()
