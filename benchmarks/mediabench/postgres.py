"""A throwaway PostgreSQL cluster on 127.0.0.1 for the end-to-end benchmark.

As tests/e2e/conftest.py does it: ``initdb -A trust`` into a temporary directory, started
with ``pg_ctl`` on a free port (as the ``postgres`` OS user when run as root, since
PostgreSQL refuses root), always stopped and deleted at the end.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def postgres_bin() -> Path:
    """The directory holding initdb/pg_ctl/psql: PATH first, then Debian's versioned dirs."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if not candidates:
        raise SystemExit("PostgreSQL is not installed (no initdb): apt-get install postgresql")
    return candidates[-1].parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    def __init__(self) -> None:
        self.bin_dir = postgres_bin()
        self.port = 0
        self.root = Path()

    @property
    def url(self) -> str:
        # The cluster trusts 127.0.0.1 and ignores the password; dlt insists on one.
        return f"postgresql://postgres:unused@127.0.0.1:{self.port}/postgres"

    def __enter__(self) -> PostgresCluster:
        self.root = Path(tempfile.mkdtemp(prefix="mediabench-pg-"))
        self._as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self._as_owner = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        data = str(self.root / "data")
        self._pg("initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8")
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -F -c max_connections=50"
        self._pg("pg_ctl", "-D", data, "-l", str(self.root / "server.log"), "-o", options)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if (self.root / "data").exists():
                stop = [str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data")]
                subprocess.run(
                    [*self._as_owner, *stop, "-m", "fast", "-w", "stop"],
                    capture_output=True,
                    timeout=120,
                    check=False,
                )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _pg(self, tool: str, *args: str) -> None:
        extra = ["-w", "-t", "60", "start"] if tool == "pg_ctl" else []
        result = subprocess.run(
            [*self._as_owner, str(self.bin_dir / tool), *args, *extra],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode:
            raise SystemExit(f"{tool} failed: {result.stdout}{result.stderr}")

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
            timeout=600,
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"psql failed: {result.stderr}")
        return [line.split("\t") for line in result.stdout.splitlines() if line]

    def table_rows(self, schema: str) -> dict[str, int]:
        """Exact row counts of every table in ``schema`` (none: an empty dict)."""
        tables = self.query(
            "SELECT table_name FROM information_schema.tables "
            f"WHERE table_schema = '{schema}' AND table_type = 'BASE TABLE' ORDER BY 1"
        )
        if not tables:
            return {}
        union = " UNION ALL ".join(
            f'SELECT \'{name}\', count(*) FROM "{schema}"."{name}"' for (name,) in tables
        )
        return {name: int(count) for name, count in self.query(union)}
