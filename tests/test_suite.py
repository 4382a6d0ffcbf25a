"""The tap suite: one tap per API, providers side by side, one failure costs only its provider."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tap_media_apis.providers import PROVIDERS
from tap_media_apis.sandbox import Sandbox, run_sandbox
from tap_media_apis.tap import TapMediaApis
from tap_media_apis.taps import TAPS
from tests.reliability.harness import TapRun, clean_env, run_tap, sandbox_config, write_json

ALL = [provider.name for provider in PROVIDERS]
SHARED = ("start_date", "user_agent")


def flat(config: dict[str, Any], provider: str) -> dict[str, Any]:
    """The config of one API's own tap: its block at the top level, the shared settings."""
    return {**{k: config[k] for k in SHARED if k in config}, **config[provider]}


def run_as(tap_name: str, tmp_path: Path, *args: str, config: dict[str, Any]) -> TapRun:
    argv = [sys.executable, "-m", "tap_media_apis", "--as", tap_name, *args]
    argv += ["--config", str(write_json(tmp_path, tap_name, config))]
    done = subprocess.run(argv, capture_output=True, env=clean_env(), timeout=120, check=False)
    return TapRun(done.returncode, done.stdout, done.stderr.decode(), 0.0)


def error_lines(run: TapRun) -> list[str]:
    return [line for line in run.stderr.splitlines() if ": error: " in line]


@pytest.fixture(scope="module")
def sandbox() -> Any:
    with run_sandbox() as running:
        yield running


def expected(sandbox: Sandbox, providers: list[str]) -> dict[str, int]:
    return {
        stream: count
        for name in providers
        for stream, count in sandbox.parts[name].expected_counts().items()
    }


def loaded(run: TapRun) -> dict[str, int]:
    return {stream: len(keys) for stream, keys in run.key_sets().items()}


# -- one tap per API ---------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS, ids=ALL)
def test_each_api_tap_has_the_suites_streams_keys_and_schemas(
    provider: Any, sandbox: Sandbox
) -> None:
    nested = sandbox.tap_config()
    suite = TapMediaApis(config=nested, parse_env_config=False).catalog_dict
    own = TAPS[provider.tap_name](config=flat(nested, provider.name), parse_env_config=False)
    mine = {entry["tap_stream_id"]: entry for entry in own.catalog_dict["streams"]}
    theirs = {
        entry["tap_stream_id"]: entry
        for entry in suite["streams"]
        if entry["tap_stream_id"] in mine
    }
    assert set(mine) == set(theirs)
    assert set(mine) >= set(provider.stream_names) - {"shutterstock_media_search"}
    for name, entry in mine.items():
        assert entry["schema"] == theirs[name]["schema"], name
        assert entry["key_properties"] == theirs[name]["key_properties"], name


@pytest.mark.parametrize("tap_name", [p.tap_name for p in PROVIDERS])
def test_each_api_tap_documents_its_own_flat_settings(tap_name: str, tmp_path: Path) -> None:
    about = run_as(tap_name, tmp_path, "--about", "--format=json", config={})
    assert about.returncode == 0, about.stderr
    document = json.loads(about.stdout)
    assert document["name"] == tap_name
    provider = next(p for p in PROVIDERS if p.tap_name == tap_name)
    properties = document["settings"]["properties"]
    assert provider.name not in properties  # no nested block
    assert provider.setting_names <= set(properties)
    assert {"start_date", "user_agent", "base_url", "requests_per_second"} <= set(properties)
    assert "test" in document["capabilities"]


def test_an_api_tap_syncs_alone(sandbox: Sandbox, tmp_path: Path) -> None:
    config = flat(sandbox_config(sandbox, ["mux"]), "mux")
    run = run_as("tap-mux", tmp_path, config=config)
    assert run.returncode == 0, run.tail()
    assert loaded(run) == expected(sandbox, ["mux"])


def test_an_api_tap_given_the_nested_config_says_so(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_as("tap-mux", tmp_path, config=sandbox_config(sandbox, ["mux"]))
    assert run.returncode == 1
    assert run.stdout == b""
    (line,) = error_lines(run)
    assert line.startswith("tap-mux: error: ")
    assert 'not in a "mux" block' in line


def test_the_suite_given_a_flat_config_says_so(sandbox: Sandbox, tmp_path: Path) -> None:
    config = flat(sandbox_config(sandbox, ["basecamp"]), "basecamp")
    run = run_tap(tmp_path, config)
    assert run.returncode == 1
    (line,) = error_lines(run)
    assert "must be inside a provider block" in line
    assert "tap-basecamp" in line


# -- side by side ------------------------------------------------------------------------


def test_providers_side_by_side_load_everything_as_valid_singer(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    run = run_tap(tmp_path, sandbox_config(sandbox, ALL))
    assert run.returncode == 0, run.tail()
    assert loaded(run) == expected(sandbox, ALL)
    schema_seen: set[str] = set()
    for message in run.messages:
        if message["type"] == "SCHEMA":
            schema_seen.add(message["stream"])
        elif message["type"] == "RECORD":
            assert message["stream"] in schema_seen, "a RECORD before its SCHEMA"
    final = run.final_state
    assert final is not None
    bookmarked = {name.split("_")[0] for name, b in final["bookmarks"].items() if b}
    assert {"mux", "assemblyai", "hms", "basecamp"} <= bookmarked
    # Every STATE is the whole state: no provider's bookmarks vanish between messages.
    seen: set[str] = set()
    for state in run.states:
        names = set(state["bookmarks"])
        assert seen <= names
        seen = names


BROKEN = {
    "credentials refused": ("basecamp", {"client_secret": "wrong"}, "basecamp.client_id"),
    "API down after retries": (
        "hms",
        {"base_url": "http://127.0.0.1:9", "requests_per_second": 1000},
        "hms.base_url",
    ),
    "unexpected answers": ("mux", {"base_url": "{sandbox}/basecamp/nothing-here"}, "HTTP 40"),
}


@pytest.mark.parametrize("side_by_side", [True, False], ids=["side-by-side", "in-turn"])
@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_failed_provider_costs_the_others_nothing(
    sandbox: Sandbox, tmp_path: Path, kind: str, side_by_side: bool
) -> None:
    broken, settings, named = BROKEN[kind]
    config = sandbox_config(sandbox, ALL, top={"max_retries": 1, "retry_backoff_seconds": 0.1})
    config["providers_side_by_side"] = side_by_side
    config[broken].update(
        {k: v.format(sandbox=sandbox.url) if isinstance(v, str) else v for k, v in settings.items()}
    )
    stream = next(p for p in PROVIDERS if p.name == broken).stream_names[0]
    earlier = {"replication_key": "x", "replication_key_value": "2025-01-01T00:00:00.000000Z"}
    run = run_tap(tmp_path, config, state={"bookmarks": {stream: earlier}})

    assert run.returncode == 1, run.tail()
    lines = error_lines(run)
    assert len(lines) == 1, run.tail()
    assert lines[0].startswith(f"tap-media-apis: error: {broken}: ")
    assert named in lines[0]
    others = [name for name in ALL if name != broken]
    got = loaded(run)
    assert {s: got.get(s, 0) for s in expected(sandbox, others)} == expected(sandbox, others)
    final = run.final_state or {}
    assert final["bookmarks"][stream] == earlier  # the failed provider's bookmark is kept
    assert Counter(m["type"] for m in run.messages)["STATE"] >= 1
