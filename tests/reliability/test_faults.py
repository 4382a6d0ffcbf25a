"""Faults: through a flaky API the tap loads exactly what it loads from a healthy one.

The sandbox fails a share of requests with 429 (Retry-After), 500, 502 (an HTML page),
503, a connection reset halfway through the body, or an answer slower than the tap's
request timeout; retries are then bounded in count and in time, and end in one line.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from tap_media_apis.sandbox import run_sandbox
from tap_media_apis.sandbox.faults import FAULT_KINDS, FaultPlan
from tests.reliability.conftest import Reference
from tests.reliability.harness import (
    BY_NAME,
    ERROR_PREFIX,
    UNPACED,
    TapRun,
    retry_after_violations,
    run_parallel,
    run_tap,
    sandbox_config,
)

FAULT_RATE = 0.2
#: Retries fast enough for a short test; slow answers (1.5 s) outlast the 1 s timeout.
#: 12 retries make giving up at this fault rate a one-in-billions event (0.2 ** 13).
QUICK_RETRIES = {
    "request_timeout": 1,
    "retry_backoff_seconds": 0.05,
    "retry_max_wait_seconds": 0.5,
    "max_retries": 12,
}


def fault_settings(reference: Reference, provider: str) -> dict[str, Any]:
    """Unpaced; pages of 20 for an API whose full sync takes few requests (more requests,
    more faults, and page boundaries between faults), where the API lets us choose."""
    few = reference.requests < 50 and BY_NAME[provider].page_size
    return {**UNPACED, **({"page_size": 20} if few else {})}


def test_a_sync_through_faults_loads_exactly_the_fault_free_data(
    ready: list[str], reference: dict[str, Reference], tmp_path: Path
) -> None:
    plan = FaultPlan(rate=FAULT_RATE, retry_after=1.0, slow_seconds=1.5)
    with run_sandbox(ready, faults=plan) as sandbox:
        configs = {
            name: sandbox_config(
                sandbox, [name], top=QUICK_RETRIES, block=fault_settings(reference[name], name)
            )
            for name in ready
        }
        runs = run_parallel(lambda name: run_tap(tmp_path, configs[name]), ready)
        log = list(sandbox.requests)

    for name, run in runs.items():
        assert run.returncode == 0, f"{name}: {run.tail()}"
        assert "Traceback" not in run.stderr
        assert run.duplicates() == {}, name
        assert run.key_sets() == reference[name].key_sets, name
        # Not just the keys: every record is the one a healthy API gives.
        assert run.table() == reference[name].run.table(), name
        assert "retry" in run.stderr  # the retries were real and the log says so

    faulted = [entry for entry in log if entry["fault"]]
    assert len(faulted) >= 0.15 * len(log), f"{len(faulted)} faults in {len(log)} requests"
    assert {entry["fault"] for entry in faulted} == set(FAULT_KINDS)
    assert retry_after_violations(log) == []


# -- retries run out: bounded in count and time, and one line --------------------------


def failing_runs(
    providers: list[str], tmp_path: Path, plan: FaultPlan, settings: dict[str, Any]
) -> tuple[dict[str, TapRun], list[dict[str, Any]]]:
    with run_sandbox(providers, faults=plan) as sandbox:
        configs = {
            name: sandbox_config(sandbox, [name], top=settings, block=UNPACED) for name in providers
        }
        runs = run_parallel(lambda name: run_tap(tmp_path, configs[name], timeout=60), providers)
        log = list(sandbox.requests)
    for name, run in runs.items():
        assert run.returncode == 1, f"{name}: {run.tail()}"
        assert_one_error_line(run)
        assert name in run.error_line
    return runs, log


def assert_one_error_line(run: TapRun) -> None:
    assert run.error_line.startswith(ERROR_PREFIX), run.tail()
    assert [line for line in run.stderr.splitlines() if ERROR_PREFIX in line] == [run.error_line]
    assert "Traceback" not in run.stderr
    assert "gave up after retries" in run.error_line


def names_a_stream(run: TapRun, provider: str) -> bool:
    return any(f"stream {stream.name}" in run.error_line for stream in BY_NAME[provider].streams)


def test_retries_stop_after_max_retries_and_name_the_stream_and_status(
    ready: list[str], tmp_path: Path
) -> None:
    max_retries = 2
    runs, log = failing_runs(
        ready,
        tmp_path,
        FaultPlan(rate=1.0, kinds=("503",)),
        {"max_retries": max_retries, "retry_backoff_seconds": 0.05},
    )
    for name, run in runs.items():
        assert "HTTP 503" in run.error_line, run.error_line
        assert names_a_stream(run, name), run.error_line
        # The first request and its retries, and nothing after the stop.
        assert len([e for e in log if e["provider"] == name]) == max_retries + 1


def pick(ready: list[str], index: int) -> list[str]:
    """One provider per test, rotating, so every provider meets some failure kind."""
    return [ready[index % len(ready)]]


def test_retries_stop_after_max_retry_seconds(ready: list[str], tmp_path: Path) -> None:
    budget = 2.0
    runs, log = failing_runs(
        pick(ready, 0),
        tmp_path,
        FaultPlan(rate=1.0, kinds=("500",)),
        {
            "max_retries": 1000,
            "max_retry_seconds": budget,
            "retry_backoff_seconds": 0.2,
            "retry_max_wait_seconds": 0.2,
        },
    )
    (run,) = runs.values()
    assert "HTTP 500" in run.error_line
    times = sorted(entry["time"] for entry in log)
    # Roughly one try per 0.2 s for 2 s, then a stop: far fewer than 1000 tries.
    assert 5 <= len(times) <= 15, len(times)
    assert times[-1] - times[0] <= budget + 0.5


def test_retries_of_429_wait_for_retry_after_and_stop(ready: list[str], tmp_path: Path) -> None:
    runs, log = failing_runs(
        pick(ready, 1),
        tmp_path,
        FaultPlan(rate=1.0, kinds=("429",), retry_after=1.0),
        {"max_retries": 2, "retry_backoff_seconds": 0.05},
    )
    (run,) = runs.values()
    assert "HTTP 429" in run.error_line
    assert len(log) == 3
    assert retry_after_violations(log) == []
    gaps = [later["time"] - earlier["end"] for earlier, later in itertools.pairwise(log)]
    assert min(gaps) >= 1.0, gaps


@pytest.mark.parametrize(
    ("index", "kind", "problem"),
    [(2, "slow", "timed out"), (3, "reset", "connection reset mid-response")],
)
def test_transport_failures_are_retried_then_named(
    ready: list[str], tmp_path: Path, index: int, kind: str, problem: str
) -> None:
    runs, log = failing_runs(
        pick(ready, index),
        tmp_path,
        FaultPlan(rate=1.0, kinds=(kind,), slow_seconds=1.5),
        {"max_retries": 1, "retry_backoff_seconds": 0.05, "request_timeout": 1},
    )
    (run,) = runs.values()
    assert problem in run.error_line, run.error_line
    assert len(log) == 2
