"""Bad input: every mistake ends the CLI within a minute, with one line that says what to fix.

Each case runs the tap's CLI with the DEFAULT retry settings (5 retries, backoff from
1 s: a dead endpoint is given up after about half a minute). All cases start at once
(they mostly wait), then each test judges one of them:

- exit status 1 within 60 s;
- the last stderr line is ``tap-media-apis: error: ...`` naming the provider and the
  stream, setting or URL at fault, and no other line carries that prefix;
- no traceback (only with LOGLEVEL=debug), no ERROR lines besides the SDK's
  "An unhandled error occurred while syncing '<stream>'";
- no STATE that gives a stream a bookmark: the next run must not skip anything.
"""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tap_media_apis.sandbox import Sandbox, run_sandbox
from tap_media_apis.sandbox.faults import FaultPlan
from tests.reliability.harness import (
    BY_NAME,
    ERROR_PREFIX,
    TapRun,
    advancing_bookmarks,
    ready_providers,
    run_parallel,
    run_tap,
    sandbox_config,
    secret_settings,
    select_streams,
    write_json,
)

DEADLINE = 60.0
QUICK_WORKERS = 3
#: The sandboxes the cases run against: a healthy one, and one per kind of broken answer.
SANDBOXES = {
    "healthy": None,
    "html-502": FaultPlan(rate=1.0, kinds=("502",)),
    "invalid-json": FaultPlan(rate=1.0, kinds=("badjson",)),
    "wrong-shape": FaultPlan(rate=1.0, kinds=("wrongshape",)),
}
SDK_ERROR = re.compile(r"\| ERROR +\| \S+ +\| An unhandled error occurred while syncing '\w+'$")


@dataclass(frozen=True)
class Case:
    """One bad input: how to build the run, and what its error line must say."""

    build: Callable[[Sandbox, Path], dict[str, Any]]
    #: Every fragment must be in the error line.
    names: tuple[str, ...]
    #: At least one of these must be too (empty: no such rule).
    any_of: tuple[str, ...] = ()
    sandbox: str = "healthy"
    env: dict[str, str] = field(default_factory=dict)
    #: Retried with the default settings (about half a minute) before the error.
    retried: bool = False


# -- per-provider cases ------------------------------------------------------------------


def block_change(provider: str, change: Callable[[dict[str, Any]], None]) -> Callable[..., Any]:
    def build(sandbox: Sandbox, workdir: Path) -> dict[str, Any]:
        config = sandbox_config(sandbox, [provider])
        change(config[provider])
        return {"config": config}

    return build


def credential_to_drop(provider: str) -> str:
    required = BY_NAME[provider].required
    return required[-1] if required else secret_settings(provider)[-1]


def spoil_secrets(provider: str) -> Callable[[dict[str, Any]], None]:
    def change(block: dict[str, Any]) -> None:
        for name in secret_settings(provider):
            if block.get(name):
                block[name] = "wrong-" + str(block[name])

    return change


def provider_cases(provider: str) -> dict[str, Case]:
    dropped = credential_to_drop(provider)
    return {
        f"{provider}-missing-credential": Case(
            block_change(provider, lambda block: block.pop(dropped, None)),
            names=(f"{provider}.{dropped}",),
        ),
        f"{provider}-wrong-credential": Case(
            block_change(provider, spoil_secrets(provider)),
            names=(provider, "http://"),
            any_of=("HTTP 401", "HTTP 403", "HTTP 400"),
        ),
        f"{provider}-unreachable-base-url": Case(
            block_change(provider, lambda block: block.update(base_url="http://127.0.0.1:1")),
            names=(provider, "connection refused", "http://127.0.0.1:1/", f"{provider}.base_url"),
            retried=True,
        ),
        f"{provider}-unknown-host": Case(
            block_change(
                provider, lambda block: block.update(base_url="http://nonexistent.invalid")
            ),
            names=(provider, "unknown host", "http://nonexistent.invalid/", "base_url"),
        ),
        f"{provider}-html-502": Case(
            block_change(provider, lambda block: None),
            names=(provider, "HTTP 502", "an HTML page (502 Bad Gateway)", "http://"),
            sandbox="html-502",
            retried=True,
        ),
        f"{provider}-invalid-json": Case(
            block_change(provider, lambda block: None),
            names=(provider, "http://"),
            any_of=("invalid JSON", "no access_token"),
            sandbox="invalid-json",
        ),
        f"{provider}-wrong-shape": Case(
            block_change(provider, lambda block: None),
            names=(provider, "http://"),
            any_of=("expected", "no access_token"),
            sandbox="wrong-shape",
        ),
    }


# -- cases about the config, catalog and state files ------------------------------------


def first_incremental_stream(provider: str) -> str:
    return next(str(s.name) for s in BY_NAME[provider].streams if s.replication_key)


