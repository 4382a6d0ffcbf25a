"""Benchmark tap-media-apis against the SDK baseline, dlt and the fetch+decode limit.

    benchmarks/run                                   # the wrapper: builds benchmarks/.venv
    python benchmarks/run.py --scale 2,150 --latency-ms 50 --repeat 3
    benchmarks/run --regimes side-by-side,e2e --repeat 1   # providers at once; into PostgreSQL

Regimes: ``cpu`` and ``latency`` (the contenders below), ``side-by-side`` (the providers
at once against in turn, at the documented default rates: mediabench/side_by_side.py)
and ``e2e`` (``meltano run tap-media-apis target-postgres`` against dlt's
``pipeline.run`` into one PostgreSQL: mediabench/end_to_end.py). results.md keeps the
runs of the regimes not measured this time, each with its own command and date.

Every measured contender is a separate process (stdout drained to /dev/null), the
sandbox is another one; requests are counted from the sandbox's request log. See
docs/performance.md for what each column means.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from mediabench import end_to_end, report  # noqa: E402
from mediabench.catalog import AUTH, StreamInfo, attribute, tap_streams  # noqa: E402
from mediabench.measure import console_script, median, run_measured, tail  # noqa: E402
from mediabench.minimums import minimum_requests, needed_fields  # noqa: E402
from mediabench.pacing import pacing_report  # noqa: E402
from mediabench.sandbox import SandboxProcess, python_env  # noqa: E402
from mediabench.side_by_side import SideBySideBenchmark  # noqa: E402
from mediabench.verify import TapOutput, count_problems, read_tap_output  # noqa: E402

from tap_media_apis.providers import PROVIDERS  # noqa: E402

COLUMNS = {
    "tap": "tap-media-apis",
    "sdk": "SDK baseline",
    "dlt": "dlt rest_api 1.31.0 (extract)",
    "limit": "fetch+decode limit",
    "tap_seq": "tap-media-apis, max_concurrency=1",
}
REGIMES = ("cpu", "latency", "side-by-side", "e2e")
UNPACED = 1_000_000.0  # requests/s for the CPU regime: the rate never binds there


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--scale",
        default="2,150",
        help="sandbox scales of the CPU-bound regime, comma-separated (~13k and ~1M records)",
    )
    parser.add_argument("--latency-ms", type=float, default=50.0, help="latency-bound regime")
    parser.add_argument("--latency-scale", type=int, default=2)
    parser.add_argument(
        "--rate",
        type=float,
        default=50.0,
        help="requests_per_second of every provider in the latency-bound regime",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="max_concurrency of every provider in the latency-bound regime "
        "(default: each provider's own)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (median)")
    parser.add_argument(
        "--regimes", default="cpu,latency", help="any of cpu, latency, side-by-side, e2e"
    )
    parser.add_argument(
        "--side-by-side-scale",
        type=int,
        default=2,
        help="sandbox scale of the side-by-side regime (its latency is --latency-ms)",
    )
    parser.add_argument("--e2e-scale", type=int, default=5, help="sandbox scale of the e2e regime")
    parser.add_argument(
        "--e2e-columns",
        default=",".join(end_to_end.CONTENDERS),
        help=f"e2e contenders: {','.join(end_to_end.CONTENDERS)}",
    )
    parser.add_argument(
        "--meltano", default=None, help="the meltano executable (default: next to Python, PATH)"
    )
    parser.add_argument("--columns", default="tap,sdk,dlt,limit", help="tap,sdk,dlt,limit")
    parser.add_argument("--providers", default="", help="only these (default: every provider)")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "results.json")
    parser.add_argument("--workdir", type=Path, default=HERE / "results" / "raw")
    parser.add_argument("--keep-output", action="store_true", help="keep captured tap output")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    columns = [c.strip() for c in args.columns.split(",") if c.strip()]
    unknown = sorted(set(columns) - set(COLUMNS))
    if unknown:
        sys.exit(f"unknown columns {unknown}; known: {', '.join(COLUMNS)}")
    notes: list[str] = []
    if "dlt" in columns and importlib.util.find_spec("dlt") is None:
        columns.remove("dlt")
        notes.append("dlt is not installed here: its column was skipped (benchmarks/run has it).")
    regimes = [r.strip() for r in args.regimes.split(",") if r.strip()]
    unknown = sorted(set(regimes) - set(REGIMES))
    if unknown:
        sys.exit(f"unknown regimes {unknown}; known: {', '.join(REGIMES)}")
    e2e_columns = [c.strip() for c in args.e2e_columns.split(",") if c.strip()]
    unknown = sorted(set(e2e_columns) - set(end_to_end.CONTENDERS))
    if unknown:
        sys.exit(f"unknown e2e columns {unknown}; known: {', '.join(end_to_end.CONTENDERS)}")
    providers = [p for p in args.providers.split(",") if p]
    args.workdir.mkdir(parents=True, exist_ok=True)
    stamp = {"command": command_line(argv), "date": time.strftime("%Y-%m-%d"), "load": load()}
    results: dict[str, Any] = {
        **stamp,
        "machine": machine(),
        "notes": notes,
        "runs": [],
    }
    earlier = earlier_runs(args.json, regimes)
    plans: list[tuple[str, int, float, list[str]]] = []
    if "cpu" in regimes:
        plans += [("cpu", int(s), 0.0, columns) for s in str(args.scale).split(",") if s]
    if "latency" in regimes:
        plans.append(("latency", args.latency_scale, args.latency_ms, [*columns, "tap_seq"]))
    runs: list[Any] = [
        Benchmark(args, regime, scale, latency_ms, cols, providers)
        for regime, scale, latency_ms, cols in plans
    ]
    if "side-by-side" in regimes:
        runs.append(
            SideBySideBenchmark(
                args.workdir, args.side_by_side_scale, args.latency_ms, args.repeat, providers
            )
        )
    if "e2e" in regimes:
        with_meltano = any(c.startswith("meltano") for c in e2e_columns)
        meltano = end_to_end.meltano_executable(args.meltano) if with_meltano else ""
        runs.append(
            end_to_end.EndToEndBenchmark(
                args.workdir, args.e2e_scale, args.repeat, e2e_columns, meltano, HERE.parent
            )
        )
    markdown = ""
    for benchmark in runs:
        done = benchmark.run()
        results["runs"].append({**done.run_info, "problems": done.problems, **stamp})
        # After each point (a long run keeps them), with the other regimes' earlier runs.
        markdown = write_results(args, {**results, "runs": [*results["runs"], *earlier]})
    print(markdown)
    failures = [p for run in results["runs"] for p in run["problems"]]
    if failures:
        print("PROBLEMS:\n" + "\n".join(failures), file=sys.stderr)
        return 1
    return 0


@dataclass
class Benchmark:
    """One regime at one scale: a sandbox, one verification run, then the timed runs."""

    args: argparse.Namespace
    regime: str
    scale: int
    latency_ms: float
    columns: list[str]
    providers: list[str]
    run_info: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.regime}-scale{self.scale}"

    def say(self, text: str) -> None:
        print(f"== {self.label}: {text}", file=sys.stderr, flush=True)

    def run(self) -> Benchmark:
        self.workdir = self.args.workdir / self.label
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir.mkdir(parents=True)
        self.env = python_env()
        self.env["RUNTIME__DLTHUB_TELEMETRY"] = "false"
        self.say("starting the sandbox")
        with SandboxProcess(
            self.workdir,
            scale=self.scale,
            latency_ms=self.latency_ms,
            providers=self.providers or None,
        ) as sandbox:
            self.sandbox = sandbox
            self.configure()
            output = self.verify()
            samples = self.time_contenders()
            self.run_info["columns"] = {
                column: summarise(column, rows) for column, rows in samples.items() if rows
            }
            if "tap_seq" in self.columns:
                self.check_order(output)
            self.run_info["sandbox_peak_rss_mb"] = sandbox.peak_rss_mb()
        if not self.args.keep_output:
            for path in self.workdir.glob("*.jsonl"):
                path.unlink()
        return self

    # -- setup ------------------------------------------------------------------------

    def configure(self) -> None:
        config = self.sandbox.tap_config()
        included = [k for k, v in config.items() if isinstance(v, dict)]
        if not included:
            raise SystemExit("no provider in the sandbox serves data yet")
        self.expected = {
            name: count
            for name, count in self.sandbox.expected_counts().items()
            if any(name.startswith(f"{p}_") for p in included)
        }
        rate = UNPACED if self.regime == "cpu" else self.args.rate
        for name in included:
            config[name]["requests_per_second"] = rate
            if self.regime == "latency" and self.args.concurrency:
                config[name]["max_concurrency"] = self.args.concurrency
        self.config = config
        self.config_path = self.write_config("config.json", config)
        # The reference for order and state: one request at a time, as the SDK syncs.
        self.sequential = json.loads(json.dumps(config))
        for name in included:
            self.sequential[name]["max_concurrency"] = 1
        self.sequential_path = self.write_config("config-sequential.json", self.sequential)
        self.streams: dict[str, StreamInfo] = tap_streams(config)
        self.run_info = {
            "label": self.label,
            "regime": self.regime,
            "scale": self.scale,
            "latency_ms": self.latency_ms,
            "providers": included,
            "records_expected": sum(self.expected.values()),
            "expected": self.expected,
            "sandbox_started_s": round(self.sandbox.started_in, 2),
            "rate": None if self.regime == "cpu" else rate,
            "concurrency": {
                p: int(config[p].get("max_concurrency") or provider_default(p)) for p in included
            },
        }

    def write_config(self, name: str, config: dict[str, Any]) -> Path:
        path = self.workdir / name
        path.write_text(json.dumps(config, indent=2))
        return path

    # -- 1. one captured, untimed tap run ---------------------------------------------

    def verify(self) -> TapOutput:
        """Correctness (distinct keys per stream), requests per stream, the URLs to replay."""
        self.say("verification run")
        captured = self.workdir / "tap-output.jsonl"
        check = run_measured(
            [console_script("tap-media-apis"), "--config", str(self.config_path)],
            env=self.env,
            stdout=captured,
            stderr=self.workdir / "verify.stderr",
        )
        if check.returncode:
            raise SystemExit(f"the tap failed:\n{tail(check.stderr_path)}")
        log = self.sandbox.requests_between(check.started, check.ended)
        output = read_tap_output(captured, needed_fields(self.streams))
        self.problems += [f"{self.label}: {p}" for p in count_problems(self.expected, output)]
        made = attribute(log, self.streams)
        minimum = minimum_requests(self.streams, output, self.config)
        rows = {
            name: {"made": made.get(name, 0), "minimum": minimum.get(name)}
            for name in sorted(set(made) | set(self.streams))
        }
        self.run_info["requests_per_stream"] = rows
        # Findings, not failures: the table marks them (a correctness problem fails the run).
        self.run_info["over_minimum"] = [
            name
            for name, row in rows.items()
            if row["minimum"] is not None and row["made"] > row["minimum"]
        ]
        self.run_info["records_emitted"] = sum(output.records.values())
        urls = [
            [entry["provider"], self.sandbox.url + entry["path"]]
            for entry in sorted(log, key=lambda e: e["time"])
            if entry["method"] == "GET" and entry["status"] != 401
        ]
        self.urls_path = self.workdir / "urls.json"
        self.urls_path.write_text(json.dumps(urls))
        return output

    # -- 2. the timed runs --------------------------------------------------------------

    def commands(self) -> dict[str, list[str]]:
        config = str(self.config_path)
        return {
            "tap": [console_script("tap-media-apis"), "--config", config],
            "sdk": [sys.executable, "-m", "mediabench.baseline_tap", "--config", config],
            "dlt": [sys.executable, "-m", "mediabench.dlt_extract", "--config", config],
            "limit": [
                *(sys.executable, "-m", "mediabench.fetch_limit", "--config", config),
                *("--urls", str(self.urls_path)),
            ],
            "tap_seq": [console_script("tap-media-apis"), "--config", str(self.sequential_path)],
        }

    def time_contenders(self) -> dict[str, list[dict[str, Any]]]:
        """Contenders interleaved, so that drift of a busy machine hits all of them alike."""
        commands = self.commands()
        samples: dict[str, list[dict[str, Any]]] = {c: [] for c in self.columns}
        for attempt in range(self.args.repeat):
            for column in self.columns:
                if column == "tap_seq" and attempt:
                    continue  # the sequential reference runs once (it is slow by design)
                self.say(f"{column} run {attempt + 1}")
                sample = self.time_one(column, commands[column], attempt)
                if sample is not None:
                    samples[column].append(sample)
        return samples

    def time_one(self, column: str, command: list[str], attempt: int) -> dict[str, Any] | None:
        summary = self.workdir / f"{column}-{attempt}.summary.json"
        if column in ("dlt", "limit"):
            command = [*command, "--summary", str(summary)]
        measured = run_measured(
            command,
            env=self.env,
            stdout=self.workdir / "tap-sequential.jsonl" if column == "tap_seq" else None,
            stderr=self.workdir / f"{column}-{attempt}.stderr",
        )
        if measured.returncode:
            self.problems.append(
                f"{self.label}: {column} failed (exit {measured.returncode}):\n"
                + tail(measured.stderr_path)
            )
            return None
        entries = self.sandbox.requests_between(measured.started, measured.ended)
        sample: dict[str, Any] = {
            "wall_s": measured.wall,
            "cpu_s": measured.cpu,
            "peak_rss_mb": measured.peak_rss_mb,
            "requests": len(entries),
            "token_requests": attribute(entries, self.streams)[AUTH],
            # The tap's output was verified; the limit fetches the same pages.
            "records": self.run_info["records_emitted"],
        }
        if column == "dlt":
            counts = json.loads(summary.read_text())["records"]
            sample["records"] = sum(counts.values())
            sample["records_per_stream"] = counts
        if self.regime == "latency" and column in ("tap", "tap_seq"):
            config = self.sequential if column == "tap_seq" else self.config
            sample["pacing"] = pacing_report(entries, config)
        return sample

    # -- 3. fan-out changes nothing -----------------------------------------------------

    def check_order(self, output: TapOutput) -> None:
        sequential = read_tap_output(self.workdir / "tap-sequential.jsonl")
        same_order = sequential.order_digest == output.order_digest
        same_state = strip_signposts(sequential.final_state) == strip_signposts(output.final_state)
        self.run_info["order_check"] = {
            "same_records_in_same_order": same_order,
            "same_final_state": same_state,
        }
        if not (same_order and same_state):
            self.problems.append(
                f"{self.label}: fan-out changed the output "
                f"(same order: {same_order}, same state: {same_state})"
            )


def write_results(args: argparse.Namespace, results: dict[str, Any]) -> str:
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=str))
    markdown = report.render(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown)
    return markdown


def summarise(column: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    walls = [r["wall_s"] for r in rows]
    wall = median(walls)
    records = rows[0]["records"]
    out = {
        "name": COLUMNS[column],
        "runs": len(rows),
        "wall_s": wall,
        "wall_all_s": walls,
        "records": records,
        "records_per_s": records / wall if wall else float("nan"),
        "cpu_s": median([r["cpu_s"] for r in rows]),
        "requests": int(median([r["requests"] for r in rows])),
        "token_requests": int(median([r["token_requests"] for r in rows])),
        "peak_rss_mb": median([r["peak_rss_mb"] for r in rows]),
        "peak_rss_max_mb": max(r["peak_rss_mb"] for r in rows),
    }
    if "records_per_stream" in rows[0]:
        out["records_per_stream"] = rows[0]["records_per_stream"]
    paced = sorted((r for r in rows if "pacing" in r), key=lambda r: r["wall_s"])
    if paced:
        out["pacing"] = paced[len(paced) // 2]["pacing"]  # of the median run
    return out


def strip_signposts(value: Any) -> Any:
    """State without the run-time signposts (they hold the run's start time)."""
    if isinstance(value, dict):
        return {k: strip_signposts(v) for k, v in value.items() if k != "replication_key_signpost"}
    if isinstance(value, list):
        return [strip_signposts(v) for v in value]
    return value


def provider_default(provider: str) -> int:
    return next(p.max_concurrency for p in PROVIDERS if p.name == provider)


def earlier_runs(path: Path, regimes: list[str]) -> list[dict[str, Any]]:
    """The previous results' runs of the regimes not measured now, with their command."""
    if not path.exists():
        return []
    previous = json.loads(path.read_text())
    return [
        {"command": previous.get("command"), "date": previous.get("date"), **run}
        for run in previous.get("runs", [])
        if run.get("regime") not in regimes
    ]


def load() -> str:
    """The 1-minute load average when the run started (the machine is shared)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "n/a"


def command_line(argv: list[str] | None) -> str:
    given = sys.argv[1:] if argv is None else argv
    return " ".join(["benchmarks/run", *given])


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(terse=True),
        "processor": platform.processor() or platform.machine(),
    }


if __name__ == "__main__":
    sys.exit(main())
