"""Dagster definitions: one partition per (provider, account), each synced by its own process.

Install the ``orchestrator`` extra, then (docs/orchestration.md)::

    dagster dev -m tap_media_apis.orchestration.dagster_defs
    dagster job execute -m tap_media_apis.orchestration.dagster_defs -j sync_accounts

Each partition runs ``meltano run --state-id-suffix <provider>-<account> <tap> <loader>``
with ``TAP_MEDIA_APIS_PARTITIONS=["<provider>/<account>"]``: its own process, its own
Meltano state, and a failure or retry that touches no other partition.

- ``media_apis_accounts``: a partitioned asset, for backfills and schedules per partition
  (each partition is a run of its own; a run launcher decides where it runs).
- ``sync_accounts``: one run that fans out a step per partition, side by side under the
  multiprocess executor (``max_concurrent`` in the run config); a failed step is retried
  alone by its RetryPolicy, and "re-execute from failure" runs only the failed ones.

The partitions are read once, when the definitions load: from
``TAP_MEDIA_APIS_ORCHESTRATOR_PARTITIONS`` (``mux/production,basecamp/default``) if set, else
from the tap config file ``TAP_MEDIA_APIS_ORCHESTRATOR_CONFIG``, else from Meltano
(``meltano config print``). The answer is put into the first variable, so the step
processes, which load the definitions again, do not ask Meltano again.
"""

# No `from __future__ import annotations`: Dagster reads the annotations of ops at run time.
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from dagster import (
    AssetExecutionContext,
    Backoff,
    Config,
    ConfigurableResource,
    DagsterLogManager,
    Definitions,
    DynamicOut,
    DynamicOutput,
    Failure,
    MaterializeResult,
    MetadataValue,
    OpExecutionContext,
    RetryPolicy,
    StaticPartitionsDefinition,
    asset,
    job,
    multiprocess_executor,
    op,
)

from tap_media_apis.orchestration.partitions import (
    mapping_keys,
    meltano_config,
    partition_keys,
    records_emitted,
    state_id_suffix,
)

PARTITIONS_ENV = "TAP_MEDIA_APIS_ORCHESTRATOR_PARTITIONS"
CONFIG_ENV = "TAP_MEDIA_APIS_ORCHESTRATOR_CONFIG"
#: The tap's own setting (meltano.yml ``partitions``): limits one run to one partition.
TAP_PARTITIONS_ENV = "TAP_MEDIA_APIS_PARTITIONS"
#: A failed partition is tried again on its own: after 30 s, then 60 s.
RETRY_POLICY = RetryPolicy(max_retries=2, delay=30, backoff=Backoff.EXPONENTIAL)
LOG_TAIL_LINES = 30
SYS_DIR_ENV = "MELTANO_SYS_DIR_ROOT"
DATABASE_ENV = "MELTANO_DATABASE_URI"
#: What each partition keeps to itself in its own ``.meltano``.
PRIVATE_DIRS = {"run", "logs", "partitions"}


