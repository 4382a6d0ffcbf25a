"""Interruption: a tap killed mid-sync resumes from its last STATE and loses nothing.

The target is simulated as tables that upsert on the primary key (what target-postgres
does with key_properties). Both runs loaded one after the other must give exactly the
tables of one uninterrupted run, and the resumed run must not repeat a key.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from tap_media_apis.sandbox import run_sandbox
from tap_media_apis.sandbox.faults import FaultPlan
from tests.reliability.conftest import Reference
from tests.reliability.harness import (
    UNPACED,
    LiveTap,
    child_stream_names,
    clean_env,
    fanout_providers,
    merge_by_key,
    run_tap,
    sandbox_config,
    tap_args,
)

#: Target length of the interrupted run, set with sandbox latency: long enough to stop
#: it in the middle of a stream, short enough for the suite.
RUN_SECONDS = 4.0
#: About 120 bytes per stream bookmark, for 55 streams.
MAX_STATE_BYTES = 8192
#: AssemblyAI's transcripts still in progress, kept to be re-read by id (bounded).
MAX_PENDING = 500


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_sync_resumes_from_its_last_state_without_loss_or_duplicates(
    ready: list[str], reference: dict[str, Reference], tmp_path: Path, signum: int
) -> None:
    total = sum(reference[name].requests for name in ready)
    # Providers sync side by side: the run lasts about as long as the busiest one.
    busiest = max(reference[name].requests for name in ready)
    with run_sandbox(ready, latency=min(0.25, RUN_SECONDS / busiest)) as sandbox:
        config = sandbox_config(sandbox, ready, block=UNPACED)
        live = LiveTap(tap_args(tmp_path, config), tmp_path, clean_env())

        def midway() -> bool:
            # Records and a STATE are out, and about half of the requests are made.
            kinds = {message["type"] for message in live.messages}
            return {"RECORD", "STATE"} <= kinds and len(sandbox.requests) >= total / 2

        assert live.wait_until(midway, timeout=60), "the sync ended before it could be killed"
        live.proc.send_signal(signum)
        first = live.finish(timeout=30)
        if signum == signal.SIGTERM:
            # Stopped, not finished: the shell convention (the SDK itself exits 0).
            assert first.returncode == 128 + signal.SIGTERM, first.tail()
        else:
            assert first.returncode == -signal.SIGKILL
        assert "Traceback" not in first.stderr
        resume_from = first.final_state
        assert resume_from is not None

        sandbox.latency = 0.0
        second = run_tap(tmp_path, config, state=resume_from)

    assert second.returncode == 0, second.tail()
    full = merge_by_key(reference[name].run for name in ready)
    # The first run really was cut short ...
    assert merge_by_key([first]) != full
    # ... the resumed run repeats no key, and both together are exactly one full run.
    assert second.duplicates() == {}
    assert merge_by_key([first, second]) == full
    assert_small_state(second.final_state, child_stream_names(ready))


def assert_small_state(state: dict[str, Any] | None, children: set[str]) -> None:
    """One bookmark per stream: nothing per parent record, nothing left half-done."""
    assert state is not None
    bookmarks = state.get("bookmarks", {})
    pending = {name: b.get("pending") or [] for name, b in bookmarks.items()}
    assert all(len(ids) <= MAX_PENDING for ids in pending.values())
    without_pending = {
        name: {k: v for k, v in b.items() if k != "pending"} for name, b in bookmarks.items()
    }
    assert len(json.dumps(without_pending)) < MAX_STATE_BYTES, json.dumps(state)[:500]
    for stream, bookmark in bookmarks.items():
        assert "progress_markers" not in bookmark, stream
        partitions = bookmark.get("partitions") or []
        if stream in children:
            assert partitions == [], f"{stream} keeps {len(partitions)} per-parent partitions"
        # Config-driven partitions only (e.g. one per Shutterstock media type).
        assert len(partitions) <= 5, stream


def test_sigterm_stops_at_once_while_child_requests_hang(
    reference: dict[str, Reference], tmp_path: Path
) -> None:
    """Python's exit would wait for every fan-out thread to finish its stalled requests
    (and their retries): minutes, until the orchestrator's SIGKILL. The tap leaves at once."""
    names = fanout_providers()
    if not names:
        pytest.skip("no registered provider has child streams that make requests yet")
    name, stall = names[0], 20.0
    plan = FaultPlan(rate=0.0, kinds=("slow",), slow_seconds=stall)
    with run_sandbox([name], faults=plan) as sandbox:
        config = sandbox_config(sandbox, [name], block=UNPACED)
        live = LiveTap(tap_args(tmp_path, config), tmp_path, clean_env())

        def started() -> bool:
            kinds = {message["type"] for message in live.messages}
            return {"RECORD", "STATE"} <= kinds and len(sandbox.requests) >= 10

        assert live.wait_until(started, timeout=60)
        plan.rate = 1.0  # from now on every answer stalls
        hanging = lambda: sum(e["fault"] == "slow" for e in sandbox.requests) >= 2  # noqa: E731
        assert live.wait_until(hanging, timeout=10), "no requests in flight to hang"
        live.proc.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        first = live.finish(timeout=stall)
        assert first.returncode == 128 + signal.SIGTERM, first.tail()
        assert time.monotonic() - signalled < stall / 4
        plan.rate = 0.0
        second = run_tap(tmp_path, config, state=first.final_state or {})
    assert second.returncode == 0, second.tail()
    assert second.duplicates() == {}
    assert merge_by_key([first, second]) == merge_by_key([reference[name].run])
