"""Providers and accounts side by side: each syncs as its own tap process; one stream out.

``tap-media-apis`` runs every selected (provider, account) as that API's own tap
(``tap-mux``, …) in a child process, each with its own pace, retries and failure. The
children's lines are passed through whole, so each stream's SCHEMA still precedes its
records; their STATE messages are merged into one complete state, written each time one
of them moves:

- the ``default`` account's bookmarks sit in ``bookmarks`` as they always did;
- any other account's in ``accounts["<provider>/<name>"]["bookmarks"]``.

Accounts of an API that limits per IP (Basecamp) share one pace, so they run one after
another in one lane; every other account has a lane of its own. A child that fails stops
only its lane's account: the others finish, and it keeps the last state it wrote.
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
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from tap_media_apis.core.accounts import ACCOUNT_NAME_SETTING, ACCOUNTS, Account
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
#: Settings of the parent run only.
PARENT_SETTINGS = (ACCOUNTS, "partitions", "providers_side_by_side")
STATE_PREFIX = b'{"type":"STATE"'
ERROR_MARK = ": error: "
STOP_TIMEOUT_SECONDS = 30.0
POLL_SECONDS = 0.1


@dataclass
class Child:
    """One account's tap process."""

    account: Account
    stream_names: frozenset[str]
    process: subprocess.Popen[bytes] | None = None
    error: str | None = None
    threads: list[threading.Thread] = field(default_factory=list)


