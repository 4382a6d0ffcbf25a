"""The wheel is self-contained: schemas ship inside it and discovery works from anywhere."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tap_media_apis.providers import PROVIDERS

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", "--quiet", "-w", out, cwd=out)
    (built,) = out.glob("tap_media_apis-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel (not editable) and its dependencies; yields its bin dir."""
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", venv, cwd=venv)
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, cwd=venv)
    return venv / "bin"


def test_wheel_contains_every_stream_schema(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for provider in PROVIDERS:
        for stream in provider.stream_names:
            assert f"tap_media_apis/schemas/{provider.name}/{stream}.json" in names
    schemas = [name for name in names if name.startswith("tap_media_apis/schemas/")]
    assert all(name.endswith(".json") for name in schemas if not name.endswith("/"))
    # the sandbox ships too: users point their pipelines at it
    assert {"tap_media_apis/sandbox/cli.py", "tap_media_apis/sandbox/server.py"} <= names
    assert not [name for name in names if name.startswith(("tests/", "schemas/"))]


def test_installed_wheel_discovers_mux_from_outside_the_repo(
    installed: Path, tmp_path: Path
) -> None:
    # Nothing here may come from the source tree: cwd is a temp dir, the venv is new.
    config = tmp_path / "c.json"
    config.write_text(
        json.dumps({"mux": {"token_id": "id", "token_secret": "secret"}}), encoding="utf-8"
    )
    probe = run(
        installed / "python",
        "-c",
        "import tap_media_apis, pathlib; print(pathlib.Path(tap_media_apis.__file__).parent)",
        cwd=tmp_path,
    )
    assert not Path(probe.stdout.strip()).is_relative_to(REPO)

    result = run(installed / "tap-media-apis", "--config", config, "--discover", cwd=tmp_path)
    catalog = {entry["tap_stream_id"]: entry for entry in json.loads(result.stdout)["streams"]}
    (mux,) = [provider for provider in PROVIDERS if provider.name == "mux"]
    assert sorted(catalog) == sorted(mux.stream_names)
    for name, entry in catalog.items():
        schema_file = REPO / "schemas" / "mux" / f"{name}.json"
        declared = json.loads(schema_file.read_text(encoding="utf-8"))["properties"]
        assert set(declared) <= set(entry["schema"]["properties"]), name
        assert entry["key_properties"], f"{name} has no primary key"
