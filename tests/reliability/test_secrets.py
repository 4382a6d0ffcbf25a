"""Secrets: no credential shows up in anything the tap or the sandbox writes, even at
debug level and on error paths.

Credentials are collected on the sandbox side (every Authorization header and what it
carries: Basic passwords, raw API keys, bearer tokens including the minted 100ms JWTs and
refreshed Basecamp access tokens; secrets in token-request bodies; tokens the sandbox
grants, rotated refresh tokens included), plus every secret setting of the configs.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from tap_media_apis.sandbox import run_sandbox
from tests.reliability.harness import (
    UNPACED,
    CredentialRecorder,
    TapRun,
    clean_env,
    leaks,
    ready_providers,
    run_parallel,
    run_tap,
    sandbox_config,
    secret_settings,
)

DEBUG = {"LOGLEVEL": "DEBUG"}


def config_secrets(config: dict[str, Any]) -> set[str]:
    return {
        str(config[name][setting])
        for name in config
        if name in ready_providers()
        for setting in secret_settings(name)
        if config[name].get(setting)
    }


def spoiled(config: dict[str, Any], provider: str) -> dict[str, Any]:
    """The config with every secret of ``provider`` wrong (a 401, or a refused refresh)."""
    broken = json.loads(json.dumps(config))
    for setting in secret_settings(provider):
        if broken[provider].get(setting):
            broken[provider][setting] = "wrong-" + broken[provider][setting]
    return broken


def test_no_credential_appears_in_output_logs_or_state_at_debug_level(
    ready: list[str], tmp_path: Path
) -> None:
    with run_sandbox(ready) as sandbox:
        if "basecamp" in sandbox.parts:  # renewed access tokens and rotated refresh tokens
            sandbox.parts["basecamp"].token_max_requests = 5  # type: ignore[attr-defined]
            sandbox.parts["basecamp"].rotate_refresh_tokens = True  # type: ignore[attr-defined]
        recorder = CredentialRecorder(sandbox)
        block: dict[str, Any] = {**UNPACED}
        if "hms" in ready:
            block["token_lifetime_seconds"] = 2  # several minted JWTs, not just one
        configs = {}
        for name in ready:
            good = sandbox_config(sandbox, [name], block=block)
            configs[f"{name}-ok"] = good
            configs[f"{name}-refused"] = spoiled(good, name)
        runs = run_parallel(lambda case: run_tap(tmp_path, configs[case], env=DEBUG), configs)
        request_log = json.dumps(list(sandbox.requests))
        secrets = (
            recorder.values
            | set(sandbox.secrets())
            | set().union(*(config_secrets(config) for config in configs.values()))
        )

    assert len(secrets) >= 2 * len(ready)
    # The detector works: the configs themselves hold secrets.
    assert leaks(secrets, configs=json.dumps(configs))
    for case, run in runs.items():
        assert run.returncode == (0 if case.endswith("-ok") else 1), f"{case}: {run.tail()}"
        assert "| DEBUG" in run.stderr  # debug logging really was on
        assert leaks(secrets, stdout=run.stdout, stderr=run.stderr) == [], case
    assert leaks(secrets, sandbox_request_log=request_log) == []
    if "hms" in ready:
        assert len(recorder.bearer_tokens["hms"]) >= 2


def test_the_sandbox_process_prints_no_credentials(tmp_path: Path) -> None:
    ready = ready_providers()
    config_file = tmp_path / "sandbox-config.json"
    sandbox = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tap_media_apis.sandbox.cli",
            "--providers",
            ",".join(ready),
            "--config-file",
            str(config_file),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(),
    )
    try:
        deadline = time.monotonic() + 30
        while not config_file.exists() or not config_file.read_text():
            assert time.monotonic() < deadline, "the sandbox did not start"
            assert sandbox.poll() is None, "the sandbox exited"
            time.sleep(0.05)
        time.sleep(0.1)  # the file is written whole before the server starts listening
        config = json.loads(config_file.read_text())
        for name in ready:
            config[name] = {**config[name], **UNPACED}
        run: TapRun = run_tap(tmp_path, config, env=DEBUG)
        base = config[ready[0]]["base_url"].rsplit("/", 1)[0]
        with urllib.request.urlopen(f"{base}/_sandbox/requests", timeout=10) as answer:
            request_log = answer.read().decode()
    finally:
        sandbox.send_signal(signal.SIGTERM)
        out, err = sandbox.communicate(timeout=30)
    assert run.returncode == 0, run.tail()
    secrets = config_secrets(config)
    assert secrets
    assert (
        leaks(
            secrets,
            tap_stdout=run.stdout,
            tap_stderr=run.stderr,
            sandbox_stdout=out,
            sandbox_stderr=err,
            sandbox_request_log=request_log,
        )
        == []
    )
    assert sandbox.returncode == 0
