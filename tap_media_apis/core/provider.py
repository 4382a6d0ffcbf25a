"""What a provider module declares, and the per-run state shared by its streams."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import requests
from singer_sdk import typing as th

from tap_media_apis.core.fanout import ChildPrefetcher
from tap_media_apis.core.pacing import RequestPacer

if TYPE_CHECKING:
    from tap_media_apis.core.base import StreamBase
    from tap_media_apis.core.stream import ProviderStream

DEFAULT_MAX_CONCURRENCY = 4
#: Anything requests accepts as ``auth``: it signs a prepared request.
RequestAuth = Callable[[requests.PreparedRequest], requests.PreparedRequest]


@dataclass(frozen=True)
class Provider:
    """One API: its settings, defaults, auth and streams."""

    name: str
    title: str
    #: The executable of this API's own tap (``tap-mux``).
    tap_name: str
    base_url: str
    requests_per_second: float
    settings: tuple[th.Property, ...]
    required: tuple[str, ...]
    authenticator: Callable[[ProviderRuntime], RequestAuth]
    streams: tuple[type[ProviderStream], ...]
    #: A top-level stream whose first page is the cheap request behind ``--test``.
    probe_stream: type[ProviderStream]
    #: The API's largest page: the default and the upper bound of ``page_size``.
    page_size: int | None = None
    min_page_size: int = 1
    #: The API counts requests in any window of this many seconds (not per second): the
    #: pace then also keeps rate x window requests in every closed window.
    rate_window_seconds: float | None = None
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY
    #: The API's ids are unique across accounts; if not, ``account`` joins every key.
    ids_unique_across_accounts: bool = True
    #: The API limits per IP or app, not per token: its accounts share one pace (they
    #: then sync one after another).
    rate_shared_across_accounts: bool = False
    #: Extra checks of (provider config, whole config), each returning an error line or None.
    checks: tuple[Callable[[Mapping[str, Any], Mapping[str, Any]], str | None], ...] = field(
        default=()
    )

    @property
    def credential_names(self) -> list[str]:
        """Settings that identify an account: required ones and secrets."""
        secret = [str(p.name) for p in self.settings if p.to_dict()[p.name].get("secret")]
        return list(dict.fromkeys([*self.required, *secret]))

    @property
    def setting_names(self) -> set[str]:
        """Names of the settings only this provider's block takes."""
        return {str(prop.name) for prop in self.settings}

    @property
    def stream_names(self) -> list[str]:
        return [str(stream.__dict__["name"]) for stream in self.streams]

    def missing_settings(
        self, provider_config: Mapping[str, Any], config: Mapping[str, Any]
    ) -> list[str]:
        errors = [
            f"{self.name}.{name} is required"
            for name in self.required
            if provider_config.get(name) in (None, "")
        ]
        errors.extend(msg for check in self.checks if (msg := check(provider_config, config)))
        if (problem := self.page_size_problem(provider_config.get("page_size"))) is not None:
            errors.append(problem)
        return errors

    def page_size_problem(self, size: Any) -> str | None:
        if size is None or self.page_size is None:
            return None
        is_int = isinstance(size, int) and not isinstance(size, bool)
        if is_int and self.min_page_size <= size <= self.page_size:
            return None
        return (
            f"{self.name}.page_size must be between {self.min_page_size} and "
            f"{self.page_size} (the {self.title} API's limits)"
        )

    def config_property(self) -> th.Property:
        """This provider's settings as one block of the suite's config."""
        return th.Property(
            self.name,
            th.ObjectType(*self.config_properties()),
            description=f"{self.title}: leave out to skip this provider.",
        )

    def config_properties(self) -> list[th.Property]:
        """This provider's own settings and the ones every provider has."""
        common: list[th.Property] = [
            th.Property(
                "base_url",
                th.StringType,
                default=self.base_url,
                description=f"{self.title} API root; point it at a proxy or the sandbox.",
            ),
            th.Property(
                "requests_per_second",
                th.NumberType,
                default=self.requests_per_second,
                description="Pace kept for this API across all threads.",
            ),
            th.Property(
                "max_concurrency",
                th.IntegerType,
                default=self.max_concurrency,
                description="Child requests in flight at once (1 turns fan-out off).",
            ),
        ]
        if self.page_size:
            common.append(
                th.Property(
                    "page_size",
                    th.IntegerType,
                    default=self.page_size,
                    description="Records per list request (the API maximum by default).",
                )
            )
        account = th.ObjectType(
            th.Property("name", th.StringType, required=True, description="The account's name."),
            *self.settings,
            *common,
        )
        # No defaults inside an account: they would be filled in and win over the block's.
        accounts = th.Property(
            "accounts",
            th.CustomType(
                {"type": ["array", "null"], "items": _without_defaults(account.to_dict())}
            ),
            description=(
                "Several accounts of this API: each has a name and any of these settings, "
                "which win over the ones above. Without it, the settings above are one "
                "account named 'default'."
            ),
        )
        return [*self.settings, *common, accounts]


