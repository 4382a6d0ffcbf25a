"""The Tap: discovers the streams of every configured provider."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from typing import Any, ClassVar

import click
from singer_sdk import Stream, Tap
from singer_sdk.helpers.capabilities import TapCapabilities
from typing_extensions import override

from tap_media_apis.core.errors import ConfigError, TapMediaApisError
from tap_media_apis.core.provider import Provider, ProviderRuntime
from tap_media_apis.core.settings import (
    config_errors,
    config_schema,
    configured,
    state_problem,
)
from tap_media_apis.core.stream import ProviderStream
from tap_media_apis.core.writer import BufferedMsgSpecWriter
from tap_media_apis.providers import PROVIDERS


class TapMediaApis(Tap):
    """Mux Video, AssemblyAI, Shutterstock, 100ms and Basecamp in one Singer tap."""

    name: str = "tap-media-apis"
    package_name = "tap-media-apis"
    message_writer_class = BufferedMsgSpecWriter
    config_jsonschema = config_schema(PROVIDERS)
    capabilities = [*Tap.capabilities, TapCapabilities.TEST]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._runtimes: dict[str, ProviderRuntime] = {}
        self._runtime_lock = threading.Lock()
        super().__init__(*args, **kwargs)
        self._check_catalog()

    # -- providers ------------------------------------------------------------------

    @property
    def providers(self) -> list[Provider]:
        return configured(PROVIDERS, self.config)

    def runtime(self, provider_name: str) -> ProviderRuntime:
        with self._runtime_lock:
            if provider_name not in self._runtimes:
                provider = next(p for p in PROVIDERS if p.name == provider_name)
                self._runtimes[provider_name] = ProviderRuntime(
                    provider, self.config.get(provider_name) or {}, self.config
                )
            return self._runtimes[provider_name]

    def close(self) -> None:
        for runtime in self._runtimes.values():
            runtime.close()

    #: Set by the console entry (cli.py): on SIGTERM/SIGINT leave the process at once.
    #: In-process runs (tests) only raise SystemExit, so their own cleanup still runs.
    exit_at_once_on_signal: ClassVar[bool] = False

    @override
    def _handle_termination(self, signum: int, frame: Any) -> None:
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
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(128 + signum)

    # -- config and catalog ----------------------------------------------------------

    @override
    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        errors = config_errors(PROVIDERS, self.config)
        if errors and raise_errors:
            raise ConfigError("; ".join(errors))
        return errors or super()._validate_config(raise_errors=raise_errors)

    @override
    def load_state(self, state: dict[str, Any]) -> None:
        if problem := state_problem(state):
            raise ConfigError(problem)
        super().load_state(state)

    def _check_catalog(self) -> None:
        if self.input_catalog is None:
            return
        known = set(self.streams)
        unknown = sorted(set(self.input_catalog) - known)
        if unknown:
            owners = {name: p.name for p in PROVIDERS for name in p.stream_names}
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
            raise ConfigError(config_errors(PROVIDERS, self.config)[0])
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
