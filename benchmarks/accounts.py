"""Many accounts: one tap process against one process per partition, as an orchestrator runs them.

    python benchmarks/accounts.py                 # 4 accounts per API (20), workers 2 and 4
    python benchmarks/accounts.py --accounts 2 --workers 2 --dagster

The sandbox serves ``--accounts`` accounts of each of the five APIs (each with its own data
and credentials), every account paced at ``--rate`` requests per second as the sandbox
environment of meltano.yml is. Contenders, each to the end, stdout to /dev/null:

- ``one process``: ``tap-media-apis`` with every account (each account is a child process
  of its API's tap, side by side; Basecamp's accounts one after another);
- ``one process, providers_side_by_side false``: the same, one account after another;
- ``partitions xN``: one ``tap-media-apis`` per (provider, account) with ``partitions``
  naming it, N at a time: what each step of the Dagster job runs, without Meltano;
- ``--dagster``: the Dagster job itself (``dagster job execute``, Meltano, target-jsonl).

Peak memory per worker is the highest sum of the resident sets of one worker's process
tree (the tap and its children), sampled every 0.1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tap_media_apis.sandbox import run_sandbox

REPO = Path(__file__).resolve().parents[1]
TAP = [sys.executable, "-m", "tap_media_apis"]
SAMPLE_SECONDS = 0.1
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and all its descendants now."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            statm = (entry / "statm").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry.name)] = int(fields[1])
        rss[int(entry.name)] = int(statm.split()[1]) * PAGE
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += [child for child, parent in parents.items() if parent == pid]
    return total


def run_measured(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak tree RSS (bytes) of one command run to the end."""
    started = time.monotonic()
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=REPO
    )
    peak = 0
    errors: list[bytes] = []
    assert process.stderr is not None
    stderr = process.stderr
    reader = threading.Thread(target=lambda: errors.append(stderr.read()))
    reader.start()
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(SAMPLE_SECONDS)
    reader.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{errors[0].decode()[-3000:]}")
    return time.monotonic() - started, peak


def write(folder: Path, name: str, document: Any) -> str:
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def paced(config: dict[str, Any], rate: float) -> dict[str, Any]:
    """Every account at ``rate`` requests per second."""
    for block in config.values():
        if isinstance(block, dict):
            for entry in block.get("accounts", [block]):
                entry["requests_per_second"] = rate
    return config


def partition_keys(config: dict[str, Any]) -> list[str]:
    return [
        f"{name}/{entry['name']}"
        for name, block in config.items()
        if isinstance(block, dict)
        for entry in block["accounts"]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--accounts", type=int, default=4, help="accounts per API")
    parser.add_argument("--workers", default="2,4", help="partition pool sizes to measure")
    parser.add_argument("--rate", type=float, default=200, help="requests/s per account")
    parser.add_argument("--dagster", action="store_true", help="also run the Dagster job")
    args = parser.parse_args()
    rows: list[tuple[str, float, int, str]] = []
    with run_sandbox(accounts=args.accounts) as sandbox, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = paced(sandbox.tap_config(), args.rate)
        keys = partition_keys(config)
        total = sum(sandbox.expected_counts().values())
        print(f"{len(keys)} accounts, {total:,} records", flush=True)

        wall, peak = run_measured([*TAP, "--config", write(folder, "all.json", config)])
        rows.append(("one process (accounts side by side)", wall, peak, "1"))
        print(rows[-1], flush=True)
        serial = {**config, "providers_side_by_side": False}
        wall, peak = run_measured([*TAP, "--config", write(folder, "serial.json", serial)])
        rows.append(("one process, providers_side_by_side false", wall, peak, "1"))
        print(rows[-1], flush=True)

        for workers in [int(w) for w in args.workers.split(",") if w]:
            files = {
                key: write(folder, f"p{n}.json", {**config, "partitions": [key]})
                for n, key in enumerate(keys)
            }
            started = time.monotonic()
            with ThreadPoolExecutor(workers) as pool:
                results = list(
                    pool.map(lambda f: run_measured([*TAP, "--config", f]), files.values())
                )
            wall = time.monotonic() - started
            peak = max(p for _, p in results)
            each = sorted(w for w, _ in results)
            rows.append(
                (
                    f"partitions x{workers}",
                    wall,
                    peak,
                    f"{len(keys)} (each {each[0]:.1f}-{each[-1]:.1f} s)",
                )
            )
            print(rows[-1], flush=True)

        if args.dagster:
            rows.append(dagster_row(sandbox.url, config, keys, folder, max(2, args.accounts)))
    print()
    per = f"{args.accounts} per API, {args.rate:g} requests/s per account"
    print(f"{len(keys)} accounts ({per}), {total:,} records")
    print()
    print("| contender | wall s | peak RSS per worker MB | processes run |")
    print("|---|---:|---:|---|")
    for name, wall, peak, runs in rows:
        print(f"| {name} | {wall:.1f} | {peak / 2**20:.0f} | {runs} |")


def dagster_row(
    url: str, config: dict[str, Any], keys: list[str], folder: Path, workers: int
) -> tuple[str, float, int, str]:
    """The Dagster job over every partition: Meltano's sandbox environment, target-jsonl."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "SANDBOX_URL": url,
        "DAGSTER_HOME": str(folder / "dagster"),
        "MELTANO_PROJECT_ROOT": str(REPO),
        "MELTANO_ENVIRONMENT": "sandbox",
        "TAP_MEDIA_APIS_ORCHESTRATOR_LOADER": "target-jsonl",
        "TARGET_JSONL_DESTINATION_PATH": str(folder / "jsonl"),
        "TAP_MEDIA_APIS_ORCHESTRATOR_PARTITIONS": ",".join(keys),
    }
    (folder / "dagster").mkdir()
    (folder / "jsonl").mkdir()
    for name, block in config.items():
        if isinstance(block, dict):
            first, *others = block["accounts"]
            entries = [{"name": first["name"]}, *others]
            env[f"TAP_MEDIA_APIS_{name.upper()}_ACCOUNTS"] = json.dumps(entries)
    run_config = folder / "run.json"
    run_config.write_text(json.dumps({"execution": {"config": {"max_concurrent": workers}}}))
    dagster = str(Path(sys.executable).parent / "dagster")
    argv = [dagster, "job", "execute", "-m", "tap_media_apis.orchestration.dagster_defs"]
    wall, peak = run_measured([*argv, "-j", "sync_accounts", "-c", str(run_config)], env)
    return (f"Dagster job x{workers} (Meltano, target-jsonl)", wall, peak, f"{len(keys)} steps")


if __name__ == "__main__":
    main()