class MeltanoProject(ConfigurableResource):
    """Where and how a partition runs: a Meltano project, its extractor and loader."""

    project_dir: str = os.environ.get("MELTANO_PROJECT_ROOT", ".")
    #: Meltano's --environment (unset: MELTANO_ENVIRONMENT or the project's default).
    environment: str | None = os.environ.get("MELTANO_ENVIRONMENT")
    extractor: str = "tap-media-apis"
    loader: str = os.environ.get("TAP_MEDIA_APIS_ORCHESTRATOR_LOADER", "target-postgres")
    #: Meltano on PATH, else the one installed beside this Python.
    executable: str = shutil.which("meltano") or str(Path(sys.executable).parent / "meltano")
    #: Put before every state id suffix (e.g. a deployment's name).
    state_id_prefix: str = ""

    def sync(self, key: str, log: DagsterLogManager) -> dict[str, Any]:
        """Run one partition to the end; a summary of what it did, or Failure."""
        suffix = state_id_suffix(key, self.state_id_prefix)
        argv = [self.executable]
        if self.environment:
            argv.append(f"--environment={self.environment}")
        argv += ["run", "--state-id-suffix", suffix, self.extractor, self.loader]
        env = {
            **os.environ,
            **self.own_sys_dir(suffix),
            TAP_PARTITIONS_ENV: json.dumps([key]),
        }
        log.info(f"{key}: {' '.join(argv)}")
        started = time.monotonic()
        result = subprocess.run(
            argv, cwd=self.project_dir, env=env, capture_output=True, text=True, check=False
        )
        seconds = round(time.monotonic() - started, 1)
        if result.returncode != 0:
            lines = result.stderr.splitlines()
            tail = "\n".join(lines[-LOG_TAIL_LINES:])
            # The tap's and Meltano's one-line errors say what to fix.
            reasons = [line for line in lines if "error" in line.lower() and "METRIC" not in line]
            raise Failure(
                description=f"{key}: meltano run exited with status {result.returncode}: "
                + (reasons[-1].strip() if reasons else "see log_tail"),
                metadata={"log_tail": MetadataValue.text(tail)},
            )
        records = records_emitted(result.stderr)
        log.info(f"{key}: {records} records emitted in {seconds} s (state id suffix {suffix})")
        return {"partition": key, "seconds": seconds, "records": records, "state_id_suffix": suffix}

    def own_sys_dir(self, suffix: str) -> dict[str, str]:
        """Meltano variables giving this partition a ``.meltano`` of its own.

        Two runs of one extractor in one project share ``.meltano/run/<plugin>/`` (its
        catalog and state files), and each deletes them when done. A partition gets its own
        directory instead, linking the installed plugins and using the project's system
        database (so Meltano state stays in one place).
        """
        shared = Path(self.project_dir, os.environ.get(SYS_DIR_ENV, ".meltano")).resolve()
        own = shared / "partitions" / suffix
        own.mkdir(parents=True, exist_ok=True)
        for plugins in shared.iterdir():
            link = own / plugins.name
            if plugins.is_dir() and plugins.name not in PRIVATE_DIRS and not link.exists():
                link.symlink_to(plugins, target_is_directory=True)
        database = os.environ.get(DATABASE_ENV, f"sqlite:///{shared / 'meltano.db'}")
        return {SYS_DIR_ENV: str(own), DATABASE_ENV: database}


def discover_partitions() -> list[str]:
    """The partition keys (see the module docstring for where they come from)."""
    listed = os.environ.get(PARTITIONS_ENV)
    if listed:
        return [key.strip() for key in listed.split(",") if key.strip()]
    config_file = os.environ.get(CONFIG_ENV)
    if config_file:
        config = json.loads(Path(config_file).read_text(encoding="utf-8"))
    else:
        project = MeltanoProject()
        config = meltano_config(
            project.project_dir, project.environment, project.extractor, project.executable
        )
    keys = partition_keys(config)
    os.environ[PARTITIONS_ENV] = ",".join(keys)
    return keys


ACCOUNTS = StaticPartitionsDefinition(discover_partitions())


@asset(partitions_def=ACCOUNTS, retry_policy=RETRY_POLICY, group_name="media_apis")
def media_apis_accounts(
    context: AssetExecutionContext, meltano: MeltanoProject
) -> MaterializeResult:
    """One (provider, account) of tap-media-apis, loaded by Meltano with its own state."""
    summary = meltano.sync(context.partition_key, context.log)
    return MaterializeResult(
        metadata={
            "records": summary["records"],
            "seconds": summary["seconds"],
            "state_id_suffix": summary["state_id_suffix"],
        }
    )


class Selection(Config):
    """Run config of ``sync_accounts``: some partitions only (empty: all)."""

    partitions: list[str] = []


@op(out=DynamicOut(str))
def account_partitions(config: Selection) -> Any:
    keys = config.partitions or ACCOUNTS.get_partition_keys()
    unknown = sorted(set(keys) - set(ACCOUNTS.get_partition_keys()))
    if unknown:
        raise Failure(f"unknown partitions {unknown}; known: {ACCOUNTS.get_partition_keys()}")
    for key, name in zip(keys, mapping_keys(keys), strict=True):
        yield DynamicOutput(key, mapping_key=name)


@op(retry_policy=RETRY_POLICY)
def sync_account(context: OpExecutionContext, meltano: MeltanoProject, key: str) -> dict[str, Any]:
    return meltano.sync(key, context.log)


@job(executor_def=multiprocess_executor)
def sync_accounts() -> None:
    """Every partition (or those in the run config), each in its own step process."""
    account_partitions().map(sync_account)


defs = Definitions(
    assets=[media_apis_accounts],
    jobs=[sync_accounts],
    resources={"meltano": MeltanoProject()},
    executor=multiprocess_executor,
)
