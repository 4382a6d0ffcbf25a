"""Run the tap as users do (its console entry, in a subprocess) and judge what it wrote.

Everything here is generic over the providers: a provider takes part as soon as its
sandbox part serves data (``expected_counts()`` is not empty) and its tap module has
streams, so the reliability suite covers each provider as it lands.
"""

from __future__ import annotations

import base64
import bisect
import itertools
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from tap_media_apis.core.provider import Provider
from tap_media_apis.providers import PROVIDERS
from tap_media_apis.sandbox import Sandbox
from tap_media_apis.sandbox.parts import PARTS
from tap_media_apis.tap import TapMediaApis

TAP = (sys.executable, "-m", "tap_media_apis")
ERROR_PREFIX = "tap-media-apis: error:"
#: Environment variables that would change the tap's behaviour behind a test's back.
FOREIGN_ENV = ("LOGLEVEL", "TAP_MEDIA_APIS_", "SINGER_SDK_LOG_CONFIG")
BY_NAME: dict[str, Provider] = {provider.name: provider for provider in PROVIDERS}
#: Block settings that take the pacing out of runs that test something else.
UNPACED = {"requests_per_second": 1000}
_files = itertools.count()

T = TypeVar("T")
R = TypeVar("R")
Key = tuple[Any, ...]


def ready_providers() -> list[str]:
    """Providers whose sandbox part serves data and whose tap module declares streams.

    ``RELIABILITY_PROVIDERS=mux,hms`` narrows the suite to some of them (while debugging one).
    """
    only = [name for name in os.environ.get("RELIABILITY_PROVIDERS", "").split(",") if name]
    return [
        name
        for name, part in PARTS.items()
        if name in BY_NAME
        and BY_NAME[name].streams
        and part().expected_counts()
        and (not only or name in only)
    ]


def fanout_providers() -> list[str]:
    """Ready providers with a child stream that makes its own requests (fan-out)."""
    return [
        name
        for name in ready_providers()
        if any(
            stream.parent_stream_type is not None and not stream.derived_from_parent
            for stream in BY_NAME[name].streams
        )
    ]


def child_stream_names(providers: Iterable[str]) -> set[str]:
    return {
        str(stream.name)
        for name in providers
        for stream in BY_NAME[name].streams
        if stream.parent_stream_type is not None or stream.extra_parent_stream_types
    }


def secret_settings(provider: str) -> list[str]:
    """Names of the provider's settings declared secret."""
    return [
        prop.name for prop in BY_NAME[provider].settings if prop.to_dict()[prop.name].get("secret")
    ]


# -- config -------------------------------------------------------------------------


def sandbox_config(
    sandbox: Sandbox,
    providers: Sequence[str],
    *,
    top: Mapping[str, Any] | None = None,
    block: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The sandbox's own tap config for ``providers`` only, with overrides.

    ``top`` overrides top-level settings; ``block`` is merged into every provider block.
    """
    full = sandbox.tap_config()
    config: dict[str, Any] = {k: v for k, v in full.items() if k not in sandbox.parts}
    config.update(top or {})
    for name in providers:
        config[name] = {**full[name], **(block or {})}
    return config


def token_paths(config: Mapping[str, Any]) -> set[str]:
    """Paths of OAuth token endpoints in ``config``: they are not the API being paced."""
    return {
        urlsplit(str(value["token_url"])).path
        for value in config.values()
        if isinstance(value, Mapping) and value.get("token_url")
    }


def select_streams(config: Mapping[str, Any], streams: Iterable[str]) -> dict[str, Any]:
    """A catalog of ``config``'s streams with only ``streams`` selected."""
    chosen = set(streams)
    catalog = TapMediaApis(config=dict(config), parse_env_config=False).catalog_dict
    for entry in catalog["streams"]:
        for item in entry["metadata"]:
            if item["breadcrumb"] == []:
                item["metadata"]["selected"] = entry["tap_stream_id"] in chosen
    return catalog


# -- running the tap ---------------------------------------------------------------


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_ENV)}
    env.update(extra)
    return env


def write_json(workdir: Path, stem: str, document: Any) -> Path:
    path = workdir / f"{stem}-{next(_files)}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def tap_args(
    workdir: Path,
    config: Mapping[str, Any] | Path,
    *,
    state: Mapping[str, Any] | Path | None = None,
    catalog: Mapping[str, Any] | None = None,
) -> list[str]:
    args = [*TAP, "--config", str(_as_file(workdir, "config", config))]
    if state is not None:
        args += ["--state", str(_as_file(workdir, "state", state))]
    if catalog is not None:
        args += ["--catalog", str(write_json(workdir, "catalog", catalog))]
    return args


def _as_file(workdir: Path, stem: str, value: Mapping[str, Any] | Path) -> Path:
    return value if isinstance(value, Path) else write_json(workdir, stem, value)


