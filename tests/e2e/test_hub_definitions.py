"""The Hub definitions as a new user meets them: a fresh Meltano project, `meltano add --from-ref`.

For each tap: `meltano add --plugin-type extractor <tap> --from-ref hub/extractors/<tap>/...`
with the definition's pip_url pointed at this checkout (`-e <repo>`, since the package is not
on PyPI yet), then `meltano invoke <tap> --about`. tap-mux then runs against the sandbox into
target-jsonl, configured as a user would: that provider's block of the sandbox
config at the top level, given as `TAP_<NAME>_<SETTING>` variables (so every setting used
must be declared by the definition: Meltano passes no undeclared variable to the tap).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tap_media_apis.providers import PROVIDERS
from tests.e2e.conftest import (
    FOREIGN_ENV_PREFIXES,
    REPO,
    VENV_BIN,
    SandboxProcess,
    running_sandbox,
    tail,
    venv_tool,
)

pytestmark = pytest.mark.e2e

HUB = REPO / "hub" / "extractors"
SUITE = "tap-media-apis"
API_TAPS = {provider.tap_name: provider.name for provider in PROVIDERS}


def definition_file(tap: str) -> Path:
    (path,) = sorted((HUB / tap).glob("*.yml"))
    return path


@dataclass
class FreshProject:
    root: Path
    env: dict[str, str]

    def __call__(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [venv_tool("meltano"), *args],
            cwd=self.root,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"meltano {' '.join(args)} failed:\n{tail(result.stderr)}"
        return result

    def plugins(self, plugin_type: str) -> list[dict[str, Any]]:
        project = yaml.safe_load((self.root / "meltano.yml").read_text(encoding="utf-8"))
        return list(project.get("plugins", {}).get(plugin_type, []))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> FreshProject:
    """`meltano init` in a temp dir, with target-jsonl added from this repo's meltano.yml."""
    root = tmp_path_factory.mktemp("fresh")
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_ENV_PREFIXES)}
    env = {k: v for k, v in env.items() if not k.startswith("TAP_")}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["MELTANO_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    FreshProject(root, env)("init", "project", "--no-usage-stats")
    fresh = FreshProject(root / "project", env)

    ours = yaml.safe_load((REPO / "meltano.yml").read_text(encoding="utf-8"))
    (jsonl,) = [p for p in ours["plugins"]["loaders"] if p["name"] == "target-jsonl"]
    ref = root / "target-jsonl.yml"
    ref.write_text(yaml.safe_dump({**jsonl, "variant": "andyh1203"}), encoding="utf-8")
    fresh("add", "--plugin-type", "loader", "target-jsonl", "--from-ref", str(ref))
    return fresh


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """One sandbox for the module: the runs only read it, each provider its own part."""
    with running_sandbox(tmp_path_factory.mktemp("sandbox")) as process:
        yield process


def add_from_ref(project: FreshProject, tap: str) -> dict[str, Any]:
    """The definition, pointed at this checkout, added with `meltano add --from-ref`."""
    definition = yaml.safe_load(definition_file(tap).read_text(encoding="utf-8"))
    local = project.root.parent / f"{tap}.yml"
    local.write_text(yaml.safe_dump({**definition, "pip_url": f"-e {REPO}"}), encoding="utf-8")
    # Meltano 4's form: `meltano add extractor tap-mux ...` would take "extractor" for a second
    # plugin name and add a utility called tap-mux as well (docs/publishing.md).
    project("add", "--plugin-type", "extractor", tap, "--from-ref", str(local))
    return dict(definition)


def env_name(tap: str, setting: str) -> str:
    return f"{tap}_{setting}".upper().replace("-", "_").replace(".", "_")


def env_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def read_jsonl(directory: Path) -> dict[str, set[str]]:
    """Stream -> its distinct records (target-jsonl writes one <stream>.jsonl each)."""
    return {
        path.stem: {line for line in path.read_text(encoding="utf-8").splitlines() if line}
        for path in directory.glob("*.jsonl")
    }


@pytest.mark.parametrize("tap", [SUITE, *API_TAPS])
def test_add_from_ref_then_invoke_about(project: FreshProject, tap: str) -> None:
    definition = add_from_ref(project, tap)

    (added,) = [p for p in project.plugins("extractors") if p["name"] == tap]
    assert added["executable"] == tap
    assert added["pip_url"] == f"-e {REPO}"
    assert [s["name"] for s in added["settings"]] == [s["name"] for s in definition["settings"]]
    assert not [p for p in project.plugins("utilities") if p["name"] == tap]

    about = json.loads(project("invoke", tap, "--about", "--format=json").stdout)
    assert about["name"] == tap
    assert sorted(about["capabilities"]) == definition["capabilities"]


# One run keeps the test within its budget (< 2 minutes); the other taps' settings are
# checked by --about above and by tests/test_hub_definitions.py.
@pytest.mark.parametrize("tap", ["tap-mux"])
def test_run_against_the_sandbox_into_target_jsonl(
    project: FreshProject, sandbox: SandboxProcess, tap: str
) -> None:
    add_from_ref(project, tap)  # idempotent: the test also runs on its own (-k)
    provider = API_TAPS[tap]
    config = sandbox.config
    flat = {
        "start_date": config["start_date"],
        "user_agent": config["user_agent"],
        **config[provider],
    }
    output = project.root / "output" / tap
    output.mkdir(parents=True)
    env = {env_name(tap, key): env_value(value) for key, value in flat.items()}
    env["TARGET_JSONL_DESTINATION_PATH"] = str(output)
    env["TARGET_JSONL_DO_TIMESTAMP_FILE"] = "false"
    # Not the real APIs' paces (Mux: 5/s), as in meltano.yml's sandbox environment. Set in
    # meltano.yml: Meltano 4.4.1 reads a decimal setting from a variable as a Decimal, then
    # fails to write the tap's config file ("Object of type Decimal is not JSON serializable").
    project("config", "set", tap, "requests_per_second", "200")

    project("run", tap, "target-jsonl", env=env)

    expected = {
        stream: count
        for stream, count in sandbox.expected().items()
        if stream.startswith(f"{provider}_") and count
    }
    loaded = {stream: len(records) for stream, records in read_jsonl(output).items()}
    assert loaded == expected
