"""hub/extractors/: the Hub definitions stay in step with each tap's --about and config checks."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
import yaml

from tap_media_apis.core.settings import config_errors, flat_config_errors
from tap_media_apis.providers import PROVIDERS

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "hub_definitions.py"
hub = runpy.run_path(str(SCRIPT))
TAPS: list[str] = hub["taps"]()
BY_TAP = {provider.tap_name: provider for provider in PROVIDERS}

# What the meltano/hub repository accepts in an extractor definition
# (schemas/plugin_definitions/extractors.schema.json and common/base_setting.schema.json there).
HUB_REQUIRED = {"name", "namespace", "variant", "label"}
HUB_KEYS = HUB_REQUIRED | {
    *("pip_url", "description", "executable", "settings", "docs", "repo", "logo_url"),
    *("settings_group_validation", "capabilities", "maintenance_status", "domain_url"),
    "keywords",
}
SETTING_KEYS = {"name", "label", "kind", "description", "sensitive"}
KINDS = {"string", "integer", "decimal", "boolean", "date_iso8601", "array", "object"}


def value(setting: str) -> str:
    return "acme-data (data@acme.example)" if setting == "user_agent" else f"x-{setting}"


def definition(tap: str) -> dict[str, Any]:
    return dict(yaml.safe_load(hub["path"](tap).read_text(encoding="utf-8")))


@pytest.mark.parametrize("tap", TAPS)
def test_definition_is_current(tap: str) -> None:
    path = hub["path"](tap)
    assert path.exists(), f"{path} is missing: run scripts/hub_definitions.py"
    assert path.read_text(encoding="utf-8") == hub["render"](tap), (
        f"{path} drifted from `{tap} --about`: run scripts/hub_definitions.py"
    )


@pytest.mark.parametrize("tap", TAPS)
def test_definition_says_what_the_hub_requires(tap: str) -> None:
    plugin = definition(tap)
    assert set(plugin) >= HUB_REQUIRED
    assert set(plugin) <= HUB_KEYS
    assert plugin["name"] == plugin["executable"] == tap
    assert plugin["namespace"] == tap.replace("-", "_")
    for setting in plugin["settings"]:
        assert set(setting) <= SETTING_KEYS, setting
        assert setting["kind"] in KINDS, setting
        assert setting["label"], setting
        assert setting["description"], setting
    names = [setting["name"] for setting in plugin["settings"]]
    assert len(names) == len(set(names))
    assert {name for group in plugin["settings_group_validation"] for name in group} <= set(names)


@pytest.mark.parametrize("tap", TAPS)
def test_secrets_are_sensitive(tap: str) -> None:
    sensitive = {s["name"] for s in definition(tap)["settings"] if s.get("sensitive")}
    assert sensitive
    # Every credential-like setting is redacted, nothing else is.
    words = ("secret", "token", "key")
    for setting in definition(tap)["settings"]:
        short = setting["name"].rsplit(".", 1)[-1]
        looks_secret = any(w in short for w in words) and short not in {
            "token_id",
            "app_access_key",
            "token_url",
            "token_lifetime_seconds",
            "flattening_max_key_length",
        }
        assert (setting["name"] in sensitive) == looks_secret, setting["name"]


@pytest.mark.parametrize("tap", list(BY_TAP))
def test_each_settings_group_is_exactly_enough(tap: str) -> None:
    """A group filled in passes the tap's config check; without any one of its settings, not."""
    provider = BY_TAP[tap]
    groups = definition(tap)["settings_group_validation"]
    assert groups
    for group in groups:
        config = {name: value(name) for name in group}
        assert flat_config_errors(provider, config) == [], group
        for name in group:
            partial = {key: value for key, value in config.items() if key != name}
            assert flat_config_errors(provider, partial), (group, name)


def test_suite_groups_are_one_provider_each() -> None:
    groups = definition("tap-media-apis")["settings_group_validation"]
    assert {group[0].split(".")[0] for group in groups} == {p.name for p in PROVIDERS}
    for group in groups:
        name = group[0].split(".")[0]
        config: dict[str, Any] = {name: {}}
        for setting in group:
            if "." in setting:
                config[name][setting.split(".", 1)[1]] = value(setting)
            else:
                config[setting] = value(setting)
        assert config_errors(PROVIDERS, config) == [], group


def test_repository_url_is_the_packages() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    pyproject = tomllib.loads((SCRIPT.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["urls"]["Repository"] == hub["REPOSITORY"]
