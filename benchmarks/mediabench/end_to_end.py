"""End to end into PostgreSQL: ``meltano run tap-media-apis target-postgres`` against dlt.

One sandbox (no latency, every provider), one throwaway PostgreSQL cluster, one tap
config: the sandbox's, unpaced (``requests_per_second`` out of the way, as dlt has no
pacing). Both load the streams the dlt configs cover (benchmarks/mediabench/dlt_sources):

- Meltano runs in a copy of the repository's meltano.yml (``meltano_project``): the tap
  installed from this checkout, its ``sandbox`` environment holding that config and
  selecting those streams; the loader's settings are the repository's.
- dlt's ``pipeline.run`` (``mediabench.dlt_load``) reads the same config with the
  extract benchmark's rest_api configs.

Each run loads into a schema of its own, counted with ``count(*)`` per table, then
dropped. Contenders:

- ``meltano``: meltano.yml's target-postgres settings as they are;
- ``meltano_copy``: the same with ``use_copy: true`` and ``validate_records: false``,
  set as ``TARGET_POSTGRES_*`` variables;
- ``dlt``: ``pipeline.run`` with dlt's defaults for postgres.

Wall time and CPU are the whole command's (Meltano's own start-up included); peak RSS is
the sum over its processes (Meltano, the tap and its children, the target), sampled.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mediabench.catalog import tap_streams
from mediabench.measure import console_script, run_measured, tail
from mediabench.postgres import PostgresCluster
from mediabench.sandbox import SandboxProcess, python_env

CONTENDERS = {
    "meltano": "meltano run tap-media-apis target-postgres",
    "meltano_copy": "meltano run …, use_copy, validate_records false",
    "dlt": "dlt 1.31.0 pipeline.run (postgres)",
}
#: An int: Meltano reads a decimal setting's variable or float into a Decimal, then fails
#: to write the tap's config ("Object of type Decimal is not JSON serializable").
UNPACED = 1_000_000
#: Variables that would win over meltano.yml's sandbox environment if the caller had them.
FOREIGN_ENV_PREFIXES = ("TAP_MEDIA_APIS_", "TARGET_POSTGRES_", "MELTANO_")
DLT_TABLES = ("_dlt_loads", "_dlt_version", "_dlt_pipeline_state")


@dataclass
class EndToEndBenchmark:
    workdir: Path
    scale: int
    repeat: int
    contenders: list[str]
    meltano: str
    repo: Path
    run_info: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"e2e-scale{self.scale}"

    def say(self, text: str) -> None:
        print(f"== {self.label}: {text}", file=sys.stderr, flush=True)

    def run(self) -> EndToEndBenchmark:
        # Here, not at the top: run.py imports this module where dlt is not installed.
        from mediabench.dlt_extract import resources_for  # noqa: PLC0415
        from mediabench.dlt_sources.common import stream_name  # noqa: PLC0415

        self.workdir = self.workdir / self.label
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir.mkdir(parents=True)
        self.env_file = self.workdir / "empty.env"
        self.env_file.write_text("")
        self.project = self.workdir.parent / "meltano-project"
        self.say("starting PostgreSQL and the sandbox")
        with (
            PostgresCluster() as postgres,
            SandboxProcess(self.workdir, scale=self.scale) as sandbox,
        ):
            self.postgres, self.sandbox = postgres, sandbox
            config = sandbox.tap_config()
            for block in config.values():
                if isinstance(block, dict):
                    block["requests_per_second"] = UNPACED
            self.config = config
            self.config_path = self.workdir / "config.json"
            self.config_path.write_text(json.dumps(config, indent=2))
            # The endpoints dlt is configured for (benchmarks/mediabench/dlt_sources):
            # Meltano selects the same streams, so both load the same data.
            # (Resources that only feed others, such as a list of ids, are no stream.)
            covered = {stream_name(r.name) for r in resources_for(config)}
            self.expected = {
                name: count for name, count in sandbox.expected_counts().items() if name in covered
            }
            self.streams = sorted(self.expected)
            if any(c.startswith("meltano") for c in self.contenders):
                self.say("meltano install in a copy of the project (untimed)")
                meltano_project(self.repo, self.project, config, self.streams)
                self.meltano_install()
            self.say("warming the sandbox's answer cache (one untimed tap run)")
            warm = run_measured(
                [console_script("tap-media-apis"), "--config", str(self.config_path)],
                env=python_env(),
                stderr=self.workdir / "warm.stderr",
            )
            if warm.returncode:
                raise SystemExit(f"the tap failed:\n{tail(warm.stderr_path)}")
            self.tap_alone_s = warm.wall
            samples: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for attempt in range(self.repeat):
                for contender in self.contenders:
                    self.say(f"{contender} run {attempt + 1}")
                    sample = self.time_one(contender, attempt)
                    if sample is not None:
                        samples[contender].append(sample)
        self.run_info = {
            "label": self.label,
            "regime": "e2e",
            "scale": self.scale,
            "latency_ms": 0.0,
            "providers": [k for k, v in self.config.items() if isinstance(v, dict)],
            "streams": self.streams,
            "tap_streams": len(tap_streams(self.config)),
            # Every stream, stdout to /dev/null, the sandbox's cache still cold: an upper
            # bound of the tap's share of the Meltano runs.
            "tap_alone_s": self.tap_alone_s,
            "records_expected": sum(self.expected.values()),
            "expected": self.expected,
            "columns": {c: summarise(c, rows) for c, rows in samples.items() if rows},
        }
        return self

    # -- Meltano ------------------------------------------------------------------------

    def meltano_env(self, schema: str, contender: str) -> dict[str, str]:
        env = {k: v for k, v in python_env().items() if not k.startswith(FOREIGN_ENV_PREFIXES)}
        env.pop("PYTHONPATH", None)
        env["PATH"] = os.pathsep.join([str(Path(self.meltano).parent), env.get("PATH", "")])
        env["MELTANO_SEND_ANONYMOUS_USAGE_STATS"] = "false"
        env["SANDBOX_URL"] = self.sandbox.url
        env["PG_PORT"] = str(self.postgres.port)
        env["TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA"] = schema
        if contender == "meltano_copy":
            env["TARGET_POSTGRES_USE_COPY"] = "true"
            env["TARGET_POSTGRES_VALIDATE_RECORDS"] = "false"
        return env

    def meltano_command(self, *args: str) -> list[str]:
        return [self.meltano, "--env-file", str(self.env_file), "--environment=sandbox", *args]

    def meltano_install(self) -> None:
        done = subprocess.run(
            self.meltano_command("install", "tap-media-apis", "target-postgres"),
            cwd=self.project,
            env=self.meltano_env("unused", "meltano"),
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        if done.returncode:
            raise SystemExit(f"meltano install failed:\n{done.stderr[-3000:]}")

    # -- one run ------------------------------------------------------------------------

    def time_one(self, contender: str, attempt: int) -> dict[str, Any] | None:
        from mediabench.dlt_sources.common import stream_name  # noqa: PLC0415

        schema = f"bench_{contender}_{attempt}"
        stderr = self.workdir / f"{contender}-{attempt}.stderr"
        summary = self.workdir / f"{contender}-{attempt}.summary.json"
        if contender == "dlt":
            command = [
                *(sys.executable, "-m", "mediabench.dlt_load", "--config", str(self.config_path)),
                *("--credentials", self.postgres.url, "--dataset", schema),
                *("--summary", str(summary)),
            ]
            env, cwd = python_env(), None
            env["RUNTIME__DLTHUB_TELEMETRY"] = "false"
        else:
            command = self.meltano_command(
                "run", "--full-refresh", "--state-id-suffix", schema, "tap-media-apis",
                "target-postgres",
            )  # fmt: skip
            env, cwd = self.meltano_env(schema, contender), self.project
        measured = run_measured(command, env=env, stderr=stderr, tree=True, cwd=cwd)
        tables = self.postgres.table_rows(schema)
        self.postgres.query(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        rows: dict[str, int] = defaultdict(int)
        for table, count in tables.items():
            if table not in DLT_TABLES:
                rows[stream_name(table)] += count
        sample: dict[str, Any] = {
            "wall_s": measured.wall,
            "cpu_s": measured.cpu,
            "peak_rss_mb": measured.tree_peak_rss_mb,
            "largest_process_rss_mb": measured.peak_rss_mb,
            "returncode": measured.returncode,
            "rows": sum(rows.values()),
            "rows_per_stream": dict(sorted(rows.items())),
        }
        if measured.returncode:
            error = tail(stderr)
            if summary.exists():
                error = json.loads(summary.read_text()).get("error") or error
            sample["error"] = error
            self.problems.append(f"{self.label}: {contender} failed (exit {measured.returncode})")
        else:
            # Rows per stream against the sandbox's distinct keys: a finding for dlt (its
            # default write disposition appends), a failure for the tap and its loader.
            wrong = {
                name: [rows.get(name, 0), want]
                for name, want in self.expected.items()
                if rows.get(name, 0) != want
            }
            sample["rows_not_expected"] = wrong
            if wrong and contender.startswith("meltano"):
                self.problems.append(f"{self.label}: {contender} rows ≠ expected: {wrong}")
        return sample


def meltano_project(
    repo: Path, project: Path, tap_config: dict[str, Any], streams: list[str]
) -> None:
    """The repository's meltano.yml in ``project``: the sandbox tap config, ``streams`` selected.

    The tap is installed from ``repo`` (``-e``); every other plugin setting, the loader's
    included, is the repository's.
    """
    document = yaml.safe_load((repo / "meltano.yml").read_text())
    for plugin in document["plugins"]["extractors"]:
        if plugin["name"] == "tap-media-apis":
            plugin["pip_url"] = f"-e {repo}"
            plugin["select"] = [f"{name}.*" for name in streams]
    (environment,) = (e for e in document["environments"] if e["name"] == "sandbox")
    for plugin in environment["config"]["plugins"]["extractors"]:
        if plugin["name"] == "tap-media-apis":
            plugin["config"] = tap_config
    project.mkdir(parents=True, exist_ok=True)
    (project / "meltano.yml").write_text(yaml.safe_dump(document, sort_keys=False))


def summarise(contender: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The median run by wall time; a failed run is shown as failed."""
    failed = [r for r in rows if r["returncode"]]
    ordered = sorted(rows, key=lambda r: r["wall_s"])
    middle = failed[0] if failed else ordered[len(ordered) // 2]
    return {
        **middle,
        "name": CONTENDERS[contender],
        "runs": len(rows),
        "wall_all_s": [r["wall_s"] for r in rows],
        "rows_per_s": middle["rows"] / middle["wall_s"] if middle["wall_s"] else 0.0,
    }


def meltano_executable(given: str | None) -> str:
    """--meltano, else the one next to this Python, else on PATH."""
    found = given or shutil.which(console_script("meltano")) or shutil.which("meltano")
    if not found:
        raise SystemExit(
            "meltano not found: pass --meltano PATH (the project's dev venv has it: "
            "pip install -e '.[dev]')"
        )
    return found