def file_cases(provider: str) -> dict[str, Case]:
    def with_config(**top: Any) -> Callable[..., Any]:
        return lambda sandbox, workdir: {"config": sandbox_config(sandbox, [provider], top=top)}

    def with_state_file(content: bytes) -> Callable[..., Any]:
        def build(sandbox: Sandbox, workdir: Path) -> dict[str, Any]:
            path = write_json(workdir, "state", None)
            path.write_bytes(content)
            return {"config": sandbox_config(sandbox, [provider]), "state": path}

        return build

    def with_state(state: dict[str, Any]) -> Callable[..., Any]:
        return lambda sandbox, workdir: {
            "config": sandbox_config(sandbox, [provider]),
            "state": state,
        }

    def with_unknown_stream(sandbox: Sandbox, workdir: Path) -> dict[str, Any]:
        config = sandbox_config(sandbox, [provider])
        catalog = select_streams(config, BY_NAME[provider].stream_names)
        ghost = copy.deepcopy(catalog["streams"][0])
        ghost["tap_stream_id"] = ghost["stream"] = f"{provider}_no_such_stream"
        catalog["streams"].append(ghost)
        return {"config": config, "catalog": catalog}

    stream = first_incremental_stream(provider)
    bad_bookmark = {"replication_key": "x", "replication_key_value": "not-a-date"}
    return {
        "malformed-start-date": Case(
            with_config(start_date="yesterday"), names=("start_date", "'yesterday'")
        ),
        "no-provider-configured": Case(
            lambda sandbox, workdir: {"config": {"start_date": "2024-01-01T00:00:00Z"}},
            names=("no provider configured", provider),
        ),
        "catalog-names-an-unknown-stream": Case(
            with_unknown_stream, names=(f"{provider}_no_such_stream", "--discover")
        ),
        "truncated-state-file": Case(
            with_state_file(b'{"bookmarks": {"' + stream.encode() + b'": {"replication_ke'),
            names=("--state", "not valid JSON"),
        ),
        "binary-garbage-state-file": Case(
            with_state_file(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe garbage"),
            names=("--state", "not valid JSON"),
        ),
        "state-file-not-an-object": Case(
            with_state_file(b'["bookmarks"]'), names=("--state", "JSON object")
        ),
        "state-bookmarks-not-an-object": Case(
            with_state({"bookmarks": "garbage"}), names=("--state", "bookmarks")
        ),
        "state-bookmark-not-a-date": Case(
            with_state({"bookmarks": {stream: bad_bookmark}}),
            names=("--state", stream, "'not-a-date'"),
        ),
        # At debug level the traceback is wanted, and the last line is still the one line.
        "debug-level-keeps-the-one-line": Case(
            with_config(start_date="yesterday"),
            names=("start_date",),
            env={"LOGLEVEL": "DEBUG"},
        ),
    }


def all_cases() -> dict[str, Case]:
    ready = ready_providers()
    cases: dict[str, Case] = {}
    for provider in ready:
        cases.update(provider_cases(provider))
    if ready:
        cases.update(file_cases(ready[0]))
    return cases


CASES = all_cases()


@pytest.fixture(scope="module")
def outcomes(ready: list[str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, TapRun]:
    workdir = tmp_path_factory.mktemp("bad-input")
    with contextlib.ExitStack() as stack:
        sandboxes = {
            name: stack.enter_context(run_sandbox(ready, faults=plan))
            for name, plan in SANDBOXES.items()
        }
        builds = {
            case_id: case.build(sandboxes[case.sandbox], workdir) for case_id, case in CASES.items()
        }
        # The retried cases first, each in its own thread; the quick ones share a few
        # threads (their cost is CPU: a tap start takes about half a second).
        order = sorted(CASES, key=lambda case_id: not CASES[case_id].retried)
        retried = sum(case.retried for case in CASES.values())
        return run_parallel(
            lambda case_id: run_tap(
                workdir, **builds[case_id], env=CASES[case_id].env, timeout=DEADLINE + 30
            ),
            order,
            workers=retried + QUICK_WORKERS,
        )


@pytest.mark.parametrize("case_id", list(CASES) or ["none"])
def test_bad_input_fails_fast_with_one_clear_line(
    outcomes: dict[str, TapRun], case_id: str
) -> None:
    case, run = CASES[case_id], outcomes[case_id]
    line = run.error_line
    assert run.returncode == 1, run.tail()
    assert run.seconds < DEADLINE
    assert line.startswith(ERROR_PREFIX), run.tail()
    assert [text for text in run.stderr.splitlines() if ERROR_PREFIX in text] == [line]
    for fragment in case.names:
        assert fragment in line, f"{fragment!r} not in {line!r}"
    if case.any_of:
        assert any(fragment in line for fragment in case.any_of), line
    debug = case.env.get("LOGLEVEL") == "DEBUG"
    assert ("Traceback" in run.stderr) is debug, run.tail()
    errors = [text for text in run.stderr.splitlines() if "| ERROR" in text]
    assert all(SDK_ERROR.search(text) for text in errors), errors
    assert "| CRITICAL" not in run.stderr
    assert advancing_bookmarks(run.states) == []
