"""Providers side by side: each one syncs in its own tap process, and one stream comes out.

``tap-media-apis`` runs every selected provider as that API's own tap (``tap-mux``, …) in
a child process, each with its own pace, retries and failure. The children's lines are
passed through whole, so each stream's SCHEMA still precedes its records; their STATE
messages are merged into one complete state (every provider's latest bookmarks), written
each time one of them moves. A child that fails stops only its provider: the others
finish, and the failed provider keeps the last state it wrote (or its input state).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from tap_media_apis.core.provider import Provider
from tap_media_apis.core.settings import SHARED_SETTINGS

#: The SDK's own settings that every child needs as they are (stream maps, flattening).
SDK_SETTINGS = (
    "stream_maps",
    "stream_map_config",
    "faker_config",
    "flattening_enabled",
    "flattening_max_depth",
    "flattening_max_key_length",
    "flattening_separator",
    "batch_config",
)
STATE_PREFIX = b'{"type":"STATE"'
ERROR_MARK = ": error: "
STOP_TIMEOUT_SECONDS = 30.0
POLL_SECONDS = 0.1


@dataclass
class Child:
    """One provider's tap process."""

    provider: Provider
    stream_names: frozenset[str]
    process: subprocess.Popen[bytes]
    error: str | None = None
    threads: list[threading.Thread] = field(default_factory=list)


class SideBySide:
    """Starts the children, merges their output, and reports which providers failed."""

    def __init__(
        self,
        config: Mapping[str, Any],
        catalog: Mapping[str, Any],
        state: Mapping[str, Any],
        *,
        out: IO[bytes] | None = None,
        err: IO[str] | None = None,
    ) -> None:
        self._config = config
        self._catalog = catalog
        self._combined: dict[str, Any] = copy.deepcopy(dict(state))
        self._combined.setdefault("bookmarks", {})
        self._out = out if out is not None else sys.stdout.buffer
        self._err = err if err is not None else sys.stderr
        self._out_lock = threading.Lock()
        self._err_lock = threading.Lock()
        self._children: list[Child] = []
        self._last_state: bytes | None = None

    def run(self, providers: list[Provider]) -> list[str]:
        """Sync every provider at once; one line per provider that failed."""
        with tempfile.TemporaryDirectory(prefix="tap-media-apis-") as folder:
            for provider in providers:
                self._children.append(self._start(provider, Path(folder)))
            for child in self._children:
                # Short waits: a signal may land on a reader thread, and Python runs its
                # handler on this thread only between waits (a blocking wait would hold
                # it back until the child ended).
                while child.process.poll() is None:
                    time.sleep(POLL_SECONDS)
                for thread in child.threads:
                    thread.join()
        self._write_state(force=True)
        return [
            provider_line(child.provider, child.error or f"exited with status {code}")
            for child in self._children
            if (code := child.process.returncode) != 0
        ]

    def stop(self, signum: int) -> None:
        """Pass a termination signal on, and write the merged state of what was done."""
        for child in self._children:
            if child.process.poll() is None:
                child.process.send_signal(signum)
        for child in self._children:
            try:
                child.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                child.process.kill()
            for thread in child.threads:
                thread.join(timeout=STOP_TIMEOUT_SECONDS)
        self._write_state(force=True)

    # -- one child ------------------------------------------------------------------------

    def _start(self, provider: Provider, folder: Path) -> Child:
        names = frozenset(provider.stream_names)
        files = {
            "--config": self._child_config(provider),
            "--catalog": {
                "streams": [
                    entry
                    for entry in self._catalog.get("streams", [])
                    if entry.get("tap_stream_id") in names
                ]
            },
            "--state": {
                "bookmarks": {
                    name: bookmark
                    for name, bookmark in self._combined["bookmarks"].items()
                    if name in names
                }
            },
        }
        argv = [sys.executable, "-m", "tap_media_apis", "--as", provider.tap_name]
        for option, document in files.items():
            path = folder / f"{provider.name}{option.replace('-', '.')}.json"
            # Secrets inside: readable by this user only, gone with the folder.
            path.touch(mode=0o600)
            path.write_text(json.dumps(document, default=_plain), encoding="utf-8")
            argv += [option, str(path)]
        process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
        )
        child = Child(provider, names, process)
        child.threads = [
            threading.Thread(target=self._pass_output, args=(child,), daemon=True),
            threading.Thread(target=self._pass_log, args=(child,), daemon=True),
        ]
        for thread in child.threads:
            thread.start()
        return child

    def _child_config(self, provider: Provider) -> dict[str, Any]:
        shared = {
            name: self._config[name]
            for name in (*SHARED_SETTINGS, *SDK_SETTINGS)
            if self._config.get(name) is not None
        }
        return {**shared, **dict(self._config.get(provider.name) or {})}

    def _pass_output(self, child: Child) -> None:
        assert child.process.stdout is not None
        for line in child.process.stdout:
            if line.startswith(STATE_PREFIX):
                self._merge_state(child, json.loads(line)["value"])
                continue
            with self._out_lock:
                self._out.write(line)

    def _pass_log(self, child: Child) -> None:
        assert child.process.stderr is not None
        for raw in child.process.stderr:
            line = raw.decode("utf-8", "replace")
            if ERROR_MARK in line:
                # The child's one-line error; reported once, at the end, for the provider.
                child.error = line.split(ERROR_MARK, 1)[1].strip()
                continue
            with self._err_lock:
                self._err.write(line)
                self._err.flush()

    # -- the merged state -------------------------------------------------------------------

    def _merge_state(self, child: Child, state: Mapping[str, Any]) -> None:
        bookmarks = state.get("bookmarks") or {}
        with self._out_lock:
            for name in child.stream_names & bookmarks.keys():
                self._combined["bookmarks"][name] = bookmarks[name]
        self._write_state()

    def _write_state(self, *, force: bool = False) -> None:
        with self._out_lock:
            line = json.dumps(
                {"type": "STATE", "value": self._combined}, separators=(",", ":"), default=_plain
            ).encode()
            if line == self._last_state and not force:
                return
            self._last_state = line
            self._out.write(line + b"\n")
            self._out.flush()


def _plain(value: Any) -> Any:
    """Decimals (the SDK reads config and state numbers as Decimal) as JSON numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def provider_line(provider: Provider, message: str) -> str:
    """A failure line that names its provider first (once)."""
    return message if message.startswith(f"{provider.name}:") else f"{provider.name}: {message}"


def exit_now(signum: int) -> None:
    """Leave as shells do after a signal, with everything written flushed."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(128 + signum)
