"""Which slice of a long list a page shows, with links that keep the list's filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class PagedQuery(Protocol):
    """A list query that knows its page and can link to another page of itself."""

    @property
    def offset(self) -> int: ...

    @property
    def page_number(self) -> int: ...

    def link(self, page: int) -> str: ...


@dataclass(frozen=True)
class Pagination:
    """Showing `first` to `last` of `total`, with page links, for any paged list."""

    total: int
    shown: int
    query: PagedQuery
    page_size: int
    # The next page by cursor, for lists that seek to deep pages instead of counting.
    cursor_link: str | None = None

    @property
    def first(self) -> int:
        return self.query.offset + 1 if self.shown else 0

    @property
    def last(self) -> int:
        return self.query.offset + self.shown

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def previous_link(self) -> str | None:
        page = self.query.page_number
        return self.query.link(page - 1) if page > 1 else None

    @property
    def next_link(self) -> str | None:
        more = self.query.offset + self.page_size < self.total
        if not more:
            return None
        return self.cursor_link or self.query.link(self.query.page_number + 1)
