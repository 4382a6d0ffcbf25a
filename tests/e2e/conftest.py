"""End-to-end fixtures: the sandbox as a subprocess, a private PostgreSQL cluster, Meltano.

Everything runs as a user would: the console scripts of the venv running pytest, the
project's own meltano.yml (environment `sandbox`), real PostgreSQL and DuckDB files.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
#: Variables that would override meltano.yml's sandbox environment if the caller had them set.
FOREIGN_ENV_PREFIXES = ("TAP_MEDIA_APIS_", "TARGET_POSTGRES_", "TARGET_DUCKDB_", "MELTANO_")


def venv_tool(name: str) -> str:
    path = VENV_BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        pytest.fail(
            f"{name} not found next to {sys.executable} or on PATH: pip install -e '.[dev]'"
        )
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


# -- the sandbox ------------------------------------------------------------------------------


@dataclass
class SandboxProcess:
    url: str
    #: The sandbox's own tap-media-apis config (nested: one block per provider).
    config_file: Path

    @property
    def config(self) -> dict[str, Any]:
        return dict(json.loads(self.config_file.read_text(encoding="utf-8")))

    def admin(self, action: str, method: str = "GET") -> Any:
        request = urllib.request.Request(f"{self.url}/_sandbox/{action}", method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def expected(self, account: str | None = None) -> dict[str, int]:
        return dict(self.admin("expected" + (f"?account={account}" if account else "")))

    def advance(self) -> dict[str, int]:
        """Time moves on; what a target merging by key then holds (deleted rows stay)."""
        self.admin("advance", method="POST")
        return dict(self.admin("held"))


@contextmanager
def running_sandbox(directory: Path, *args: str) -> Iterator[SandboxProcess]:
    """`tap-media-apis-sandbox [args]` on a free port, writing its URL and config into directory."""
    url_file = directory / "sandbox.url"
    config_file = directory / "sandbox.config.json"
    log_path = directory / "sandbox.log"
    log = log_path.open("w")
    # `python -m` from the repo: this checkout's sandbox, also where the venv's editable
    # install points at another checkout (the same as `tap-media-apis-sandbox` in CI).
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "tap_media_apis.sandbox.cli", "--port", "0"),
            *("--url-file", str(url_file), "--config-file", str(config_file), *args),
        ],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not (url_file.exists() and url_file.read_text().strip() and config_file.exists()):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"sandbox did not start: {log_path.read_text()}")
            time.sleep(0.05)
        yield SandboxProcess(url_file.read_text().strip(), config_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def sandbox_process(tmp_path: Path) -> Iterator[SandboxProcess]:
    """One sandbox per test, since each test advances it."""
    with running_sandbox(tmp_path) as sandbox:
        yield sandbox


# -- a private PostgreSQL cluster -------------------------------------------------------------


def postgres_bin() -> Path | None:
    """The directory holding initdb/pg_ctl/psql: PATH first, then Debian's versioned dirs."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    return candidates[-1].parent if candidates else None


@dataclass
class Postgres:
    bin_dir: Path
    port: int

    def query(self, sql: str) -> list[list[str]]:
        psql = self.bin_dir / "psql"
        result = subprocess.run(
            [
                *(str(psql) if psql.exists() else "psql", "-X", "-A", "-t", "-F", "\t"),
                *("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres"),
                *("-v", "ON_ERROR_STOP=1", "-c", sql),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, f"psql failed: {result.stderr}"
        return [line.split("\t") for line in result.stdout.splitlines() if line]


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """initdb into a temp dir, start on 127.0.0.1 at a free port, always stop at the end."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.fail("PostgreSQL is not installed (no initdb): run scripts/test, which installs it")
    root = Path(tempfile.mkdtemp(prefix="tap-media-apis-pg-"))
    data = root / "data"
    # PostgreSQL refuses to run as root: run its tools as the `postgres` OS user then.
    as_owner: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]

    def pg(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*as_owner, *args], capture_output=True, text=True, timeout=120, check=False
        )
        if check and result.returncode != 0:
            server_log = root / "server.log"
            log_text = server_log.read_text() if server_log.exists() else ""
            pytest.fail(f"{args[0]} failed: {result.stdout}{result.stderr}\n{tail(log_text)}")
        return result

    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data)]
    port = free_port()
    try:
        pg(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        options = f"-h 127.0.0.1 -p {port} -k {root} -F -c max_connections=50"
        log = str(root / "server.log")
        pg(*pg_ctl, "-l", log, "-o", options, "-w", "-t", "60", "start")
        yield Postgres(bin_dir, port)
    finally:
        if data.exists():
            pg(*pg_ctl, "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(root, ignore_errors=True)


# -- Meltano ----------------------------------------------------------------------------------


@dataclass
class Meltano:
    executable: str
    env: dict[str, str]
    env_file: Path

    def __call__(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [self.executable, "--env-file", str(self.env_file), *args],
            cwd=REPO,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"meltano {' '.join(args)} failed:\n{tail(result.stderr)}"
        return result


@pytest.fixture(scope="session")
def meltano(tmp_path_factory: pytest.TempPathFactory) -> Meltano:
    """The project's Meltano, plugins installed once per session (quick when .meltano exists).

    A developer's own .env and exported TAP_MEDIA_APIS_*/TARGET_* variables would win over
    the sandbox environment (Meltano's precedence), so runs get an empty env file and a
    cleaned environment.
    """
    env_file = tmp_path_factory.mktemp("meltano") / "empty.env"
    env_file.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_ENV_PREFIXES)}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["MELTANO_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    runner = Meltano(venv_tool("meltano"), env, env_file)
    runner("install", timeout=1200)
    return runner


@pytest.fixture
def run_id() -> str:
    """Unique per test: state id suffix and target schema, so runs never share state or rows."""
    return f"e2e_{uuid.uuid4().hex[:12]}"
