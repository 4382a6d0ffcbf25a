"""The base stream every provider builds on.

A provider's base class sets ``provider_name``, its paginator and envelope; a stream
class then declares only name, path, keys, replication key and parent.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Generator, Hashable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import backoff
import requests
import singer_sdk.singerlib as singer
from singer_sdk import RESTStream, metrics
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.helpers._util import utc_now
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.pagination import BaseAPIPaginator
from singer_sdk.streams.rest import PageContext

from tap_media_apis.core.auth import RefreshingTokenAuth
from tap_media_apis.core.decode import json_body
from tap_media_apis.core.errors import (
    ProviderAPIError,
    api_message,
    connection_problem,
    redact_url,
)
from tap_media_apis.core.meters import RunningCounter, RunningTimer
from tap_media_apis.core.paging import PageNumberLimitPaginator, SinglePage
from tap_media_apis.core.retry import backoff_waits, retry_after_seconds
from tap_media_apis.core.schemas import load_schema
from tap_media_apis.core.session import Session
from tap_media_apis.core.timestamps import to_rfc3339

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_media_apis.core.provider import ProviderRuntime, RequestAuth
    from tap_media_apis.tap import TapMediaApis

Page = list[dict[str, Any]]
RETRIABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: Resolver answers that a host name does not exist (glibc, BSD/macOS, no A record).
NO_SUCH_HOST = (
    "Name or service not known",
    "nodename nor servname provided",
    "No address associated with hostname",
)
TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    ConnectionResetError,
    # A connection dropped halfway through the body (IncompleteRead) is not a ConnectionError.
    requests.exceptions.ChunkedEncodingError,
)


class ProviderStream(RESTStream[Any]):
    """A stream of one provider's API, with the shared behaviour of design.md."""

    provider_name: ClassVar[str]
    #: Key of the record list (or single object) in the body; None: the body itself.
    records_key: ClassVar[str | None] = "data"
    #: The body (or ``records_key``) is one object, not a list.
    single_record: ClassVar[bool] = False
    #: Statuses that mean "nothing here" for this endpoint rather than a failure.
    tolerated_statuses: ClassVar[frozenset[int]] = frozenset()
    #: The list comes newest first: stop paging at the bookmark.
    newest_first: ClassVar[bool] = False
    #: Timestamp fields converted to RFC 3339 UTC, besides the replication key.
    timestamp_fields: ClassVar[tuple[str, ...]] = ()
    #: More parents than ``parent_stream_type`` (a child of assets AND live streams).
    extra_parent_stream_types: ClassVar[tuple[type[ProviderStream], ...]] = ()
    #: Records before the bookmark still get their children synced: for parents whose
    #: replication key does not move when their children change.
    children_follow_old_records: ClassVar[bool] = False
    #: Fixed query parameters of the first request.
    query: ClassVar[dict[str, Any]] = {}
    #: The HTTP session class, one instance per thread.
    session_class: ClassVar[type[requests.Session]] = Session

    # One bookmark per stream, never one per parent record (small state).
    state_partitioning_keys: ClassVar[list[str] | None] = []
    # Records leave parse_response pruned to the schema and JSON-native.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    @classmethod
    def unavailable_reason(cls, block: Mapping[str, Any]) -> str | None:
        """Why this stream cannot run with this provider block (it is then not discovered)."""
        return None

    @classmethod
    def stream_schema(cls) -> dict[str, Any]:
        """The JSON schema, from ``schemas/<provider>/<stream>.json``."""
        return load_schema(cls.provider_name, cls.name)  # type: ignore[misc]

    def __init__(self, tap: TapMediaApis) -> None:
        super().__init__(tap, schema=self.stream_schema())
        self._properties = frozenset(self.schema["properties"])
        self._sessions = threading.local()
        self._running_counter: RunningCounter | None = None
        self._running_timer: RunningTimer | None = None
        self._announced = False
        self._schema_sent = False
        self._deselection_mask: singer.SelectionMask | None = None
        self._deselected: tuple[str, ...] | None = ()
        self._time_fields = tuple(
            dict.fromkeys(
                ((self.replication_key,) if self.replication_key else ()) + self.timestamp_fields
            )
        )

    # -- wiring -------------------------------------------------------------------

    @property
    def runtime(self) -> ProviderRuntime:
        return self._tap.runtime(self.provider_name)  # type: ignore[attr-defined]

    @property
    def url_base(self) -> str:
        return self.runtime.base_url

    @property
    def authenticator(self) -> RequestAuth:
        return self.runtime.authenticator

    @property
    def timeout(self) -> float:  # type: ignore[override]
        return float(self.config.get("request_timeout") or 60)

    @property
    def requests_session(self) -> requests.Session:
        # One session per thread: child fan-out sends from pool threads.
        session: requests.Session | None = getattr(self._sessions, "session", None)
        if session is None:
            session = self._sessions.session = self.session_class()
        return session

    @property
    def http_headers(self) -> dict[str, str]:
        return {"User-Agent": self.user_agent, "Accept": "application/json"}

    @property
    def page_size(self) -> int:
        return int(self.runtime.setting("page_size") or 100)

    def describe(self) -> str:
        return f"{self.provider_name}: stream {self.name}"

    # -- retries, pacing, errors ---------------------------------------------------

    def backoff_wait_generator(self) -> Any:
        return backoff_waits(
            float(self.config.get("retry_backoff_seconds", 1.0)),
            float(self.config.get("retry_max_wait_seconds", 120.0)),
        )

    def backoff_max_tries(self) -> int:
        return int(self.config.get("max_retries", 5)) + 1

    def request_decorator(self, func: Any) -> Any:
        def paced(prepared: requests.PreparedRequest, context: Context | None) -> Any:
            self.runtime.pacer.acquire()
            return func(prepared, context)

        return backoff.on_exception(
            self.backoff_wait_generator,
            (RetriableAPIError, *TRANSPORT_ERRORS),
            max_tries=self.backoff_max_tries,
            max_time=float(self.config.get("max_retry_seconds", 600.0)),
            giveup=no_retry_can_help,
            on_backoff=self.backoff_handler,
            jitter=self.backoff_jitter,
            logger=None,
        )(paced)

    def backoff_jitter(self, value: float) -> float:
        # Only ever later than asked: Retry-After must not be undercut.
        return value + backoff.random_jitter(0.0) * min(1.0, value * 0.1)

    def backoff_handler(self, details: Any) -> None:
        exc = details.get("exception")
        status = getattr(getattr(exc, "response", None), "status_code", None)
        reason = f"HTTP {status}" if status else connection_problem(exc) if exc else "error"
        self.logger.warning(
            "%s: %s, retry %d in %.1f s",
            self.describe(),
            reason,
            details.get("tries", 0),
            details.get("wait", 0.0),
        )

    def validate_response(self, response: requests.Response) -> None:
        status = response.status_code
        if status in self.tolerated_statuses and self.is_tolerated(response):
            return
        if status in RETRIABLE_STATUSES or status >= 500:
            if status == 429 and (wait := retry_after_seconds(response)) is not None:
                self.runtime.pacer.hold(wait)
            raise RetriableAPIError(self.error_line(response), response)
        if status == 401 and isinstance(self.authenticator, RefreshingTokenAuth):
            refused = response.request.headers.get("Authorization")
            if self.authenticator.renew_after_401(refused):
                raise RetriableAPIError(self.error_line(response), response)
        if status >= 400:
            raise FatalAPIError(self.error_line(response))
        try:
            json_body(response)
        except ValueError:
            raise ProviderAPIError(f"{self.describe()}: {self.expected_json(response)}") from None

    def is_tolerated(self, response: requests.Response) -> bool:
        """Whether a tolerated status really means "no data" (override to check the body)."""
        return True

    def error_line(self, response: requests.Response) -> str:
        hint = ""
        if response.status_code in (401, 403):
            hint = f" (check the {self.provider_name} credentials)"
        return (
            f"{self.describe()}: HTTP {response.status_code} {response.reason or ''}".rstrip()
            + f" from {response.request.method} {redact_url(response.url)}: "
            + api_message(response)
            + hint
        )

    def expected_json(self, response: requests.Response) -> str:
        detail = api_message(response)
        if "HTML" not in detail:
            detail = "invalid JSON"
        return f"expected JSON from {redact_url(response.url)} but got {detail}"

    # -- requests and pages --------------------------------------------------------

    def get_new_paginator(self) -> BaseAPIPaginator[Any]:
        if self.single_record:
            return SinglePage()
        return PageNumberLimitPaginator(self.page_size, self.records_in)

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        return dict(self.query)

    def request_pages(self, context: Context | None) -> Iterator[Page]:
        """Each page's records, shaped; no request after the API signals the end."""
        paginator = self.get_new_paginator()
        send = self.request_decorator(self._request)
        while not paginator.finished:
            http_request = self.get_http_request(
                page=PageContext(stream_context=context, next_page_token=paginator.current_value)
            )
            paginator.shape(http_request)  # type: ignore[attr-defined]
            prepared = self.build_prepared_request(
                method=http_request.method,
                url=http_request.url,
                params=http_request.encode_params(),
                headers=http_request.headers,
            )
            response = self._send(send, prepared, context)
            if response.status_code in self.tolerated_statuses and response.status_code >= 400:
                return
            records = self.parse_response(response)
            if not records:
                return
            yield records
            paginator.advance(response)

    def _send(
        self, send: Any, prepared: requests.PreparedRequest, context: Context | None
    ) -> requests.Response:
        try:
            return send(prepared, context)
        except RetriableAPIError as exc:
            raise ProviderAPIError(f"{exc.args[0]} (gave up after retries)") from None
        except FatalAPIError as exc:
            raise ProviderAPIError(exc.args[0]) from None
        except TRANSPORT_ERRORS as exc:
            setting = f"{self.provider_name}.base_url"
            if isinstance(exc, requests.ReadTimeout):
                # Connected, but the answer did not come in time: a slow API, not a wrong URL.
                setting = f"request_timeout ({self.timeout:g} s)"
            ending = "" if no_retry_can_help(exc) else "; gave up after retries"
            raise ProviderAPIError(
                f"{self.describe()}: {connection_problem(exc)} for "
                f"{redact_url(prepared.url or '')} (check {setting}{ending})"
            ) from None

    def build_prepared_request(self, *args: Any, **kwargs: Any) -> requests.PreparedRequest:
        # The SDK signs here AND in _request; signing only in _request, inside the retried
        # send, lets a transient token-endpoint failure be retried like any request.
        session = self.requests_session
        session.auth = None
        return session.prepare_request(requests.Request(*args, **kwargs))

    def finalize_state_progress_markers(self, state: dict[str, Any] | None = None) -> None:
        # SDK 0.54.9 finalizes only *selected* children: a grandchild selected without its
        # parent would never promote its progress markers, so its bookmark would not move.
        if not state:
            for child in self.child_streams:
                if not child.selected and child.has_selected_descendents:
                    child.finalize_state_progress_markers()
        super().finalize_state_progress_markers(state)

    def request_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        for page in self.request_pages(context):
            yield from page

    def parse_response(self, response: requests.Response) -> Page:
        shape = self.shape_record
        return [shape(record) for record in self.records_in(response)]

    def records_in(self, response: requests.Response) -> list[Any]:
        """The raw records of a response, checked against the envelope."""
        body = json_body(response)
        if self.records_key is not None:
            if not isinstance(body, dict) or self.records_key not in body:
                raise ProviderAPIError(
                    f"{self.describe()}: expected '{self.records_key}' in the response from "
                    f"{redact_url(response.url)}, got {_kind(body)}"
                )
            body = body[self.records_key]
        if self.single_record:
            body = [body] if body else []
        if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
            raise ProviderAPIError(
                f"{self.describe()}: expected a list of objects from "
                f"{redact_url(response.url)}, got {_kind(body)}"
            )
        return body

    def shape_record(self, record: dict[str, Any]) -> dict[str, Any]:
        """Keep schema properties only, with timestamps as RFC 3339 UTC."""
        properties = self._properties
        shaped = {key: value for key, value in record.items() if key in properties}
        for name in self._time_fields:
            value = shaped.get(name)
            if value is not None:
                shaped[name] = to_rfc3339(value)
        if self.replication_key:
            shaped.setdefault(self.replication_key, None)  # the SDK's bookmark code needs the key
        return shaped

    # -- records, incremental filtering and child fan-out ---------------------------

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        start = self.bookmark(context)
        follow = self.children_follow_old_records and self.has_synced_children
        for page in self.pages_for(context):
            for record in page:
                self.add_context(record, context)
            if start is None:
                self.prefetch_children(page, context)
                yield from page
                continue
            new = [self.is_new(record, start) for record in page]
            # A newest-first list is done at its first record at or before the bookmark.
            end = new.index(False) if self.newest_first and False in new else len(page)
            wanted = [r for r, is_new in zip(page[:end], new, strict=False) if is_new or follow]
            self.prefetch_children(wanted, context)
            for record, is_new in zip(page[:end], new, strict=False):
                if is_new:
                    yield record
                elif follow:  # the SDK's child sync of a record, without emitting it
                    self._process_record(record, child_context=context)
            if end < len(page):
                return

    @property
    def has_synced_children(self) -> bool:
        return any(c.selected or c.has_selected_descendents for c in self.child_streams)

    def bookmark(self, context: Context | None) -> str | None:
        """The starting bookmark (state or start_date) as RFC 3339, or None."""
        if not self.replication_key:
            return None
        return to_rfc3339(self.get_starting_replication_key_value(context))

    def is_new(self, record: dict[str, Any], start: str) -> bool:
        """Whether the record is after the bookmark.

        Lists scanned in full keep records AT the bookmark (nothing lost if two share a
        timestamp); newest-first lists stop at it, so a second run re-reads nothing.
        """
        value = record.get(self.replication_key or "")
        if value is None:
            return True
        return bool(value > start if self.newest_first else value >= start)

    def add_context(self, record: dict[str, Any], context: Context | None) -> None:
        """Copy the parent keys of a child context into the record."""
        if context:
            for key, value in context.items():
                if key in self._properties and key not in record:
                    record[key] = value

    def pages_for(self, context: Context | None) -> Iterable[Page]:
        prefetcher = self.runtime.prefetcher
        future = prefetcher.take(self._prefetch_key(context)) if prefetcher and context else None
        if future is not None:
            return future.result()
        return self.request_pages(context)

    def fetch_all_pages(self, context: Context | None) -> list[Page]:
        return list(self.request_pages(context))

    def prefetch_children(self, records: Page, context: Context | None) -> None:
        prefetcher = self.runtime.prefetcher
        if prefetcher is None or not records:
            return
        children = [
            child
            for child in self.child_streams
            if isinstance(child, ProviderStream)
            and (child.selected or child.has_selected_descendents)
            and child.needs_requests
        ]
        for record in records:
            for child_context in self.generate_child_contexts(record, context):
                if child_context is None:
                    continue
                for child in children:
                    prefetcher.schedule(
                        child._prefetch_key(child_context),
                        functools.partial(child.fetch_all_pages, dict(child_context)),
                    )

    #: False for children derived from their parent's record without a request.
    needs_requests: ClassVar[bool] = True

    def _prefetch_key(self, context: Context | None) -> Hashable:
        return (self.name, tuple(sorted((context or {}).items(), key=lambda kv: kv[0])))

    def _write_schema_message(self) -> None:
        # The SDK writes SCHEMA on every child context; once per run is enough.
        if not self._schema_sent:
            self._schema_sent = True
            super()._write_schema_message()

    # -- RECORD messages -------------------------------------------------------------

    def _generate_record_messages(
        self, record: dict[str, Any]
    ) -> Generator[singer.RecordMessage, None, None]:
        # The SDK walks every record against the selection mask and the conformer (~10%
        # of a sync's CPU). Records leave shape_record with schema properties only and
        # JSON-native values, so at most deselected top-level properties are left to drop;
        # a nested deselection or another conformance level takes the SDK's own path.
        dropped = self._deselection()
        if dropped is None or self.TYPE_CONFORMANCE_LEVEL is not TypeConformanceLevel.NONE:
            yield from super()._generate_record_messages(record)
            return
        for name in dropped:
            record.pop(name, None)
        for stream_map in self.stream_maps:
            mapped = stream_map.transform(record)
            if mapped is not None:
                yield singer.RecordMessage(
                    stream=stream_map.stream_alias,
                    record=mapped,
                    version=self._stream_version,
                    time_extracted=utc_now(),
                )

    def _deselection(self) -> tuple[str, ...] | None:
        """Deselected top-level properties; None when a nested property is deselected."""
        mask = self.mask
        if mask is not self._deselection_mask:
            self._deselection_mask = mask
            nested = any(
                len(crumb) > 2 and not selected and mask[crumb[:2]]
                for crumb, selected in mask.items()
            )
            top = tuple(name for name in self._properties if not mask[("properties", name)])
            self._deselected = None if nested else top
        return self._deselected

    # -- metrics and logs of child streams: per stream, not per parent (core/meters.py) --

    def get_record_counter(
        self, *, endpoint: str | None = None, log_interval: float = metrics.DEFAULT_LOG_INTERVAL
    ) -> metrics.Counter:
        if self.parent_stream_type is None:
            return super().get_record_counter(endpoint=endpoint, log_interval=log_interval)
        if self._running_counter is None:
            tags: dict[str, Any] = {metrics.Tag.STREAM: self.name}
            self._running_counter = RunningCounter(
                metrics.Metric.RECORD_COUNT, tags, log_interval=log_interval
            )
        return self._running_counter

    def get_sync_timer(self) -> metrics.Timer:
        if self.parent_stream_type is None:
            return super().get_sync_timer()
        if self._running_timer is None:
            tags: dict[str, Any] = {metrics.Tag.STREAM: self.name}
            self._running_timer = RunningTimer(metrics.Metric.SYNC_DURATION, tags)
        return self._running_timer

    def log_sync_costs(self) -> None:
        # Called once per stream at the end of the run: the child totals.
        for meter in (self._running_counter, self._running_timer):
            if meter is not None:
                meter.flush()
        super().log_sync_costs()

    def log(self, message: str, *args: Any, level: int = logging.INFO, **kwargs: Any) -> None:
        # "Beginning sync of <child> ... with context keys" once, not once per parent.
        if self.parent_stream_type is not None and message.startswith("Beginning sync"):
            if self._announced:
                level = min(level, logging.DEBUG)
            self._announced = True
        super().log(message, *args, level=level, **kwargs)

    # -- connection test ------------------------------------------------------------

    def probe(self) -> None:
        """One authenticated request: the first page, read and discarded."""
        for _ in self.request_pages(None):
            break


def no_retry_can_help(exc: Exception) -> bool:
    """A host name that does not exist (NXDOMAIN) will not exist in 30 s either.

    A temporary resolver failure ("Temporary failure in name resolution") is retried.
    """
    return any(text in str(exc) for text in NO_SUCH_HOST)


def _kind(body: Any) -> str:
    if isinstance(body, dict):
        keys = ", ".join(list(body)[:5])
        return f"an object with keys [{keys}]"
    if isinstance(body, list):
        return "a list"
    return type(body).__name__


logging.getLogger("backoff").addHandler(logging.NullHandler())
