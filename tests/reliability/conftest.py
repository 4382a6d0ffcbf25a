"""The fault-free reference every reliability run is compared with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tap_media_apis.sandbox import run_sandbox
from tests.reliability.harness import (
    UNPACED,
    Key,
    TapRun,
    api_requests,
    ready_providers,
    run_parallel,
    run_tap,
    sandbox_config,
    token_paths,
)


@dataclass(frozen=True)
class Reference:
    """A fault-free, unpaced CLI run of one provider against a fresh sandbox."""

    run: TapRun
    expected_counts: Mapping[str, int]
    #: API requests the run made (token endpoint requests excluded).
    requests: int

    @property
    def key_sets(self) -> dict[str, set[Key]]:
        return self.run.key_sets()


@pytest.fixture(scope="session")
def ready() -> list[str]:
    names = ready_providers()
    if not names:
        pytest.skip("no provider has both streams and a sandbox part yet")
    return names


@pytest.fixture(scope="session")
def reference(ready: list[str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Reference]:
    workdir: Path = tmp_path_factory.mktemp("reference")
    with run_sandbox(ready) as sandbox:
        expected = {name: sandbox.parts[name].expected_counts() for name in ready}
        configs = {name: sandbox_config(sandbox, [name], block=UNPACED) for name in ready}
        runs = run_parallel(lambda name: run_tap(workdir, configs[name]), ready)
        log = list(sandbox.requests)
    references = {}
    for name, run in runs.items():
        if run.returncode != 0:
            pytest.fail(f"the fault-free reference run of {name} failed: {run.tail()}")
        counts = {stream: len(keys) for stream, keys in run.key_sets().items()}
        # The reference itself must be whole: every row the sandbox serves, once.
        serves = {stream: count for stream, count in expected[name].items() if count}
        assert counts == serves, f"{name}: loaded {counts}, the sandbox serves {serves}"
        assert run.duplicates() == {}, f"{name}: duplicate keys {run.duplicates()}"
        references[name] = Reference(
            run, expected[name], len(api_requests(log, name, skip_paths=token_paths(configs[name])))
        )
    return references
