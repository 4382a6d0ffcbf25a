"""The orchestration helpers, and the Dagster definitions as they load (no run: see e2e)."""

from __future__ import annotations

import importlib
import sys

import pytest

from tap_media_apis.orchestration.partitions import (
    mapping_keys,
    partition_keys,
    records_emitted,
    state_id_suffix,
)

MUX = {"token_id": "id", "token_secret": "secret"}


def test_one_partition_per_provider_and_account() -> None:
    config = {
        "mux": {"accounts": [{"name": "production", **MUX}, {"name": "staging", **MUX}]},
        "shutterstock": {"access_token": "t", "search_query": "q"},
    }
    assert partition_keys(config) == ["mux/production", "mux/staging", "shutterstock/default"]
    assert state_id_suffix("mux/production", "nightly-") == "nightly-mux-production"
    assert mapping_keys(["mux/a-b", "mux/a_b"]) == ["mux_a_b", "mux_a_b_"]


def test_records_are_counted_from_the_tap_log_as_written_and_as_meltano_shows_it() -> None:
    raw = 'METRIC: {"type":"counter","metric":"record_count","value":230,"tags":{"stream":"x"}}'
    meltano = "[info     ] tap-media-apis METRIC   metric_name=record_count metric_value=47"
    other = "[info     ] tap-media-apis METRIC   metric_name=http_request_duration metric_value=3"
    assert records_emitted("\n".join([raw, meltano, other])) == 277


def test_the_dagster_definitions_load_with_one_partition_per_account(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("dagster")
    keys = "mux/production,basecamp/default"
    monkeypatch.setenv("TAP_MEDIA_APIS_ORCHESTRATOR_PARTITIONS", keys)
    sys.modules.pop("tap_media_apis.orchestration.dagster_defs", None)
    module = importlib.import_module("tap_media_apis.orchestration.dagster_defs")
    assert module.ACCOUNTS.get_partition_keys() == keys.split(",")
    job = module.defs.resolve_job_def("sync_accounts")
    assert job.executor_def.name == "multiprocess"
    sync = job.graph.node_named("sync_account").definition
    assert sync.retry_policy is module.RETRY_POLICY
    assert module.media_apis_accounts.partitions_def is module.ACCOUNTS
