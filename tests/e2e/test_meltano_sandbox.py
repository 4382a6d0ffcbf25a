"""`meltano run tap-media-apis <target>` against the sandbox: every stream lands, exactly.

Per target: a full sync loads exactly the sandbox's expected rows per stream; a second run
changes nothing (rows merge by key); after the sandbox advances, an incremental run ends at the
new expected counts. Generic over providers: the sandbox's /_sandbox/expected is the contract.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb
import pytest

from tests.e2e.conftest import Meltano, Postgres, SandboxProcess

pytestmark = pytest.mark.e2e


class Loader(Protocol):
    name: str

    @property
    def env(self) -> dict[str, str]: ...

    def counts(self) -> dict[str, int]: ...


@dataclass
class PostgresLoader:
    postgres: Postgres
    schema: str
    name: str = "target-postgres"

    @property
    def env(self) -> dict[str, str]:
        # The sandbox environment reads the port from PG_PORT; the schema is ours alone.
        return {
            "PG_PORT": str(self.postgres.port),
            "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": self.schema,
        }

    def counts(self) -> dict[str, int]:
        tables = self.postgres.query(
            "select table_name from information_schema.tables "
            f"where table_schema = '{self.schema}' order by 1"
        )
        if not tables:
            return {}
        sql = " union all ".join(
            f'select \'{name}\', count(*) from "{self.schema}"."{name}"' for (name,) in tables
        )
        return {name: int(count) for name, count in self.postgres.query(sql)}


@dataclass
class DuckDBLoader:
    path: Path
    schema: str
    name: str = "target-duckdb"

    @property
    def env(self) -> dict[str, str]:
        return {
            "TARGET_DUCKDB_FILEPATH": str(self.path),
            "TARGET_DUCKDB_DEFAULT_TARGET_SCHEMA": self.schema,
        }

    def counts(self) -> dict[str, int]:
        if not self.path.exists():
            return {}
        with duckdb.connect(str(self.path), read_only=True) as con:
            tables = con.execute(
                "select table_name from information_schema.tables where table_schema = ?",
                [self.schema],
            ).fetchall()
            counts = {}
            for (name,) in tables:
                row = con.execute(f'select count(*) from "{self.schema}"."{name}"').fetchone()
                assert row is not None
                counts[name] = int(row[0])
            return counts


@pytest.fixture(params=["target-postgres", "target-duckdb"])
def loader(request: pytest.FixtureRequest, run_id: str, tmp_path: Path) -> Loader:
    if request.param == "target-postgres":
        return PostgresLoader(request.getfixturevalue("postgres"), run_id)
    return DuckDBLoader(tmp_path / "e2e.duckdb", run_id)


def assert_counts(loaded: dict[str, int], expected: dict[str, int], when: str) -> None:
    missing = sorted(set(expected) - set(loaded))
    unexpected = sorted(set(loaded) - set(expected))
    wrong = {
        name: {"loaded": loaded[name], "expected": expected[name]}
        for name in sorted(set(loaded) & set(expected))
        if loaded[name] != expected[name]
    }
    assert not missing, f"{when}: streams without a table: {missing}"
    assert not unexpected, f"{when}: tables no stream expects: {unexpected}"
    assert not wrong, f"{when}: wrong row counts: {wrong}"


def test_sandbox_to_target(
    loader: Loader, meltano: Meltano, sandbox_process: SandboxProcess, run_id: str
) -> None:
    env = {"SANDBOX_URL": sandbox_process.url, **loader.env}
    pipeline = ("--environment=sandbox", "run", "--state-id-suffix", run_id)

    def run() -> None:
        meltano(*pipeline, "tap-media-apis", loader.name, env=env)

    expected = sandbox_process.expected()
    assert expected, "the sandbox expects no stream at all"

    run()
    assert_counts(loader.counts(), expected, "after the first (full) run")

    state_id = f"sandbox:tap-media-apis-to-{loader.name}:{run_id}"
    state = json.loads(meltano("--environment=sandbox", "state", "get", state_id, env=env).stdout)
    assert set(state["singer_state"]["bookmarks"]) & set(expected), state

    run()
    assert_counts(loader.counts(), expected, "after a second run (rows must merge by key)")

    advanced = sandbox_process.advance()
    run()
    assert_counts(loader.counts(), advanced, "after the sandbox advanced and an incremental run")