class ProviderRuntime:
    """Per-run, per-API state: settings with defaults, pacer, auth and fan-out pool."""

    def __init__(
        self,
        provider: Provider,
        provider_config: Mapping[str, Any],
        tap_config: Mapping[str, Any] | None = None,
    ) -> None:
        self.provider = provider
        self.provider_config = provider_config
        #: The top-level settings (user_agent, request_timeout, retries).
        self.tap_config: Mapping[str, Any] = tap_config or {}
        self.pacer = RequestPacer(
            self.setting("requests_per_second"), window_seconds=provider.rate_window_seconds
        )
        self._lock = threading.Lock()
        self._authenticator: RequestAuth | None = None
        self._prefetcher: ChildPrefetcher | None = None
        self._streams: dict[type, StreamBase] = {}

    def register(self, stream: StreamBase) -> None:
        """A stream of this provider for this run (children find their parents here)."""
        self._streams[type(stream)] = stream

    def stream_of(self, stream_type: type) -> StreamBase | None:
        return self._streams.get(stream_type)

    @property
    def streams(self) -> list[StreamBase]:
        return list(self._streams.values())

    def setting(self, name: str) -> Any:
        """A provider setting, or the provider's default for the common ones."""
        value = self.provider_config.get(name)
        if value is not None:
            return value
        return {
            "base_url": self.provider.base_url,
            "requests_per_second": self.provider.requests_per_second,
            "max_concurrency": self.provider.max_concurrency,
            "page_size": self.provider.page_size,
        }.get(name)

    @property
    def base_url(self) -> str:
        return str(self.setting("base_url")).rstrip("/")

    @property
    def account_name(self) -> str:
        """The account this runtime reads (the ``account`` column of its records)."""
        return str(self.tap_config.get("account_name") or "default")

    #: Set by the tap when the config lists accounts (or names this one's account).
    names_accounts: bool = False

    @property
    def authenticator(self) -> RequestAuth:
        with self._lock:
            if self._authenticator is None:
                self._authenticator = self.provider.authenticator(self)
            return self._authenticator

    @property
    def prefetcher(self) -> ChildPrefetcher | None:
        """The child fan-out pool, or None when concurrency is 1."""
        workers = int(self.setting("max_concurrency") or 1)
        if workers <= 1:
            return None
        with self._lock:
            if self._prefetcher is None:
                self._prefetcher = ChildPrefetcher(
                    ThreadPoolExecutor(workers, thread_name_prefix=self.provider.name),
                    window=workers * 2,
                )
            return self._prefetcher

    def close(self) -> None:
        if self._prefetcher is not None:
            self._prefetcher.close()


def _without_defaults(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _without_defaults(v) for k, v in schema.items() if k != "default"}
    if isinstance(schema, list):
        return [_without_defaults(v) for v in schema]
    return schema
