"""Providers side by side against in turn, at each API's documented default rate.

One sandbox (``--latency-ms``, every provider), two configs that differ only in
``providers_side_by_side``; neither sets ``requests_per_second``, so each provider keeps
its own default (Mux 5/s, AssemblyAI 66/s, Shutterstock 10/s, 100ms 10/s, Basecamp 5/s
and 50 in 10 s: docs/providers/<api>.md, "Rate limits"). From the sandbox's request log of
each run, per provider:

- ``bound_s``: its requests ÷ its allowed rate, the fastest any client may read it;
- ``first_s``/``last_s``: its first and last request, in seconds after the tap started,
  so start-up (the child processes' imports) and the tail after the last request show.

A side-by-side run can be no faster than the slowest provider's bound; the target is a
wall time of at most 1.2x that bound. In turn, the bounds add up. The slowest provider's
own tap (``tap-basecamp``, …) alone, once, splits what a miss costs: its wall time minus
the bound is one tap's start-up and tail; the side-by-side wall time minus it is the
fan-out (the parent, the other children).
"""

from __future__ import annotations

import json
import shutil
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediabench.measure import Measurement, console_script, median, run_measured, tail
from mediabench.sandbox import SandboxProcess, python_env
from mediabench.verify import count_problems, read_tap_output
from tap_media_apis.providers import PROVIDERS

MODES = {"side_by_side": True, "in_turn": False}
TARGET = 1.2


def default_rates() -> dict[str, float]:
    return {p.name: float(p.requests_per_second) for p in PROVIDERS}


@dataclass
class SideBySideBenchmark:
    workdir: Path
    scale: int
    latency_ms: float
    repeat: int
    providers: list[str]
    run_info: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"side-by-side-scale{self.scale}"

    def say(self, text: str) -> None:
        print(f"== {self.label}: {text}", file=sys.stderr, flush=True)

    def run(self) -> SideBySideBenchmark:
        self.workdir = self.workdir / self.label
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir.mkdir(parents=True)
        self.say("starting the sandbox")
        with SandboxProcess(
            self.workdir,
            scale=self.scale,
            latency_ms=self.latency_ms,
            providers=self.providers or None,
        ) as sandbox:
            config = sandbox.tap_config()
            included = [k for k, v in config.items() if isinstance(v, dict)]
            for name in included:
                config[name].pop("requests_per_second", None)  # the documented default
            expected = {
                name: count
                for name, count in sandbox.expected_counts().items()
                if any(name.startswith(f"{p}_") for p in included)
            }
            paths = {}
            for mode, together in MODES.items():
                paths[mode] = self.workdir / f"config-{mode}.json"
                paths[mode].write_text(json.dumps({**config, "providers_side_by_side": together}))
            rates = default_rates()
            samples: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for attempt in range(self.repeat):
                for mode in MODES:  # interleaved: a busy machine hits both alike
                    self.say(f"{mode} run {attempt + 1}")
                    sample = self.time_one(
                        sandbox,
                        mode=mode,
                        config=paths[mode],
                        attempt=attempt,
                        rates=rates,
                        expected=expected,
                    )
                    if sample is not None:
                        samples[mode].append(sample)
            slowest = self.slowest(samples)
            if slowest:
                self.say(f"{slowest} alone")
                block = config[slowest]
                flat = {k: v for k, v in config.items() if not isinstance(v, dict)}
                flat.pop("providers_side_by_side", None)
                path = self.workdir / f"config-{slowest}.json"
                path.write_text(json.dumps({**flat, **block}))
                tap = next(p.tap_name for p in PROVIDERS if p.name == slowest)
                only = {k: v for k, v in expected.items() if k.startswith(f"{slowest}_")}
                sample = self.time_one(
                    sandbox,
                    mode="alone",
                    config=path,
                    attempt=0,
                    rates=rates,
                    expected=only,
                    tap=tap,
                )
                if sample is not None:
                    samples["alone"].append({**sample, "tap": tap})
            self.run_info = {
                "label": self.label,
                "regime": "side-by-side",
                "scale": self.scale,
                "latency_ms": self.latency_ms,
                "providers": included,
                "rates": {p: rates[p] for p in included},
                "records_expected": sum(expected.values()),
                "expected": expected,
                "modes": {mode: summarise(rows) for mode, rows in samples.items() if rows},
            }
        return self

    def time_one(
        self,
        sandbox: SandboxProcess,
        *,
        mode: str,
        config: Path,
        attempt: int,
        rates: dict[str, float],
        expected: dict[str, int],
        tap: str = "tap-media-apis",
    ) -> dict[str, Any] | None:
        # Written to a file, not /dev/null: counted afterwards (a file write is cheap).
        captured = self.workdir / f"{mode}-{attempt}.jsonl"
        measured = run_measured(
            [console_script(tap), "--config", str(config)],
            env=python_env(),
            stdout=captured,
            stderr=self.workdir / f"{mode}-{attempt}.stderr",
            tree=True,
        )
        if measured.returncode:
            self.problems.append(
                f"{self.label}: {mode} failed (exit {measured.returncode}):\n"
                + tail(measured.stderr_path)
            )
            return None
        output = read_tap_output(captured)
        captured.unlink()
        self.problems += [f"{self.label}, {mode}: {p}" for p in count_problems(expected, output)]
        entries = sandbox.requests_between(measured.started, measured.ended)
        return {
            "wall_s": measured.wall,
            "cpu_s": measured.cpu,
            "tree_peak_rss_mb": measured.tree_peak_rss_mb,
            "records": sum(output.records.values()),
            "providers": provider_timeline(entries, measured, rates),
        }

    @staticmethod
    def slowest(samples: dict[str, list[dict[str, Any]]]) -> str | None:
        rows = samples.get("side_by_side") or samples.get("in_turn")
        if not rows:
            return None
        providers = rows[0]["providers"]
        return max(providers, key=lambda name: providers[name]["bound_s"]) if providers else None


def provider_timeline(
    entries: list[dict[str, Any]], measured: Measurement, rates: dict[str, float]
) -> dict[str, dict[str, Any]]:
    """Per provider: requests, rate, bound, and when its first and last request came."""
    times: dict[str, list[float]] = defaultdict(list)
    for entry in entries:
        times[entry["provider"]].append(float(entry["time"]) - measured.started)
    out = {}
    for provider, starts in sorted(times.items()):
        rate = rates.get(provider, 0.0)
        out[provider] = {
            "requests": len(starts),
            "rate": rate,
            "bound_s": len(starts) / rate if rate else 0.0,
            "first_s": min(starts),
            "last_s": max(starts),
        }
    return out


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The median run (by wall time), with every run's wall time."""
    ordered = sorted(rows, key=lambda r: r["wall_s"])
    middle = ordered[len(ordered) // 2]
    slowest = max(middle["providers"].values(), key=lambda p: p["bound_s"])
    bound_sum = sum(p["bound_s"] for p in middle["providers"].values())
    return {
        **middle,
        "runs": len(rows),
        "wall_all_s": [r["wall_s"] for r in rows],
        "wall_median_s": median([r["wall_s"] for r in rows]),
        "slowest_bound_s": slowest["bound_s"],
        "sum_of_bounds_s": bound_sum,
        "ratio": middle["wall_s"] / slowest["bound_s"] if slowest["bound_s"] else None,
    }
