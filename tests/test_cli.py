"""The console script as users run it (a subprocess): --about, --discover, --test, bad config."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tap_media_apis.core.provider import Provider
from tap_media_apis.core.settings import SHARED_SETTINGS
from tap_media_apis.providers import PROVIDERS
from tap_media_apis.sandbox import Sandbox
from tap_media_apis.tap import TapMediaApis

REPO = Path(__file__).resolve().parents[1]
#: The SDK's own INFO/DEBUG log records ("Skipping parse of env var settings...") may precede
#: the error; anything else on stderr counts as part of what the user has to read.
SDK_INFO_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \| (?:DEBUG|INFO) +\| ")
VALID_START = "2024-01-01T00:00:00Z"


def run_tap(
    *args: str, config: dict[str, Any] | None, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """``tap-media-apis ARGS`` from ``cwd`` (outside the repo), with ``config`` as its file."""
    argv = [sys.executable, "-m", "tap_media_apis", *args]
    if config is not None:
        path = cwd / "config.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        argv += ["--config", str(path)]
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip() and not SDK_INFO_LINE.match(line)]


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""  # no half-written catalog or records before the failure
    lines = problem_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tap-media-apis: error: ")
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


#: Every executable the package installs, the suite's first.
TAP_NAMES = ["tap-media-apis", *(provider.tap_name for provider in PROVIDERS)]


@cache
def about(tap: str = "tap-media-apis") -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "tap_media_apis", "--as", tap, "--about", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout)


def tap_settings(tap: str = "tap-media-apis") -> dict[str, dict[str, Any]]:
    """Setting name -> JSON schema, as Meltano names them: provider blocks become `mux.x`."""
    providers = {provider.name for provider in PROVIDERS}
    settings: dict[str, dict[str, Any]] = {}
    for name, schema in about(tap)["settings"]["properties"].items():
        if name in providers:
            for child, child_schema in schema["properties"].items():
                settings[f"{name}.{child}"] = child_schema
        else:
            settings[name] = schema
    return settings


def meltano_kind(schema: dict[str, Any]) -> str:
    types = schema.get("type") or []
    types = [types] if isinstance(types, str) else types
    for json_type, kind in (
        ("integer", "integer"),
        ("number", "decimal"),
        ("boolean", "boolean"),
        ("array", "array"),
        ("object", "object"),
    ):
        if json_type in types:
            return kind
    return "date_iso8601" if schema.get("format") == "date-time" else "string"


def meltano_project() -> dict[str, Any]:
    return dict(yaml.safe_load((REPO / "meltano.yml").read_text(encoding="utf-8")))


def meltano_extractor(tap: str = "tap-media-apis") -> dict[str, Any]:
    (extractor,) = [e for e in meltano_project()["plugins"]["extractors"] if e["name"] == tap]
    return dict(extractor)


# -- meltano.yml stays in step with the tap ---------------------------------------------------


@pytest.mark.parametrize("tap", TAP_NAMES)
def test_meltano_settings_match_tap(tap: str) -> None:
    expected = {
        name: (meltano_kind(schema), bool(schema.get("secret")))
        for name, schema in tap_settings(tap).items()
    }
    declared = {
        setting["name"]: (setting.get("kind", "string"), bool(setting.get("sensitive")))
        for setting in meltano_extractor(tap)["settings"]
    }
    missing = sorted(set(expected) - set(declared))
    unknown = sorted(set(declared) - set(expected))
    assert not missing, f"settings the tap has but meltano.yml does not declare: {missing}"
    assert not unknown, f"settings meltano.yml declares but the tap does not have: {unknown}"
    wrong = {
        name: (declared[name], want) for name, want in expected.items() if declared[name] != want
    }
    assert not wrong, f"(kind, sensitive) in meltano.yml vs the tap's schema: {wrong}"


@pytest.mark.parametrize("tap", TAP_NAMES)
def test_meltano_capabilities_match_tap(tap: str) -> None:
    extractor = meltano_extractor(tap)
    assert sorted(extractor["capabilities"]) == sorted(about(tap)["capabilities"])
    assert extractor["executable"] == tap
    assert extractor["pip_url"] == "-e ."


def test_meltano_offers_every_tap_the_package_installs() -> None:
    declared = [e["name"] for e in meltano_project()["plugins"]["extractors"]]
    assert declared == TAP_NAMES


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda provider: provider.tap_name)
def test_sandbox_environment_of_each_api_tap_is_its_block_at_the_top_level(
    provider: Provider,
) -> None:
    """`meltano --environment=sandbox run tap-mux ...` reads what tap-media-apis reads."""
    (sandbox,) = [e for e in meltano_project()["environments"] if e["name"] == "sandbox"]
    configs = {e["name"]: e["config"] for e in sandbox["config"]["plugins"]["extractors"]}
    suite = configs["tap-media-apis"]
    shared = {key: value for key, value in suite.items() if key in SHARED_SETTINGS}
    assert configs[provider.tap_name] == {**shared, **suite[provider.name]}


def test_readme_stream_table_matches_the_catalog(sandbox: Sandbox) -> None:
    """README's stream table: every stream, with exactly its primary and replication keys."""
    tap = TapMediaApis(config=sandbox.tap_config(), parse_env_config=False)
    catalog = {
        name: (list(stream.primary_keys or []), stream.replication_key)
        for name, stream in tap.streams.items()
    }
    documented = {}
    for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("|")[1:-1]]
        if len(cells) == 4 and re.fullmatch(r"`\w+`", cells[0]):
            keys = re.findall(r"`(\w+)`", cells[1])
            replication = re.findall(r"`(\w+)`", cells[2])
            documented[cells[0].strip("`")] = (keys, replication[0] if replication else None)
    assert documented == catalog


