"""Text hygiene: NUL characters and lone surrogates from an API never reach a target.

PostgreSQL refuses NUL in text and jsonb, and a lone surrogate cannot be encoded as UTF-8,
so one such character would fail a whole load. The sandbox's ``dirty_text`` option puts
both (as the JSON escapes ``\\u0000\\ud800``) into every string of every successful answer;
the tap drops them while decoding (core/decode.py), so every record must equal the record
of a clean run, and the output must hold neither character in any form.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tap_media_apis.sandbox import Sandbox, run_sandbox
from tap_media_apis.sandbox.server import DIRT
from tests.e2e.conftest import REPO, Meltano, Postgres, meltano, postgres
from tests.reliability.conftest import Reference
from tests.reliability.harness import (
    UNPACED,
    merge_by_key,
    run_parallel,
    run_tap,
    sandbox_config,
)

__all__ = ["meltano", "postgres"]  # the e2e fixtures, for the PostgreSQL load below

#: NUL or a surrogate as JSON escapes, and as raw NUL bytes.
ESCAPED_DIRT = re.compile(rb"\\u0000|\\u[dD][89a-fA-F][0-9a-fA-F]{2}|\x00")
DIRTY_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def count_dirty_answers(sandbox: Sandbox) -> dict[str, int]:
    """Wrap the sandbox so it counts, per provider, the answers that carry the dirt."""
    counts: dict[str, int] = {}
    handle = sandbox.handle

    def counting(method: str, target: str, headers: Any, body: bytes) -> Any:
        response, fault = handle(method, target, headers, body)
        if isinstance(response.body, bytes) and DIRT in response.body:
            provider = target.lstrip("/").partition("/")[0]
            counts[provider] = counts.get(provider, 0) + 1
        return response, fault

    sandbox.handle = counting  # type: ignore[method-assign]
    return counts


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    if isinstance(value, dict):
        return [text for item in (*value, *value.values()) for text in strings_in(item)]
    return []


def test_nul_and_lone_surrogates_are_dropped_and_nothing_else_changes(
    ready: list[str], reference: dict[str, Reference], tmp_path: Path
) -> None:
    with run_sandbox(ready, dirty_text=True) as sandbox:
        dirty_answers = count_dirty_answers(sandbox)
        configs = {name: sandbox_config(sandbox, [name], block=UNPACED) for name in ready}
        runs = run_parallel(lambda name: run_tap(tmp_path, configs[name]), ready)
    for name, run in runs.items():
        assert dirty_answers.get(name, 0) > 0, f"the sandbox sent {name} nothing dirty"
        assert run.returncode == 0, f"{name}: {run.tail()}"
        assert ESCAPED_DIRT.search(run.stdout) is None, name
        texts = [text for message in run.messages for text in strings_in(message)]
        assert not [text for text in texts if DIRTY_CHARACTER.search(text)], name
        # Exactly the clean data: the dirt goes, every other character stays.
        assert run.table() == merge_by_key([reference[name].run]), name


@pytest.mark.e2e
def test_a_dirty_sync_loads_into_postgresql(
    ready: list[str],
    reference: dict[str, Reference],
    meltano: Meltano,
    postgres: Postgres,
    tmp_path: Path,
) -> None:
    target = REPO / ".meltano" / "loaders" / "target-postgres" / "venv" / "bin" / "target-postgres"
    schema = "reliability_dirty_text"
    target_config = tmp_path / "target.json"
    target_config.write_text(
        json.dumps(
            {
                "host": "127.0.0.1",
                "port": postgres.port,
                "user": "postgres",
                "password": "sandbox",
                "database": "postgres",
                "default_target_schema": schema,
            }
        )
    )
    with run_sandbox(ready, dirty_text=True) as sandbox:
        run = run_tap(tmp_path, sandbox_config(sandbox, ready, block=UNPACED))
    assert run.returncode == 0, run.tail()
    load = subprocess.run(
        [str(target), "--config", str(target_config)],
        input=run.stdout,
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert load.returncode == 0, load.stderr.decode()[-3000:]
    expected = {
        stream: count
        for name in ready
        for stream, count in reference[name].expected_counts.items()
        if count
    }
    tables = [
        row[0]
        for row in postgres.query(
            f"select table_name from information_schema.tables where table_schema = '{schema}'"
        )
    ]
    loaded = {
        table: int(postgres.query(f'select count(*) from "{schema}"."{table}"')[0][0])
        for table in tables
    }
    assert loaded == expected
