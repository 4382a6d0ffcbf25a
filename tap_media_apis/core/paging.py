"""Paginators that also shape the request for their page.

Every paginator here has ``shape(request)``: it writes the page parameters (or swaps in
the next URL) so a stream never builds paging parameters itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sized
from typing import Any
from urllib.parse import ParseResult

import requests
from singer_sdk.pagination import (
    BaseAPIPaginator,
    BaseHATEOASPaginator,
    PageNumberPaginator,
    SinglePagePaginator,
)
from singer_sdk.streams.rest import HTTPRequest

RecordsOf = Callable[[requests.Response], Sized]


class SinglePage(SinglePagePaginator):
    """One request, nothing to shape: single objects and unpaginated lists."""

    def shape(self, request: HTTPRequest) -> None:
        return None


class PageNumberLimitPaginator(PageNumberPaginator):
    """``page``/``limit`` paging (1-based) that stops on a short or empty page.

    A full page means "maybe more"; a short one is the last, so the request an empty
    page would cost is never made.
    """

    def __init__(
        self,
        page_size: int,
        records_of: RecordsOf,
        *,
        page_param: str = "page",
        size_param: str = "limit",
        start_value: int = 1,
    ) -> None:
        super().__init__(start_value)
        self.page_size = page_size
        self._records_of = records_of
        self._page_param = page_param
        self._size_param = size_param

    def has_more(self, response: requests.Response) -> bool:
        return len(self._records_of(response)) >= self.page_size

    def shape(self, request: HTTPRequest) -> None:
        request.params[self._page_param] = self.current_value
        request.params[self._size_param] = self.page_size


class NextUrlPaginator(BaseHATEOASPaginator):
    """Follows a full next-page URL as-is; the first request carries the stream's params.

    Later requests use the URL alone, so query parameters are never sent twice.
    """

    def shape(self, request: HTTPRequest) -> None:
        token: ParseResult | None = self.current_value
        if token is not None:
            request.url = token.geturl()
            request.params = {}

    def get_next_url(self, response: requests.Response) -> Any:
        raise NotImplementedError


class LinkHeaderPaginator(NextUrlPaginator):
    """RFC 8288 ``Link: <…>; rel="next"``; no such link means the last page."""

    def get_next_url(self, response: requests.Response) -> str | None:
        return response.links.get("next", {}).get("url")


class CursorPaginator(BaseAPIPaginator[Any]):
    """An opaque cursor from the body, sent back as a query parameter.

    Subclasses say where the cursor is (``cursor_of``) and may add a stop rule.
    """

    def __init__(self, page_size: int, *, cursor_param: str, size_param: str = "limit") -> None:
        super().__init__(None)
        self.page_size = page_size
        self._cursor_param = cursor_param
        self._size_param = size_param

    def cursor_of(self, response: requests.Response) -> Any:
        raise NotImplementedError

    def get_next(self, response: requests.Response) -> Any:
        return self.cursor_of(response) or None

    def shape(self, request: HTTPRequest) -> None:
        request.params[self._size_param] = self.page_size
        if self.current_value:
            request.params[self._cursor_param] = self.current_value