def run_tap(
    workdir: Path,
    config: Mapping[str, Any] | Path,
    *,
    state: Mapping[str, Any] | Path | None = None,
    catalog: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> TapRun:
    """One CLI run to the end (or ``timeout``, which fails the test)."""
    args = tap_args(workdir, config, state=state, catalog=catalog)
    started = time.monotonic()
    done = subprocess.run(
        args, capture_output=True, env=clean_env(**(env or {})), timeout=timeout, check=False
    )
    return TapRun(
        done.returncode,
        done.stdout,
        done.stderr.decode("utf-8", "replace"),
        time.monotonic() - started,
    )


class LiveTap:
    """A CLI run that the test can watch and interrupt."""

    def __init__(self, args: Sequence[str], workdir: Path, env: Mapping[str, str]) -> None:
        self._stderr_path = workdir / f"stderr-{next(_files)}.txt"
        self._stderr = self._stderr_path.open("wb")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            list(args), stdout=subprocess.PIPE, stderr=self._stderr, env=dict(env)
        )
        self._chunks: list[bytes] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while chunk := self.proc.stdout.read1(65536):
            self._chunks.append(chunk)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return parse_messages(b"".join(self._chunks))

    def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            if self.proc.poll() is not None:
                return condition()
            time.sleep(0.01)
        return False

    def finish(self, timeout: float) -> TapRun:
        try:
            self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self._reader.join(5)
            assert self.proc.stdout is not None
            self.proc.stdout.close()
            self._stderr.close()
        return TapRun(
            self.proc.returncode,
            b"".join(self._chunks),
            self._stderr_path.read_text("utf-8", "replace"),
            time.monotonic() - self.started,
        )


def run_parallel(
    work: Callable[[T], R], items: Iterable[T], *, workers: int | None = None
) -> dict[T, R]:
    """``work(item)`` for every item, ``workers`` at a time (default: all at once, as the
    subprocesses mostly wait on the network); items start in the order given."""
    items = list(items)
    with ThreadPoolExecutor(workers or max(1, len(items))) as pool:
        return dict(zip(items, pool.map(work, items), strict=True))


# -- what the tap wrote ------------------------------------------------------------


def parse_messages(stdout: bytes) -> list[dict[str, Any]]:
    """Singer messages from complete lines only (a killed tap may leave half a line)."""
    lines = stdout.split(b"\n")
    return [json.loads(line) for line in lines[:-1] if line.strip()]


@dataclass
class TapRun:
    returncode: int | None
    stdout: bytes
    stderr: str
    seconds: float

    @cached_property
    def messages(self) -> list[dict[str, Any]]:
        return parse_messages(self.stdout)

    @cached_property
    def key_properties(self) -> dict[str, list[str]]:
        return {
            m["stream"]: list(m["key_properties"]) for m in self.messages if m["type"] == "SCHEMA"
        }

    @cached_property
    def records(self) -> dict[str, list[dict[str, Any]]]:
        records: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for message in self.messages:
            if message["type"] == "RECORD":
                records[message["stream"]].append(message["record"])
        return dict(records)

    @property
    def states(self) -> list[dict[str, Any]]:
        return [m["value"] for m in self.messages if m["type"] == "STATE"]

    @property
    def final_state(self) -> dict[str, Any] | None:
        states = self.states
        return states[-1] if states else None

    def key_of(self, stream: str, record: Mapping[str, Any]) -> Key:
        keys = self.key_properties[stream]
        assert keys, f"stream {stream} declares no key_properties"
        return tuple(record.get(k) for k in keys)

    def keys(self) -> dict[str, list[Key]]:
        """Primary-key tuples per stream, in the order emitted (duplicates kept)."""
        return {
            stream: [self.key_of(stream, record) for record in records]
            for stream, records in self.records.items()
        }

    def key_sets(self) -> dict[str, set[Key]]:
        return {stream: set(keys) for stream, keys in self.keys().items()}

    def duplicates(self) -> dict[str, list[Key]]:
        found = {}
        for stream, keys in self.keys().items():
            repeated = [key for key, count in Counter(keys).items() if count > 1]
            if repeated:
                found[stream] = repeated[:5]
        return found

    def table(self) -> dict[str, dict[Key, dict[str, Any]]]:
        """What a target merging by primary key would hold after this run alone."""
        return merge_by_key([self])

    @property
    def error_line(self) -> str:
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return lines[-1] if lines else ""

    def tail(self, lines: int = 30) -> str:
        return f"exit {self.returncode}; stderr tail:\n" + "\n".join(
            self.stderr.splitlines()[-lines:]
        )


def merge_by_key(runs: Iterable[TapRun]) -> dict[str, dict[Key, dict[str, Any]]]:
    """Load ``runs`` one after another into tables that upsert on the primary key.

    Records compare across sandboxes: URLs into a sandbox (its port differs) are masked.
    """
    tables: dict[str, dict[Key, dict[str, Any]]] = defaultdict(dict)
    for run in runs:
        for stream, records in run.records.items():
            for record in records:
                tables[stream][run.key_of(stream, record)] = json.loads(
                    SANDBOX_URL.sub("http://sandbox", json.dumps(record))
                )
    return dict(tables)


SANDBOX_URL = re.compile(r"http://127\.0\.0\.1:\d+")


