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
    assert sum(row["made"] for row in rows.values()) == tap["requests"]

    markdown = out.read_text()
    assert "| tap-media-apis |" in markdown
    assert "Requests per stream" in markdown
    if "dlt" not in run["columns"]:
        assert "dlt is not installed" in markdown
