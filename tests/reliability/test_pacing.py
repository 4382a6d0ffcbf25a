"""Rate pacing: the tap keeps each API's pace, counting every thread, as the API sees it.

The sandbox logs when each request arrived; the peak is the most requests inside any
sliding one-second window. One request of tolerance covers the window edges: a pacer
at 5/s sends at 0.0, 0.2, ... 1.0 s, and jitter of a millisecond puts six in one window.
"""

from __future__ import annotations

import bisect
import math
import signal
from pathlib import Path

import pytest

from tap_media_apis.core.stream import ProviderStream
from tap_media_apis.providers import PROVIDERS
from tap_media_apis.sandbox import run_sandbox
from tests.reliability.harness import (
    BY_NAME,
    LiveTap,
    api_requests,
    clean_env,
    fanout_providers,
    max_in_flight,
    peak_rate,
    run_tap,
    sandbox_config,
    select_streams,
    tap_args,
    token_paths,
)

#: Requests per second each API documents (docs/providers/<api>.md, "Rate limits"):
#: Mux ~5 GET/s; Basecamp 50 per 10 s per IP; AssemblyAI 20,000 per 5 minutes.
DOCUMENTED = {"mux": 5.0, "basecamp": 50 / 10, "assemblyai": 20_000 / 300}
#: 100ms and Shutterstock publish no general limit: the default must be conservative.
CONSERVATIVE = 10.0
EDGE = 1  # one request of tolerance for window edges


def test_default_rates_keep_within_the_documented_limits() -> None:
    defaults = {provider.name: provider.requests_per_second for provider in PROVIDERS}
    assert set(defaults) == {"mux", "assemblyai", "shutterstock", "hms", "basecamp"}
    for name, rate in defaults.items():
        assert 0 < rate <= DOCUMENTED.get(name, CONSERVATIVE), name
    # The documented limits are the defaults, not something far below them.
    assert defaults["mux"] == 5
    assert defaults["basecamp"] == 5
    assert defaults["assemblyai"] == 66
    assert defaults["hms"] <= CONSERVATIVE
    assert defaults["shutterstock"] <= CONSERVATIVE


def test_mux_keeps_its_default_5_requests_per_second(ready: list[str], tmp_path: Path) -> None:
    if "mux" not in ready:
        pytest.skip("the Mux provider is not registered yet")
    stream = "mux_video_assets"
    with run_sandbox(["mux"]) as sandbox:
        config = sandbox_config(sandbox, ["mux"])
        config["mux"].pop("requests_per_second", None)  # the default pace, as shipped
        # Pages small enough for ~25 requests: long enough to measure, short to run.
        rows = sandbox.parts["mux"].expected_counts()[stream]
        config["mux"]["page_size"] = math.ceil(rows / 24)
        run = run_tap(tmp_path, config, catalog=select_streams(config, [stream]))
        entries = api_requests(sandbox.requests, "mux")
    assert run.returncode == 0, run.tail()
    assert len(run.records[stream]) == rows
    times = [entry["time"] for entry in entries]
    assert 20 <= len(times) <= 30
    assert peak_rate(times) <= 5 + EDGE
    # Paced, not merely slow: n requests at 5/s span at least (n - 1) / 5 seconds.
    assert times[-1] - times[0] >= (len(times) - 1) / 5 - 0.05


def chain(provider: str) -> list[str]:
    """The provider's child streams that make requests, with their ancestors."""

    def ancestors(stream: type[ProviderStream]) -> list[type[ProviderStream]]:
        parent = stream.parent_stream_type
        return [*ancestors(parent), parent] if parent is not None else []

    children = [
        stream
        for stream in BY_NAME[provider].streams
        if stream.parent_stream_type is not None and not stream.derived_from_parent
    ]
    lineage = [s for child in children for s in (*ancestors(child), child)]
    return list(dict.fromkeys(str(stream.name) for stream in lineage))


def test_a_configured_rate_holds_across_child_fan_out_threads(tmp_path: Path) -> None:
    names = fanout_providers()
    if not names:
        pytest.skip("no registered provider has child streams that make requests yet")
    # 10/s: one interval (100 ms) is far above the scheduling jitter of a busy machine, so
    # a peak above rate + 1 is the pacer's fault, not the measurement's.
    rate, enough = 10, 50
    settings = {"requests_per_second": rate, "max_concurrency": 4}
    # Latency well above the pace interval: the pace only holds if the threads coordinate.
    with run_sandbox(names, latency=0.2) as sandbox:
        configs = {name: sandbox_config(sandbox, [name], block=settings) for name in names}
        skip = {name: token_paths(configs[name]) for name in names}
        taps = {
            name: LiveTap(
                tap_args(
                    tmp_path, configs[name], catalog=select_streams(configs[name], chain(name))
                ),
                tmp_path,
                clean_env(),
            )
            for name in names
        }

        def measured(name: str) -> int:
            return len(api_requests(sandbox.requests, name, skip_paths=skip[name]))

        runs = {}
        for name, live in taps.items():
            # Enough requests to measure (5 s at this pace), then stop: pacing is the point.
            live.wait_until(lambda name=name: measured(name) >= enough, timeout=60)
            if live.proc.poll() is None:
                live.proc.send_signal(signal.SIGTERM)
            runs[name] = live.finish(timeout=30)
        log = list(sandbox.requests)
    for name, run in runs.items():
        assert run.returncode in (0, 128 + signal.SIGTERM), f"{name}: {run.tail()}"
        entries = api_requests(log, name, skip_paths=skip[name])
        assert len(entries) >= 3 * rate, f"{name}: too few requests to measure a pace"
        assert peak_rate(entry["time"] for entry in entries) <= rate + EDGE, name
        assert max_in_flight(entries) >= 2, f"{name}: no child requests overlapped"


def test_basecamp_default_pace_never_exceeds_50_requests_in_any_10_seconds(
    tmp_path: Path,
) -> None:
    """Basecamp counts 50 requests in ANY 10-second window (closed): no tolerance here."""
    with run_sandbox(["basecamp"]) as sandbox:
        config = sandbox_config(sandbox, ["basecamp"])
        config["basecamp"].pop("requests_per_second", None)  # the default pace, as shipped
        config["basecamp"]["max_concurrency"] = 4  # child fan-out threads share the pace
        skip = token_paths(config)
        live = LiveTap(tap_args(tmp_path, config), tmp_path, clean_env())

        def measured() -> int:
            return len(api_requests(sandbox.requests, "basecamp", skip_paths=skip))

        # 60 requests span 12 s at the pace: more than one full window.
        live.wait_until(lambda: measured() >= 60, timeout=60)
        if live.proc.poll() is None:
            live.proc.send_signal(signal.SIGTERM)
        run = live.finish(timeout=30)
        times = sorted(
            e["time"] for e in api_requests(sandbox.requests, "basecamp", skip_paths=skip)
        )
    assert run.returncode in (0, 128 + signal.SIGTERM), run.tail()
    assert len(times) >= 55
    busiest = max(bisect.bisect_right(times, start + 10.0) - i for i, start in enumerate(times))
    assert busiest <= 50