class SideBySide:
    """Starts the children lane by lane, merges their output, reports who failed."""

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
        self._stopping = threading.Event()
        self._last_state: bytes | None = None

    def run(self, accounts: list[Account], *, at_once: bool = True) -> list[str]:
        """Sync every account (lanes at once, or one after another); one line per failure."""
        with tempfile.TemporaryDirectory(prefix="tap-media-apis-") as folder:
            lanes = [
                threading.Thread(target=self._run_lane, args=(lane, Path(folder)), daemon=True)
                for lane in _lanes(accounts, at_once=at_once)
            ]
            # The slowest pace starts first: it bounds the run, the others catch up.
            for lane in lanes:
                lane.start()
            for lane in lanes:
                # Short waits: a signal may land on another thread, and Python runs its
                # handler on this one only between waits.
                while lane.is_alive():
                    lane.join(POLL_SECONDS)
        self._write_state(force=True)
        return [
            provider_line(child.account.describe(), child.error or f"exited with status {code}")
            for child in self._children
            if child.process is not None and (code := child.process.returncode) != 0
        ]

    def stop(self, signum: int) -> None:
        """Pass a termination signal on, and write the merged state of what was done."""
        self._stopping.set()
        running = [c for c in self._children if c.process is not None]
        for child in running:
            if child.process is not None and child.process.poll() is None:
                child.process.send_signal(signum)
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                child.process.kill()
            for thread in child.threads:
                thread.join(timeout=STOP_TIMEOUT_SECONDS)
        self._write_state(force=True)

    # -- one child ------------------------------------------------------------------------

    def _run_lane(self, lane: list[Account], folder: Path) -> None:
        for account in lane:
            if self._stopping.is_set():
                return
            child = Child(account, frozenset(account.provider.stream_names))
            self._children.append(child)
            self._start(child, folder)
            assert child.process is not None
            child.process.wait()
            for thread in child.threads:
                thread.join()

    def _start(self, child: Child, folder: Path) -> None:
        account = child.account
        files = {
            "--config": self._child_config(account),
            "--catalog": {
                "streams": [
                    entry
                    for entry in self._catalog.get("streams", [])
                    if entry.get("tap_stream_id") in child.stream_names
                ]
            },
            "--state": {
                "bookmarks": {
                    name: bookmark
                    for name, bookmark in self._bookmarks_of(account).items()
                    if name in child.stream_names
                }
            },
        }
        argv = [sys.executable, "-m", "tap_media_apis", "--as", account.provider.tap_name]
        stem = account.key.replace("/", ".")
        for option, document in files.items():
            path = folder / f"{stem}{option.replace('-', '.')}.json"
            # Secrets inside: readable by this user only, gone with the folder.
            path.touch(mode=0o600)
            path.write_text(json.dumps(document, default=_plain), encoding="utf-8")
            argv += [option, str(path)]
        child.process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
        )
        child.threads = [
            threading.Thread(target=self._pass_output, args=(child,), daemon=True),
            threading.Thread(target=self._pass_log, args=(child,), daemon=True),
        ]
        for thread in child.threads:
            thread.start()

    def _child_config(self, account: Account) -> dict[str, Any]:
        shared = {
            name: self._config[name]
            for name in (*SHARED_SETTINGS, *SDK_SETTINGS)
            if self._config.get(name) is not None
        }
        own = {k: v for k, v in account.settings.items() if k not in PARENT_SETTINGS}
        if account.listed:
            own[ACCOUNT_NAME_SETTING] = account.name
        return {**shared, **own}

    def _pass_output(self, child: Child) -> None:
        assert child.process is not None
        assert child.process.stdout is not None
        for line in child.process.stdout:
            if line.startswith(STATE_PREFIX):
                self._merge_state(child, json.loads(line)["value"])
                continue
            with self._out_lock:
                self._out.write(line)

    def _pass_log(self, child: Child) -> None:
        assert child.process is not None
        assert child.process.stderr is not None
        for raw in child.process.stderr:
            line = raw.decode("utf-8", "replace")
            if ERROR_MARK in line:
                # The child's one-line error; reported once, at the end, for its account.
                child.error = line.split(ERROR_MARK, 1)[1].strip()
                continue
            with self._err_lock:
                self._err.write(line)
                self._err.flush()

    # -- the merged state -------------------------------------------------------------------

    def _bookmarks_of(self, account: Account) -> dict[str, Any]:
        if account.is_default:
            bookmarks: dict[str, Any] = self._combined["bookmarks"]
            return bookmarks
        accounts = self._combined.setdefault(ACCOUNTS, {})
        entry: dict[str, Any] = accounts.setdefault(account.key, {"bookmarks": {}})
        bookmarks_of_account: dict[str, Any] = entry["bookmarks"]
        return bookmarks_of_account

    def _merge_state(self, child: Child, state: Mapping[str, Any]) -> None:
        bookmarks = state.get("bookmarks") or {}
        with self._out_lock:
            mine = self._bookmarks_of(child.account)
            for name in child.stream_names & bookmarks.keys():
                mine[name] = bookmarks[name]
        self._write_state()

    def _write_state(self, *, force: bool = False) -> None:
        with self._out_lock:
            message = {"type": "STATE", "value": self._combined}
            line = json.dumps(message, separators=(",", ":"), default=_plain).encode()
            if line == self._last_state and not force:
                return
            self._last_state = line
            self._out.write(line + b"\n")
            self._out.flush()


def _lanes(accounts: list[Account], *, at_once: bool) -> list[list[Account]]:
    if not at_once:
        return [accounts]
    lanes: dict[str, list[Account]] = {}
    for account in accounts:
        shared = account.provider.rate_shared_across_accounts
        lanes.setdefault(account.provider.name if shared else account.key, []).append(account)
    return sorted(lanes.values(), key=lambda lane: (-len(lane), _pace(lane[0])))


def _pace(account: Account) -> float:
    pace = account.settings.get("requests_per_second") or account.provider.requests_per_second
    return float(pace)


def _plain(value: Any) -> Any:
    """Decimals (the SDK reads config and state numbers as Decimal) as JSON numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def provider_line(who: str, message: str) -> str:
    """A failure line that names its provider (or provider account) first, once."""
    return message if message.startswith(f"{who}:") else f"{who}: {message}"


def exit_now(signum: int) -> None:
    """Leave as shells do after a signal, with everything written flushed."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(128 + signum)