def advancing_bookmarks(states: Iterable[Mapping[str, Any]]) -> list[str]:
    """Streams that any of ``states`` gives a bookmark (a value a next run starts from)."""
    found = []
    for state in states:
        for stream, bookmark in (state.get("bookmarks") or {}).items():
            partitions = bookmark.get("partitions") or []
            if bookmark.get("replication_key_value") is not None or any(
                p.get("replication_key_value") is not None for p in partitions
            ):
                found.append(stream)
    return found


# -- the sandbox's request log -----------------------------------------------------


def api_requests(
    log: Iterable[Mapping[str, Any]], provider: str, *, skip_paths: set[str] | None = None
) -> list[Mapping[str, Any]]:
    """The log entries of one API, without its OAuth token endpoint, by arrival time."""
    skip = skip_paths or set()
    return sorted(
        (
            entry
            for entry in log
            if entry["provider"] == provider and urlsplit(entry["path"]).path not in skip
        ),
        key=lambda entry: entry["time"],
    )


def peak_rate(times: Iterable[float], window: float = 1.0) -> int:
    """Most requests that arrived within any ``window`` seconds (sliding, half-open)."""
    ordered = sorted(times)
    return max(
        (bisect.bisect_left(ordered, start + window) - i for i, start in enumerate(ordered)),
        default=0,
    )


def max_in_flight(entries: Iterable[Mapping[str, Any]]) -> int:
    """Most requests the server was answering at the same moment."""
    events = sorted(
        itertools.chain.from_iterable(((e["time"], 1), (e["end"], -1)) for e in entries),
        key=lambda event: (event[0], event[1]),
    )
    level = peak = 0
    for _, change in events:
        level += change
        peak = max(peak, level)
    return peak


#: A request that arrives this soon after a 429 left the server was already on its way:
#: the tap could not have known about the 429 when it sent it.
IN_FLIGHT_SECONDS = 0.05


def retry_after_violations(log: Iterable[Mapping[str, Any]]) -> list[str]:
    """Requests that reached an API after one of its 429s sooner than its Retry-After."""
    entries = sorted(log, key=lambda entry: entry["time"])
    problems = []
    for throttle in entries:
        if throttle["status"] != 429 or not throttle.get("retry_after"):
            continue
        answered = throttle["end"]
        allowed = answered + float(throttle["retry_after"])
        for entry in entries:
            if (
                entry["provider"] == throttle["provider"]
                and answered + IN_FLIGHT_SECONDS < entry["time"] < allowed
            ):
                problems.append(
                    f"{entry['method']} {entry['path']} reached {entry['provider']} "
                    f"{entry['time'] - answered:.3f} s after a 429 with Retry-After "
                    f"{throttle['retry_after']}"
                )
    return problems


# -- credentials, as the sandbox sees them --------------------------------------------


class CredentialRecorder:
    """Every credential that crosses the sandbox: Authorization headers (and what they
    carry: Basic passwords, bearer tokens such as minted JWTs, raw API keys), secrets in
    form bodies, and tokens the sandbox grants. The sandbox itself logs none of them."""

    SECRET_NAME = re.compile(r"secret|token|key|password", re.IGNORECASE)

    def __init__(self, sandbox: Sandbox) -> None:
        self.values: set[str] = set()
        self.bearer_tokens: dict[str, list[str]] = defaultdict(list)
        self._lock = threading.Lock()
        handle = sandbox.handle

        def recording(method: str, target: str, headers: Any, body: bytes) -> Any:
            response, fault = handle(method, target, headers, body)
            provider = urlsplit(target).path.lstrip("/").partition("/")[0]
            with self._lock:
                self._authorization(provider, headers.get("Authorization") or "")
                self._form(body)
                self._granted(response.body)
            return response, fault

        sandbox.handle = recording  # type: ignore[method-assign]

    def _authorization(self, provider: str, value: str) -> None:
        if not value:
            return
        self.values.add(value)
        scheme, _, credential = value.partition(" ")
        if scheme == "Basic":
            self.values.add(credential)
            self.values.add(base64.b64decode(credential).decode().partition(":")[2])
        elif scheme == "Bearer":
            self.values.add(credential)
            if credential not in self.bearer_tokens[provider]:
                self.bearer_tokens[provider].append(credential)

    def _form(self, body: bytes) -> None:
        for name, values in parse_qs(body.decode("utf-8", "replace")).items():
            if self.SECRET_NAME.search(name):
                self.values.update(values)

    def _granted(self, body: Any) -> None:
        if isinstance(body, dict):
            for name in ("access_token", "refresh_token", "token"):
                if isinstance(body.get(name), str):
                    self.values.add(body[name])


def leaks(secrets: Iterable[str], **texts: str | bytes) -> list[str]:
    """Which secret (first characters only) shows up in which of ``texts``."""
    found = []
    for secret in {s for s in secrets if len(s) >= 8}:
        for where, text in texts.items():
            haystack = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
            if secret in haystack:
                found.append(f"{secret[:6]}... in {where}")
    return found
