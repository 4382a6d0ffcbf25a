"""Tokens: credentials that expire, die or rotate mid-run are renewed without losing a row;
a renewal that is refused stops the run with one line, and a fixed rerun loses nothing.

Knobs: the Basecamp sandbox part's ``token_max_requests`` (an access token dies after that
many requests, answering 401) and ``rotate_refresh_tokens``; the tap's
``hms.token_lifetime_seconds`` (how long each minted 100ms management token lives).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tap_media_apis.sandbox import run_sandbox
from tests.reliability.conftest import Reference
from tests.reliability.harness import (
    ERROR_PREFIX,
    UNPACED,
    CredentialRecorder,
    LiveTap,
    advancing_bookmarks,
    api_requests,
    clean_env,
    merge_by_key,
    run_tap,
    sandbox_config,
    tap_args,
    token_paths,
)


def require(ready: list[str], provider: str) -> None:
    if provider not in ready:
        pytest.skip(f"the {provider} provider is not registered yet")


@pytest.mark.parametrize("rotate", [False, True], ids=["fixed-refresh-token", "rotating"])
def test_basecamp_access_tokens_dying_every_5_requests_lose_nothing(
    ready: list[str], reference: dict[str, Reference], tmp_path: Path, rotate: bool
) -> None:
    require(ready, "basecamp")
    with run_sandbox(["basecamp"]) as sandbox:
        part = sandbox.parts["basecamp"]
        part.token_max_requests = 5  # type: ignore[attr-defined]
        part.rotate_refresh_tokens = rotate  # type: ignore[attr-defined]
        recorder = CredentialRecorder(sandbox)
        config = sandbox_config(sandbox, ["basecamp"], block=UNPACED)
        run = run_tap(tmp_path, config)
        log = list(sandbox.requests)
    assert run.returncode == 0, run.tail()
    assert run.duplicates() == {}
    assert run.table() == merge_by_key([reference["basecamp"].run])
    api = api_requests(log, "basecamp", skip_paths=token_paths(config))
    served = [entry for entry in api if entry["status"] != 401]
    # Tokens really died (401s) and were renewed: at most 5 answers per token.
    assert any(entry["status"] == 401 for entry in api)
    assert len(recorder.bearer_tokens["basecamp"]) >= math.ceil(len(served) / 5)
    if rotate:
        assert "issued a new refresh token" in run.stderr  # the user is told to update it


def test_minted_100ms_tokens_expiring_mid_run_lose_nothing(
    ready: list[str], reference: dict[str, Reference], tmp_path: Path
) -> None:
    require(ready, "hms")
    lifetime = 2
    # Latency stretches the run over several token lifetimes.
    with run_sandbox(["hms"], latency=0.08) as sandbox:
        recorder = CredentialRecorder(sandbox)
        config = sandbox_config(
            sandbox, ["hms"], block={**UNPACED, "token_lifetime_seconds": lifetime}
        )
        run = run_tap(tmp_path, config)
    assert run.returncode == 0, run.tail()
    assert run.duplicates() == {}
    assert run.table() == merge_by_key([reference["hms"].run])
    tokens = recorder.bearer_tokens["hms"]
    assert len(tokens) >= 3, "the run should have outlived several minted tokens"
    assert all(token.count(".") == 2 for token in tokens)  # JWTs


def test_a_refused_basecamp_refresh_stops_with_one_line(ready: list[str], tmp_path: Path) -> None:
    require(ready, "basecamp")
    with run_sandbox(["basecamp"]) as sandbox:
        config = sandbox_config(sandbox, ["basecamp"], block=UNPACED)
        config["basecamp"]["client_secret"] = "not-the-client-secret"
        run = run_tap(tmp_path, config, timeout=60)
        log = list(sandbox.requests)
    assert run.returncode == 1
    assert run.error_line.startswith(ERROR_PREFIX), run.tail()
    assert [line for line in run.stderr.splitlines() if ERROR_PREFIX in line] == [run.error_line]
    for fragment in ("basecamp", "token refresh", "HTTP 401", "basecamp.client_secret"):
        assert fragment in run.error_line
    assert "Traceback" not in run.stderr
    assert "not-the-client-secret" not in run.stderr
    assert advancing_bookmarks(run.states) == []
    assert len(log) == 1  # a refused client is final: no retries, no API requests


def test_a_refresh_token_revoked_mid_run_stops_and_a_fixed_rerun_loses_nothing(
    ready: list[str], reference: dict[str, Reference], tmp_path: Path
) -> None:
    require(ready, "basecamp")
    with run_sandbox(["basecamp"], latency=0.03) as sandbox:
        part = sandbox.parts["basecamp"]
        part.token_max_requests = 5  # type: ignore[attr-defined]
        config = sandbox_config(sandbox, ["basecamp"], block=UNPACED)
        live = LiveTap(tap_args(tmp_path, config), tmp_path, clean_env())
        midway = reference["basecamp"].requests / 2
        assert live.wait_until(lambda: len(sandbox.requests) >= midway, timeout=60)
        accepted = part.refresh_token  # type: ignore[attr-defined]
        part.refresh_token = "revoked"  # type: ignore[attr-defined]
        first = live.finish(timeout=60)
        assert first.returncode == 1, first.tail()
        assert first.error_line.startswith(ERROR_PREFIX)
        assert "basecamp" in first.error_line
        assert "HTTP 400" in first.error_line
        assert "Traceback" not in first.stderr

        part.refresh_token = accepted  # type: ignore[attr-defined]  # credentials fixed
        second = run_tap(tmp_path, config, state=first.final_state or {})
    assert second.returncode == 0, second.tail()
    assert second.duplicates() == {}
    assert merge_by_key([first, second]) == merge_by_key([reference["basecamp"].run])
