"""Paging: the paginators, and the declaration a stream makes of which one it uses.

Every paginator here has ``apply_to(request)``: it writes the page parameters (or swaps
in the next URL), so a stream never builds paging parameters itself. A stream declares
``paging = Paging(CursorPaginator, ...)`` and the core builds a fresh paginator for each
partition with the stream's page size and record reader.
"""

from __future__ import annotations

from collections.abc import Callable, Sized
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import ParseResult

import requests
from singer_sdk.pagination import (
    BaseAPIPaginator,
    BaseHATEOASPaginator,
    PageNumberPaginator,
    SinglePagePaginator,
)
from singer_sdk.streams.rest import HTTPRequest
from typing_extensions import override

from tap_media_apis.core.decode import json_body

RecordsOf = Callable[[requests.Response], Sized]


class PagedStream(Protocol):
    """What a paging declaration needs from its stream."""

    @property
    def page_size(self) -> int: ...

    def records_in(self, response: requests.Response) -> list[Any]: ...


class RequestPaginator(Protocol):
    """A paginator that writes its page into the request (every paginator here)."""

    finished: bool
    current_value: Any

    def apply_to(self, request: HTTPRequest) -> None: ...

    def advance(self, response: requests.Response) -> None: ...


@dataclass(frozen=True)
class Paging:
    """A stream's paging, declared: the paginator class and its parameters.

    ``sized``: the paginator takes the stream's page size first. ``short_page_ends``: it
    also takes the stream's record reader, so a short or empty page ends the list.
    """

    paginator: Callable[..., Any]
    sized: bool = True
    short_page_ends: bool = True
    params: dict[str, Any] = field(default_factory=dict)

    def build(self, stream: PagedStream) -> RequestPaginator:
        args: list[Any] = []
        if self.sized:
            args.append(stream.page_size)
        if self.short_page_ends:
            args.append(stream.records_in)
        paginator: RequestPaginator = self.paginator(*args, **self.params)
        return paginator


class SinglePage(SinglePagePaginator):
    """One request, nothing to shape: single objects and unpaginated lists."""

    def apply_to(self, request: HTTPRequest) -> None:
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

    @override
    def has_more(self, response: requests.Response) -> bool:
        return len(self._records_of(response)) >= self.page_size

    def apply_to(self, request: HTTPRequest) -> None:
        request.params[self._page_param] = self.current_value
        request.params[self._size_param] = self.page_size


class NextUrlPaginator(BaseHATEOASPaginator):
    """Follows a full next-page URL as-is; the first request carries the stream's params.

    Later requests use the URL alone, so query parameters are never sent twice.
    """

    def apply_to(self, request: HTTPRequest) -> None:
        token: ParseResult | None = self.current_value
        if token is not None:
            request.url = token.geturl()
            request.params = {}

    @override
    def get_next_url(self, response: requests.Response) -> Any:
        raise NotImplementedError


class LinkHeaderPaginator(NextUrlPaginator):
    """RFC 8288 ``Link: <…>; rel="next"``; no such link means the last page."""

    @override
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

    @override
    def get_next(self, response: requests.Response) -> Any:
        body = json_body(response)
        return (body.get(self.cursor_field) if isinstance(body, dict) else None) or None

    @override
    def has_more(self, response: requests.Response) -> bool:
        return self._records_of is None or len(self._records_of(response)) >= self.page_size

    def apply_to(self, request: HTTPRequest) -> None:
        request.params[self._size_param] = self.page_size
        if self.current_value:
            request.params[self.cursor_param] = self.current_value


#: One request: single objects and unpaginated lists.
NO_PAGING = Paging(SinglePage, sized=False, short_page_ends=False)
#: ``page``/``limit`` with a short-page stop: the default of most lists.
PAGE_NUMBER_PAGING = Paging(PageNumberLimitPaginator)
#: ``Link: rel="next"`` headers, followed as they are.
LINK_HEADER_PAGING = Paging(LinkHeaderPaginator, sized=False, short_page_ends=False)
