"""The sandbox as a separate process: started at a scale and latency, queried over HTTP.

It runs in its own process so that its CPU and memory are never counted against what
is measured; the request log (``/_sandbox/requests``) is the only source of request
counts, so nothing is added to the product for the benchmark.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from mediabench.measure import console_script


class SandboxProcess:
    def __init__(
        self,
        workdir: Path,
        *,
        scale: int,
        latency_ms: float = 0.0,
        providers: list[str] | None = None,
        start_timeout: float = 900.0,
    ) -> None:
        self.workdir = workdir
        self.scale = scale
        self.latency_ms = latency_ms
        self.providers = providers
        self.start_timeout = start_timeout
        self.url = ""
        self.started_in = 0.0
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> SandboxProcess:
        self.workdir.mkdir(parents=True, exist_ok=True)
        url_file = self.workdir / "sandbox.url"
        url_file.unlink(missing_ok=True)
        command = [
            console_script("tap-media-apis-sandbox"),
            "--scale",
            str(self.scale),
            "--latency-ms",
            str(self.latency_ms),
            "--url-file",
            str(url_file),
            # The verification run warms it: timed runs then measure the clients, not the
            # fake's own work (e.g. its search filters every hit on every page).
            "--cache-answers",
        ]
        if self.providers:
            command += ["--providers", ",".join(self.providers)]
        started = time.monotonic()
        log = (self.workdir / "sandbox.log").open("wb")
        self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        while not url_file.exists() or not url_file.read_text().strip():
            if self._process.poll() is not None:
                output = (self.workdir / "sandbox.log").read_text(errors="replace")
                raise RuntimeError(f"the sandbox did not start:\n{output}")
            if time.monotonic() - started > self.start_timeout:
                raise RuntimeError("the sandbox did not start in time")
            time.sleep(0.05)
        self.url = url_file.read_text().strip()
        self.started_in = time.monotonic() - started
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    # -- admin API --------------------------------------------------------------------

    def admin(self, action: str) -> Any:
        with urllib.request.urlopen(f"{self.url}/_sandbox/{action}", timeout=600) as answer:
            return json.loads(answer.read())

    def expected_counts(self) -> dict[str, int]:
        return {name: int(count) for name, count in self.admin("expected").items()}

    def tap_config(self) -> dict[str, Any]:
        """The sandbox's tap config, minus providers whose part serves no data yet."""
        config: dict[str, Any] = self.admin("config")
        live = live_providers(self.expected_counts(), config)
        return {
            key: value
            for key, value in config.items()
            if not isinstance(value, dict) or key in live
        }

    def requests_between(self, start: float, end: float) -> list[dict[str, Any]]:
        """Logged API requests that started inside [start, end] (server clock = ours)."""
        return [entry for entry in self.admin("requests") if start <= float(entry["time"]) <= end]

    def peak_rss_mb(self) -> float | None:
        """The sandbox process's own high-water mark (it is not measured, only checked)."""
        if self._process is None:
            return None
        try:
            status = Path(f"/proc/{self._process.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None


def live_providers(expected: dict[str, int], config: dict[str, Any]) -> list[str]:
    """Provider blocks of the config whose sandbox part has streams (stubs have none)."""
    blocks = [key for key, value in config.items() if isinstance(value, dict)]
    return [name for name in blocks if any(stream.startswith(f"{name}_") for stream in expected)]


def python_env() -> dict[str, str]:
    """The environment for benchmark subprocesses: mediabench importable, quiet Python."""
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONHASHSEED", "0")
    env.pop("PYTHONUNBUFFERED", None)  # any value turns stdout buffering off
    return env


def python() -> str:
    return sys.executable
