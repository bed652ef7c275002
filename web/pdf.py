"""Pages as PDF with WeasyPrint, offline: our own template and stylesheet in, a PDF out.

WeasyPrint is given a URL fetcher that refuses every URL but `data:` (the charts), so
rendering never reaches the network nor reads a file a template names; fonts come from
the system's fontconfig. WeasyPrint is imported on first use: start-up does not pay for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from web.templating import templates

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcherResponse

STYLESHEET = Path(__file__).resolve().parent / "static" / "css" / "briefing.css"


class RefusedURL(ValueError):
    """A document asked for something other than a data: URL."""


def offline_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves data: URLs and refuses everything else."""
    from weasyprint.urls import URLFetcher

    class DataOnly(URLFetcher):  # type: ignore[misc]
        refused: list[str]

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if not url.startswith("data:"):
                self.refused.append(url)
                raise RefusedURL(f"not fetched: {url[:80]}")
            return super().fetch(url, headers)

    fetcher = DataOnly(allowed_protocols=("data",))
    fetcher.refused = []
    return fetcher


def html_to_pdf(html: str, fetcher: Any | None = None) -> bytes:
    """An HTML document (and the briefing stylesheet) as PDF, nothing fetched."""
    from weasyprint import CSS, HTML

    fetcher = fetcher or offline_fetcher()
    style = CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)
    document = HTML(string=html, base_url="about:blank", url_fetcher=fetcher)
    return bytes(document.write_pdf(stylesheets=[style]))


def render_pdf(name: str, context: dict[str, Any]) -> bytes:
    """A template rendered as a standalone document, then as PDF."""
    return html_to_pdf(templates.get_template(name).render(context))
