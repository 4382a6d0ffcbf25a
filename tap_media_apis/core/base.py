"""What a stream declares, and its wiring to the provider runtime it belongs to.

Every knob here is read by one mechanism in the core (named next to it); a stream class
sets only the knobs where it differs from its provider's base class.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import requests
from singer_sdk import RESTStream
from singer_sdk.helpers.conform import TypeConformanceLevel
from typing_extensions import override

from tap_media_apis.core.accounts import ACCOUNT_COLUMN, ACCOUNT_SCHEMA
from tap_media_apis.core.answers import Entitlement, Tolerated
from tap_media_apis.core.masks import Mask
from tap_media_apis.core.paging import PAGE_NUMBER_PAGING, Paging
from tap_media_apis.core.partitions import PartitionsOver
from tap_media_apis.core.schemas import load_schema
from tap_media_apis.core.session import Session
from tap_media_apis.core.shaping import EXTRA_FIELDS, EXTRA_FIELDS_SCHEMA

if TYPE_CHECKING:
    from singer_sdk import Tap
    from singer_sdk.helpers.types import Context

    from tap_media_apis.core.provider import ProviderRuntime, RequestAuth


class StreamBase(RESTStream[Any]):
    """The declarations of a provider's stream, with their defaults."""

    provider_name: ClassVar[str]

    # -- the answer (core/envelope.py) -------------------------------------------------
    #: Key of the record list (or single object) in the body; None: the body itself.
    records_key: ClassVar[str | None] = "data"
    #: The body (or ``records_key``) is one object, not a list.
    single_record: ClassVar[bool] = False

    # -- the requests (core/reading.py) ------------------------------------------------
    #: The paginator and its parameters; single-object streams never page.
    paging: ClassVar[Paging] = PAGE_NUMBER_PAGING
    #: Query parameters of every first request.
    fixed_params: ClassVar[Mapping[str, Any]] = {}
    #: Context keys that are query parameters too (booleans as true/false).
    context_params: ClassVar[tuple[str, ...]] = ()
    #: Partitions over a list of values (core/partitions.py).
    partitions_over: ClassVar[PartitionsOver | None] = None
    #: Answers that mean "nothing here" or "not ready yet" (core/answers.py).
    tolerated: ClassVar[tuple[Tolerated, ...]] = ()
    #: Answers that mean "these credentials are not entitled": skip with one warning.
    entitlement: ClassVar[Entitlement | None] = None

    # -- the records (core/shaping.py) ---------------------------------------------------
    #: Timestamp fields converted to RFC 3339 UTC, besides the replication key.
    timestamp_fields: ClassVar[tuple[str, ...]] = ()
    #: Secrets hidden before a record is shaped (core/masks.py).
    masks: ClassVar[tuple[Mask, ...]] = ()

    # -- incremental reads and children (core/incremental.py) ----------------------------
    #: The list comes newest first: stop paging at the bookmark.
    newest_first: ClassVar[bool] = False
    #: More parents than ``parent_stream_type`` (a child of assets AND live streams).
    extra_parent_stream_types: ClassVar[tuple[type[StreamBase], ...]] = ()
    #: Records before the bookmark still get their children synced: for parents whose
    #: replication key does not move when their children change.
    children_follow_old_records: ClassVar[bool] = False
    #: A child built from its parent's record, without a request of its own.
    derived_from_parent: ClassVar[bool] = False

    #: Whether this stream's ids are unique across accounts (None: the provider's answer);
    #: if not, ``account`` joins the primary key.
    ids_unique_across_accounts: ClassVar[bool | None] = None

    #: The HTTP session class, one instance per thread.
    session_class: ClassVar[type[requests.Session]] = Session
    # One bookmark per stream, never one per parent record (small state).
    state_partitioning_keys: ClassVar[list[str] | None] = []
    # Records leave the shaper pruned to the schema and JSON-native.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    @classmethod
    def unavailable_reason(cls, provider_config: Mapping[str, Any]) -> str | None:
        """Why this stream cannot run with this provider config (it is then not discovered)."""
        return None

    @classmethod
    def stream_schema(cls) -> dict[str, Any]:
        """The JSON schema of ``schemas/<provider>/<stream>.json``."""
        return load_schema(cls.provider_name, cls.name)  # type: ignore[misc]

    def __init__(self, tap: Tap, runtime: ProviderRuntime) -> None:
        self.runtime = runtime
        schema = self.stream_schema()
        # Every stream has the column for fields its schema does not declare (core/shaping.py)
        # and the one naming the account a record comes from (core/accounts.py).
        schema["properties"].setdefault(EXTRA_FIELDS, dict(EXTRA_FIELDS_SCHEMA))
        schema["properties"][ACCOUNT_COLUMN] = dict(ACCOUNT_SCHEMA)
        super().__init__(tap, schema=schema)
        unique = self.ids_unique_across_accounts
        if unique is None:
            unique = runtime.provider.ids_unique_across_accounts
        # Only a config that names its accounts changes a key: one account keeps the
        # contract's keys (and every table loaded before accounts existed).
        if not unique and runtime.names_accounts and ACCOUNT_COLUMN not in self.primary_keys:
            self.primary_keys = [ACCOUNT_COLUMN, *self.primary_keys]
        self._sessions = threading.local()
        runtime.register(self)

    def applies_to(self, context: Context) -> bool:
        """Whether this child wants a context its parent made (all, by default)."""
        return True

    def still_changing(self, record: dict[str, Any]) -> bool:
        """Whether this record will change later and must be read again next sync."""
        return False

    def hold_for_later(self, child_context: Context) -> None:
        """A child of the record behind ``child_context`` is not final (core/incremental.py)."""

    @property
    def log_prefix(self) -> str:
        """Who speaks in a one-line message: provider and stream."""
        return f"{self.provider_name}: stream {self.name}"

    @property
    @override
    def url_base(self) -> str:
        return self.runtime.base_url

    @property
    @override
    def authenticator(self) -> RequestAuth:
        return self.runtime.authenticator

    @property
    @override
    def timeout(self) -> float:  # type: ignore[override]
        return float(self.config.get("request_timeout") or 60)

    @property
    @override
    def requests_session(self) -> requests.Session:
        # One session per thread: child fan-out sends from pool threads.
        session: requests.Session | None = getattr(self._sessions, "session", None)
        if session is None:
            session = self._sessions.session = self.session_class()
        return session

    @property
    @override
    def http_headers(self) -> dict[str, str]:
        return {"User-Agent": self.user_agent, "Accept": "application/json"}

    @property
    def page_size(self) -> int:
        return int(self.runtime.setting("page_size") or 100)

    @property
    @override
    def partitions(self) -> list[dict[str, Any]] | None:
        if self.partitions_over is None:
            return None
        return self.partitions_over.contexts(self.runtime)

    @property
    def parent(self) -> StreamBase | None:
        """The parent stream instance of this run (None for a top-level stream)."""
        if self.parent_stream_type is None:
            return None
        return self.runtime.stream_of(self.parent_stream_type)
