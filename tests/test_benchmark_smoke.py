"""The benchmark command works: the tap-only part at the smallest scale.

Not a timed test: it asserts what the run reports (records, requests, minimums, checks),
never how fast. It needs neither dlt nor the network (the sandbox is local; the dlt
column is skipped when dlt is not installed, as in the project's dev venv).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmark_command_runs_the_tap_against_the_sandbox(tmp_path: Path) -> None:
    out, raw = tmp_path / "results.md", tmp_path / "results.json"
    finished = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--scale=1",
            "--regimes=cpu",
            "--repeat=1",
            "--columns=tap,dlt",
            f"--out={out}",
            f"--json={raw}",
            f"--workdir={tmp_path / 'work'}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]

    results = json.loads(raw.read_text())
    (run,) = results["runs"]
    assert run["problems"] == []
    # Every stream the sandbox serves came out with the keys it expects.
    assert run["records_emitted"] == sum(run["expected"].values()) > 0
    tap = run["columns"]["tap"]
    assert tap["runs"] == 1
    assert tap["records"] == run["records_emitted"]
    assert tap["requests"] > 0
    assert tap["peak_rss_mb"] > 0
    # Each stream with a rule shows its minimum next to what the tap made.
    rows = run["requests_per_stream"]
    assert any(row["minimum"] is not None for row in rows.values())
    # Token requests and 401s of an expiring token vary with timing (several requests in
    # flight when it expires): the API requests of the two runs are the same.
    made = sum(row["made"] for name, row in rows.items() if name != "(auth)")
    assert made == tap["requests"] - tap["token_requests"]

    markdown = out.read_text()
    assert "| tap-media-apis |" in markdown
    assert "Requests per stream" in markdown
    if "dlt" not in run["columns"]:
        assert "dlt is not installed" in markdown


def test_the_report_shows_side_by_side_and_end_to_end_runs() -> None:
    """The two slow regimes (minutes each) are not run here: their tables are rendered."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from mediabench import report  # noqa: PLC0415

    def provider(requests: int, rate: float, first: float, last: float) -> dict[str, float]:
        return {"requests": requests, "rate": rate, "bound_s": requests / rate,
                "first_s": first, "last_s": last}  # fmt: skip

    def mode(wall: float, providers: dict[str, dict[str, float]]) -> dict[str, object]:
        bounds = [p["bound_s"] for p in providers.values()]
        return {"wall_s": wall, "wall_all_s": [wall], "cpu_s": 1.0, "tree_peak_rss_mb": 60.0,
                "providers": providers, "slowest_bound_s": max(bounds),
                "sum_of_bounds_s": sum(bounds)}  # fmt: skip

    together = {"basecamp": provider(100, 5, 1.0, 20.8), "mux": provider(10, 5, 1.0, 2.8)}
    in_turn = {"basecamp": provider(100, 5, 3.0, 22.8), "mux": provider(10, 5, 1.0, 2.8)}
    loaded = {"wall_s": 10.0, "wall_all_s": [10.0], "cpu_s": 5.0, "peak_rss_mb": 300.0,
              "largest_process_rss_mb": 200.0, "returncode": 0, "rows": 110,
              "rows_per_s": 11.0, "rows_not_expected": {}}  # fmt: skip
    results = {
        "command": "benchmarks/run --regimes side-by-side,e2e",
        "date": "2026-01-01",
        "machine": {"cpus": 2, "python": "3.11", "platform": "Linux"},
        "runs": [
            {"label": "side-by-side-scale1", "regime": "side-by-side", "latency_ms": 50.0,
             "providers": ["basecamp", "mux"], "records_expected": 110, "problems": [],
             "modes": {"side_by_side": mode(22.0, together), "in_turn": mode(24.0, in_turn),
                       "alone": {**mode(21.0, {"basecamp": together["basecamp"]}),
                                 "tap": "tap-basecamp"}}},
            {"label": "e2e-scale1", "regime": "e2e", "records_expected": 110,
             "streams": ["basecamp_projects", "mux_video_assets"], "tap_streams": 46,
             "tap_alone_s": 2.0, "problems": [],
             "columns": {"meltano": {**loaded, "name": "meltano run"},
                         "dlt": {**loaded, "name": "dlt pipeline.run", "returncode": 1,
                                 "error": "too many columns"}}},
        ],
    }  # fmt: skip
    markdown = report.render(results)
    assert "| tap-media-apis, providers side by side | 22.00 | **1.10x** |" in markdown
    assert "tap-basecamp alone took 21.0 s" in markdown
    assert "| meltano run | 11 | 110 |" in markdown
    assert "| dlt pipeline.run | failed |" in markdown
    assert "too many columns" in markdown
