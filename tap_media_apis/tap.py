"""The Tap: discovers the streams of every configured provider."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, ClassVar

import click
from singer_sdk import Stream, Tap
from singer_sdk.helpers.capabilities import TapCapabilities
from typing_extensions import override

from tap_media_apis.core.accounts import (
    ACCOUNT_NAME_SETTING,
    ACCOUNTS,
    Account,
    accounts_of,
    select,
)
from tap_media_apis.core.errors import ConfigError, ProviderFailures, TapMediaApisError
from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.settings import (
    config_errors,
    config_schema,
    configured,
    flat_config_errors,
    state_problem,
)
from tap_media_apis.core.stream import ProviderStream
from tap_media_apis.core.writer import BufferedMsgSpecWriter
from tap_media_apis.providers import PROVIDERS
from tap_media_apis.side_by_side import SideBySide, exit_now, provider_line


class TapMediaApis(Tap):
    """Mux Video, AssemblyAI, Shutterstock, 100ms and Basecamp in one Singer tap."""

    name: str = "tap-media-apis"
    package_name = "tap-media-apis"
    message_writer_class = BufferedMsgSpecWriter
    config_jsonschema = config_schema(PROVIDERS)
    capabilities = [*Tap.capabilities, TapCapabilities.TEST]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._side_by_side: SideBySide | None = None
        self._input_state: dict[str, Any] = {}
        self._runtimes: dict[str, ProviderRuntime] = {}
        self._runtime_lock = threading.Lock()
        super().__init__(*args, **kwargs)
        self._check_catalog()

    # -- providers ------------------------------------------------------------------

    #: Set for one API's own tap (``tap-mux``): its settings are at the config's top level.
    flat_provider: ClassVar[Provider | None] = None

    @property
    def providers(self) -> list[Provider]:
        if self.flat_provider is not None:
            return [self.flat_provider]
        return configured(PROVIDERS, self.config)

    def provider_config(self, provider: Provider) -> Mapping[str, Any]:
        """The settings of the provider's first account (the only one, in process)."""
        return self.accounts_of(provider)[0].settings

    def accounts_of(self, provider: Provider) -> list[Account]:
        block = self.config if self.flat_provider is not None else self.config.get(provider.name)
        return accounts_of(provider, block or {})

    def names_accounts(self, provider: Provider) -> bool:
        """Whether this config lists accounts for the provider (then keys may name them)."""
        block = self.config if self.flat_provider is not None else self.config.get(provider.name)
        block = block or {}
        return isinstance(block.get(ACCOUNTS), list) or ACCOUNT_NAME_SETTING in block

    def selected_accounts(self) -> list[Account]:
        """The accounts this run syncs: all, or those the ``partitions`` setting names."""
        accounts = [a for p in self.providers for a in self.accounts_of(p)]
        return select(accounts, self.config.get("partitions"))

    def runtime(self, provider_name: str) -> ProviderRuntime:
        with self._runtime_lock:
            if provider_name not in self._runtimes:
                provider = next(p for p in self.offered() if p.name == provider_name)
                runtime = ProviderRuntime(provider, self.provider_config(provider), self.config)
                runtime.names_accounts = self.names_accounts(provider)
                self._runtimes[provider_name] = runtime
            return self._runtimes[provider_name]

    @classmethod
    def offered(cls) -> tuple[Provider, ...]:
        return (cls.flat_provider,) if cls.flat_provider is not None else PROVIDERS

    def close(self) -> None:
        for runtime in self._runtimes.values():
            runtime.close()

    #: Set by the console entry (cli.py): on SIGTERM/SIGINT leave the process at once.
    #: In-process runs (tests) only raise SystemExit, so their own cleanup still runs.
    exit_at_once_on_signal: ClassVar[bool] = False

    @override
    def _handle_termination(self, signum: int, frame: Any) -> None:
        if self._side_by_side is not None:
            # The children write their own last STATE; the merged one follows.
            self._side_by_side.stop(signum)
            exit_now(signum)
        # The SDK writes the last STATE (resumable: unfinished streams keep only progress
        # markers), then exits 0, and Python's exit waits for every child-prefetch thread
        # to finish its requests and retries, which can take minutes. A stopped sync is
        # not a finished one: exit 128 + signal, as shells do, at once, with what was
        # written flushed (a later run resumes from the last STATE).
        try:
            super()._handle_termination(signum, frame)
        except SystemExit:
            if not self.exit_at_once_on_signal:
                raise SystemExit(128 + signum) from None
        exit_now(signum)

    # -- the sync: providers side by side, failures isolated ------------------------------

    #: Set by the console entry: several providers sync side by side in child processes
    #: (in-process runs, as in tests, sync them in turn).
    side_by_side_allowed: ClassVar[bool] = False

    @override  # type: ignore[misc]  # final in the SDK: a pinned seam (core/sdk_seams.py)
    def sync_all(self) -> None:
        accounts = [a for a in self.selected_accounts() if self._selected_streams(a.provider)]
        at_once = self.side_by_side_allowed and self.config.get("providers_side_by_side", True)
        # Accounts other than "default" always run as their provider's own tap, with their
        # own state; so do several providers side by side.
        if any(not a.is_default for a in accounts) or (at_once and len(accounts) > 1):
            state = {**self._input_state, "bookmarks": self.state.get("bookmarks", {})}
            self._side_by_side = SideBySide(self.config, self.catalog_dict, state)
            failures = self._side_by_side.run(accounts, at_once=at_once)
        else:
            errors = self._sync_in_turn([a.provider for a in accounts])
            if len(errors) == 1:
                raise errors[0][1]
            failures = [provider_line(provider.name, str(exc)) for provider, exc in errors]
        if failures:
            raise ProviderFailures("\n".join(failures))

    def _selected_streams(self, provider: Provider) -> list[Stream]:
        names = set(provider.stream_names)
        return [
            stream
            for name, stream in self.streams.items()
            if name in names
            and not stream.parent_stream_type
            and (stream.selected or stream.has_selected_descendents)
        ]

    def _sync_in_turn(self, providers: list[Provider]) -> list[tuple[Provider, TapMediaApisError]]:
        """The SDK's ``sync_all``, one provider at a time; a failure stops only its provider.

        A failed stream is not finalized: its progress markers are dropped by the next
        run, which resumes from the bookmark it started with.
        """
        self._reset_state_progress_markers()
        self._set_compatible_replication_methods()
        if self.state:
            self._state_writer.write_state(self.state)
        failures = []
        for provider in providers:
            try:
                for stream in self._selected_streams(provider):
                    stream.sync()
                    stream.finalize_state_progress_markers()
            except TapMediaApisError as exc:
                failures.append((provider, exc))
                if len(providers) > 1:
                    self.logger.warning("%s failed (see the end); the others go on", provider.name)
        for stream in self.streams.values():
            stream.log_sync_costs()
        if failures and self.state:
            self._state_writer.write_state(self.state)
        return failures

    # -- config and catalog ----------------------------------------------------------

    @override
    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        errors = self.config_problems()
        if errors and raise_errors:
            raise ConfigError("; ".join(errors))
        return errors or super()._validate_config(raise_errors=raise_errors)

    def config_problems(self) -> list[str]:
        if self.flat_provider is not None:
            return flat_config_errors(self.flat_provider, self.config)
        return config_errors(PROVIDERS, self.config)

    @override
    def load_state(self, state: dict[str, Any]) -> None:
        if problem := state_problem(state):
            raise ConfigError(problem)
        # The SDK keeps only "bookmarks"; the other accounts' states live beside them.
        self._input_state = state
        super().load_state(state)

    def _check_catalog(self) -> None:
        if self.input_catalog is None:
            return
        known = set(self.streams)
        unknown = sorted(set(self.input_catalog) - known)
        if unknown:
            owners = {name: p.name for p in self.offered() for name in p.stream_names}
            hints = [
                f"{name} (provider {owners[name]} is not configured)"
                if name in owners
                else f"{name} (no such stream)"
                for name in unknown
            ]
            raise ConfigError(
                "the catalog names streams this config does not provide: "
                + ", ".join(hints)
                + "; run --discover for the current catalog"
            )

    # -- streams ---------------------------------------------------------------------

    @override
    def discover_streams(self) -> list[Stream]:
        providers = self.providers
        if not providers:
            raise ConfigError(self.config_problems()[0])
        streams: list[ProviderStream] = []
        for provider in providers:
            runtime = self.runtime(provider.name)
            for stream_class in provider.streams:
                reason = stream_class.unavailable_reason(runtime.provider_config)
                if reason is None:
                    streams.append(stream_class(self, runtime))
                else:
                    self.logger.warning(
                        "%s: %s is not discovered: %s",
                        provider.name,
                        stream_class.__dict__["name"],
                        reason,
                    )
        # The SDK links one parent per child; add the extra parents it cannot know.
        by_type: dict[type, ProviderStream] = {type(stream): stream for stream in streams}
        for stream in streams:
            for parent_type in stream.extra_parent_stream_types:
                by_type[parent_type].child_streams.append(stream)
        return list(streams)

    # -- --test: one cheap authenticated request per provider -------------------------

    @classmethod
    @override
    def cb_test(cls, ctx: click.Context, param: click.Option, value: str) -> None:
        if value != "all":
            super().cb_test(ctx, param, value)
            return
        config = ctx.params.get("config")
        tap = cls(
            config=config.config if config else None,
            parse_env_config=bool(config and config.parse_env),
            validate_config=True,
            setup_mapper=False,
        )
        failed = tap.test_connections()
        ctx.exit(1 if failed else 0)

    def test_connections(self) -> list[str]:
        """Probe each configured provider; log one line each; return the failures."""
        failed = []
        for provider in self.providers:
            stream = self.streams[provider.probe_stream.__dict__["name"]]
            assert isinstance(stream, ProviderStream)
            try:
                stream.probe()
            except TapMediaApisError as exc:
                failed.append(provider.name)
                self.logger.error("connection test FAILED for %s: %s", provider.name, exc)
            else:
                self.logger.info("connection test passed for %s", provider.name)
        return failed
