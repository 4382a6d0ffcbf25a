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

from tap_media_apis.core.decode import json_body

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
    """An opaque cursor from the body (``cursor_field``), sent back as ``cursor_param``.

    A missing or empty cursor ends the list; with ``records_of`` a short or empty page
    ends it too, so no request is made past the end.
    """

    cursor_field: str
    cursor_param: str

    def __init__(
        self,
        page_size: int,
        records_of: RecordsOf | None = None,
        *,
        size_param: str = "limit",
    ) -> None:
        super().__init__(None)
        self.page_size = page_size
        self._records_of = records_of
        self._size_param = size_param

    def get_next(self, response: requests.Response) -> Any:
        body = json_body(response)
        return (body.get(self.cursor_field) if isinstance(body, dict) else None) or None

    def has_more(self, response: requests.Response) -> bool:
        return self._records_of is None or len(self._records_of(response)) >= self.page_size

    def shape(self, request: HTTPRequest) -> None:
        request.params[self._size_param] = self.page_size
        if self.current_value:
            request.params[self.cursor_param] = self.current_value
