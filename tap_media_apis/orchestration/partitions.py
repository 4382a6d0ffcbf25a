"""The partitions of a config: one per (provider, account), named as ``partitions`` names them."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Mapping, Sequence
from typing import Any

from tap_media_apis.core.accounts import accounts_of
from tap_media_apis.core.settings import configured
from tap_media_apis.providers import PROVIDERS


def partition_keys(config: Mapping[str, Any]) -> list[str]:
    """``mux/production``, … for every account of every configured provider, in config order."""
    return [
        account.key
        for provider in configured(PROVIDERS, config)
        for account in accounts_of(provider, config[provider.name])
    ]


def state_id_suffix(key: str, prefix: str = "") -> str:
    """The Meltano state id suffix of a partition: ``mux/production`` -> ``mux-production``."""
    return f"{prefix}{key.replace('/', '-')}"


def meltano_config(
    project_dir: str, environment: str | None, extractor: str, executable: str = "meltano"
) -> dict[str, Any]:
    """The extractor's config as Meltano resolves it (secrets masked: only names are read)."""
    argv = [executable]
    if environment:
        argv.append(f"--environment={environment}")
    argv += ["config", "print", extractor, "--format", "json"]
    result = subprocess.run(
        argv, cwd=project_dir, capture_output=True, text=True, check=False, timeout=300
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} failed (exit {result.returncode}): "
            f"{result.stderr.strip().splitlines()[-1:]}"
        )
    config: dict[str, Any] = json.loads(result.stdout)
    return config


#: The SDK's record counters in a tap's log: as the tap writes them, and as Meltano
#: re-formats them (without the stream).
_RECORD_COUNTS = (
    re.compile(r'"metric":\s*"record_count",\s*"value":\s*(\d+)'),
    re.compile(r"metric_name=record_count\s+metric_value=(\d+)"),
)


def records_emitted(log: str) -> int:
    """Records a tap emitted, summed from its ``record_count`` metrics."""
    return sum(int(value) for pattern in _RECORD_COUNTS for value in pattern.findall(log))


def mapping_keys(keys: Sequence[str]) -> list[str]:
    """Names Dagster accepts for fanned-out steps (letters, digits, _), one per key."""
    names: list[str] = []
    for key in keys:
        name = re.sub(r"\W", "_", key)
        while name in names:
            name += "_"
        names.append(name)
    return names
