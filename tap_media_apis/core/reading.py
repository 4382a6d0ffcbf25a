"""Reading a list: the paging loop, the query parameters, the records of each page."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

import requests
from singer_sdk.streams.rest import PageContext
from typing_extensions import override

from tap_media_apis.core.accounts import ACCOUNT_COLUMN
from tap_media_apis.core.envelope import records_in_body
from tap_media_apis.core.paging import NO_PAGING, RequestPaginator
from tap_media_apis.core.requesting import RetriedRequests
from tap_media_apis.core.shaping import RecordShaper

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

Page = list[dict[str, Any]]


class PagedReads(RetriedRequests):
    """Pages of shaped records, with no request after the API signals the end."""

    @override
    def get_new_paginator(self) -> RequestPaginator:  # type: ignore[override]
        return (NO_PAGING if self.single_record else self.paging).build(self)

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        params = dict(self.fixed_params)
        for name in self.context_params:
            if context and context.get(name) is not None:
                value = context[name]
                params[name] = ("true" if value else "false") if isinstance(value, bool) else value
        return params

    def request_pages(self, context: Context | None) -> Iterator[Page]:
        """Each page's records, shaped."""
        paginator = self.get_new_paginator()
        while not paginator.finished:
            http_request = self.get_http_request(
                page=PageContext(stream_context=context, next_page_token=paginator.current_value)
            )
            paginator.apply_to(http_request)
            prepared = self.build_prepared_request(
                method=http_request.method,
                url=http_request.url,
                params=http_request.encode_params(),
                headers=http_request.headers,
            )
            response = self.send(prepared, context)
            if self.tolerated and (answer := self._tolerated_as(response)) is not None:
                if answer.not_ready:
                    self.not_ready(context)
                return
            records = self.parse_response(response)
            if not records:
                return
            yield records
            paginator.advance(response)

    def _tolerated_as(self, response: requests.Response) -> Any:
        return next((a for a in self.tolerated if a.matches(response)), None)

    def not_ready(self, context: Context | None) -> None:
        """A tolerated "not ready yet" answer: the parent record is read again next sync."""
        parent = self.parent
        if parent is not None and context:
            parent.hold_for_later(context)

    @override
    def request_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        for page in self.request_pages(context):
            yield from page

    @override
    def parse_response(self, response: requests.Response) -> Page:
        shape = self.shape_record
        return [shape(record) for record in self.records_in(response)]

    def records_in(self, response: requests.Response) -> list[Any]:
        """The raw records of a response, checked against the envelope."""
        return records_in_body(
            response, self.records_key, single_record=self.single_record, who=self.log_prefix
        )

    @cached_property
    def shaper(self) -> RecordShaper:
        replication_key = self.replication_key
        time_fields = ((replication_key,) if replication_key else ()) + self.timestamp_fields
        return RecordShaper(
            self.schema["properties"],
            time_fields=tuple(dict.fromkeys(time_fields)),
            replication_key=replication_key,
            masks=self.masks,
            keep_extra=bool(self.config.get("keep_extra_fields", True)),
            constants={ACCOUNT_COLUMN: self.runtime.account_name},
        )

    def shape_record(self, record: dict[str, Any]) -> dict[str, Any]:
        """One API record as a stream record (masked, pruned, timestamps in UTC)."""
        return self.shaper(record)

    def probe(self) -> None:
        """One authenticated request: the first page, read and discarded."""
        for _ in self.request_pages(None):
            break
