"""The Dagster definitions against the sandbox: partitions side by side, into PostgreSQL.

The sandbox serves two accounts each of Basecamp and Shutterstock. The first run
materialises the first account of each, at the same time; the second run all four
partitions at once: the new accounts load everything, the old ones resume from their own
Meltano state. Row counts must match the sandbox's after each run.

The first run keeps to one partition per provider because each table is created by the
first load that reaches it: two first loads of one table at once may race in the target.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.e2e.conftest import (
    REPO,
    Meltano,
    Postgres,
    SandboxProcess,
    running_sandbox,
    tail,
    venv_tool,
)
from tests.e2e.test_meltano_sandbox import PostgresLoader, assert_counts

pytestmark = pytest.mark.e2e

PROVIDERS = ("basecamp", "shutterstock")
DEFS = "tap_media_apis.orchestration.dagster_defs"
EMITTED = re.compile(r"(\w+/\w+): (\d+) records emitted")


def accounts_env(sandbox: SandboxProcess) -> dict[str, str]:
    """meltano.yml's sandbox environment has the first account's settings in each block;
    the accounts lists add the second account, with its own mount and credentials."""
    config = sandbox.config
    env = {}
    for provider in PROVIDERS:
        first, *others = config[provider]["accounts"]
        env[f"TAP_MEDIA_APIS_{provider.upper()}_ACCOUNTS"] = json.dumps(
            [{"name": first["name"]}, *others]
        )
    return env


def materialise(
    tmp_path: Path, env: dict[str, str], partitions: list[str], run_id: str
) -> tuple[dict[str, int], str]:
    """`dagster job execute` of sync_accounts: records emitted per partition, and its log."""
    run_config = {
        "ops": {"account_partitions": {"config": {"partitions": partitions}}},
        "execution": {"config": {"max_concurrent": len(partitions)}},
        "resources": {"meltano": {"config": {"state_id_prefix": f"{run_id}-"}}},
    }
    config_file = tmp_path / f"run-{len(partitions)}.yaml"
    config_file.write_text(yaml.safe_dump(run_config))
    command = ["job", "execute", "-m", DEFS, "-j", "sync_accounts", "-c", str(config_file)]
    result = subprocess.run(
        [venv_tool("dagster"), *command],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"dagster job execute failed:\n{tail(log, 60)}"
    emitted = {key: int(count) for key, count in EMITTED.findall(log)}
    assert set(emitted) == set(partitions), tail(log, 60)
    return emitted, log


def assert_side_by_side(log: str, partitions: list[str]) -> None:
    """Every partition's step started before any of them finished."""
    events = re.findall(r"sync_account\[(\w+)\] - (STEP_START|STEP_SUCCESS)", log)
    first_done = next(i for i, (_, kind) in enumerate(events) if kind == "STEP_SUCCESS")
    started = {step for step, kind in events[:first_done] if kind == "STEP_START"}
    assert len(started) == len(partitions), events


def test_partitions_side_by_side_into_postgres(
    meltano: Meltano, postgres: Postgres, tmp_path: Path, run_id: str
) -> None:
    loader = PostgresLoader(postgres, run_id)
    with running_sandbox(
        tmp_path, "--accounts", "2", "--providers", ",".join(PROVIDERS)
    ) as sandbox:
        env = {
            **meltano.env,
            **loader.env,
            **accounts_env(sandbox),
            "SANDBOX_URL": sandbox.url,
            "DAGSTER_HOME": str(tmp_path / "dagster"),
            "MELTANO_PROJECT_ROOT": str(REPO),
            "MELTANO_ENVIRONMENT": "sandbox",
            "TAP_MEDIA_APIS_ORCHESTRATOR_LOADER": "target-postgres",
            "TAP_MEDIA_APIS_ORCHESTRATOR_PARTITIONS": ",".join(
                f"{p}/{a}" for p in PROVIDERS for a in ("acct1", "acct2")
            ),
        }
        (tmp_path / "dagster").mkdir()

        first = [f"{p}/acct1" for p in PROVIDERS]
        emitted_first, log = materialise(tmp_path, env, first, run_id)
        assert_side_by_side(log, first)
        assert_counts(loader.counts(), sandbox.expected("acct1"), "after the first accounts")

        everything = [*first, *(f"{p}/acct2" for p in PROVIDERS)]
        emitted, log = materialise(tmp_path, env, everything, run_id)
        assert_side_by_side(log, everything)
        assert_counts(loader.counts(), sandbox.expected(), "after every account")

    # The new accounts loaded everything; Basecamp's first account resumed from its state.
    assert emitted["basecamp/acct2"] >= emitted_first["basecamp/acct1"] // 2
    assert emitted["basecamp/acct1"] < emitted_first["basecamp/acct1"] // 2, emitted
    for key in everything:
        state_id = f"sandbox:tap-media-apis-to-target-postgres:{run_id}-{key.replace('/', '-')}"
        got = meltano("--environment=sandbox", "state", "get", state_id, env=env)
        state = json.loads(got.stdout)["singer_state"]
        # Each partition's state holds its own account only.
        assert set(state.get("accounts", {})) == {key}, (key, state)