# -- --about ----------------------------------------------------------------------------------


def test_about_markdown_lists_every_nested_setting(tmp_path: Path) -> None:
    result = run_tap("--about", "--format=markdown", config=None, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {
        line.split("|")[1].strip() for line in result.stdout.splitlines() if line.startswith("| ")
    }
    names = set(tap_settings())
    assert {"mux.token_secret", "basecamp.refresh_token", "start_date"} <= names
    assert not names - rows, f"missing from --about --format=markdown: {sorted(names - rows)}"


# -- bad config: one line, no traceback -------------------------------------------------------


def test_discover_without_any_provider_fails_in_one_line(tmp_path: Path) -> None:
    result = run_tap("--discover", config={"start_date": VALID_START}, cwd=tmp_path)
    line = assert_one_line_error(result, "no provider configured")
    for provider in PROVIDERS:
        assert provider.name in line


@pytest.mark.parametrize("mode", [(), ("--test",)], ids=["sync", "test"])
def test_incomplete_provider_block_names_the_missing_setting(
    tmp_path: Path, mode: tuple[str, ...]
) -> None:
    config = {"start_date": VALID_START, "mux": {"token_id": "id-only"}}
    line = assert_one_line_error(run_tap(*mode, config=config, cwd=tmp_path), "mux.token_secret")
    assert "mux.token_id" not in line


def test_malformed_start_date_fails_in_one_line(tmp_path: Path) -> None:
    config = {"start_date": "last tuesday", "mux": {"token_id": "a", "token_secret": "b"}}
    assert_one_line_error(run_tap(config=config, cwd=tmp_path), "start_date", "last tuesday")


# -- --test against the sandbox ---------------------------------------------------------------


def test_connection_test_passes_for_every_sandbox_provider(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    config = sandbox.tap_config()
    providers = [p.name for p in PROVIDERS]
    assert sorted(providers) == sorted(sandbox.parts)  # the sandbox serves every provider
    result = run_tap("--test", config=config, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in providers:
        assert f"connection test passed for {name}" in result.stderr
    assert "FAILED" not in result.stderr
    for secret in sandbox.secrets():
        assert secret not in result.stderr
        assert secret not in result.stdout


def test_connection_test_fails_on_a_wrong_credential_naming_the_provider(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    config = sandbox.tap_config()
    settings = tap_settings()
    for provider in sandbox.parts:
        block = dict(config[provider])
        secrets = [key for key in block if settings.get(f"{provider}.{key}", {}).get("secret")]
        assert secrets, f"{provider}: the sandbox config holds no secret setting"
        for key in secrets:
            block[key] = f"wrong-{key}"
        broken = {"start_date": config["start_date"], "user_agent": config["user_agent"]}
        result = run_tap("--test", config={**broken, provider: block}, cwd=tmp_path)
        assert result.returncode != 0, f"{provider}: {result.stderr}"
        assert f"connection test FAILED for {provider}" in result.stderr
        assert f"connection test passed for {provider}" not in result.stderr
        assert "Traceback" not in result.stderr
