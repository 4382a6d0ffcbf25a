"""Accounts: config lines, the account column, state per account, partitions.

The state tests run the CLI against the sandbox serving two Basecamp accounts (the
provider whose accounts run one after another, sharing one pace): its data is small and
it has incremental streams.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tap_media_apis.core.settings import config_errors
from tap_media_apis.providers import PROVIDERS
from tap_media_apis.sandbox import Sandbox, run_sandbox
from tests.reliability.harness import UNPACED, TapRun, run_tap

PROVIDER = "basecamp"

# -- config validation: one line per problem, naming provider and account ---------------------

MUX = {"token_id": "id", "token_secret": "secret"}


def problems(config: dict[str, Any]) -> list[str]:
    return config_errors(PROVIDERS, config)


def test_a_duplicate_account_name_is_one_line_naming_the_provider() -> None:
    config = {"mux": {"accounts": [{"name": "prod", **MUX}, {"name": "prod", **MUX}]}}
    assert problems(config) == ["mux.accounts: account names must be unique; 'prod' twice"]


def test_an_entry_missing_a_setting_names_provider_and_account() -> None:
    config = {"mux": {"accounts": [{"name": "prod", **MUX}, {"name": "staging", "token_id": "x"}]}}
    assert problems(config) == ["mux account 'staging': mux.token_secret is required"]


def test_a_top_level_token_every_account_replaces_is_ambiguous() -> None:
    config = {"mux": {**MUX, "accounts": [{"name": "a", **MUX}, {"name": "b", **MUX}]}}
    (line,) = problems(config)
    assert line.startswith("mux: token_id, token_secret is set both at the top of the block")
    # A block value that some account inherits is not ambiguous.
    config["mux"]["accounts"] = [{"name": "a"}, {"name": "b", **MUX}]
    assert problems(config) == []


@pytest.mark.parametrize(
    ("partitions", "line"),
    [
        (
            ["mux/nope"],
            "partitions: 'mux/nope' is not a configured provider or provider/account; "
            "known: mux, mux/prod",
        ),
        ("mux", 'partitions must be a list like ["mux", "basecamp/acme"]'),
    ],
)
def test_bad_partitions_are_one_line(partitions: Any, line: str) -> None:
    config = {"mux": {"accounts": [{"name": "prod", **MUX}]}, "partitions": partitions}
    assert problems(config) == [line]


def test_the_cli_refuses_bad_accounts_before_any_output(tmp_path: Path) -> None:
    config = {"mux": {"accounts": [{"name": "prod", **MUX}, {"name": "prod", **MUX}]}}
    run = run_tap(tmp_path, config, timeout=60)
    assert run.returncode != 0
    assert run.stdout == b""
    errors = [line for line in run.stderr.splitlines() if "error:" in line]
    assert errors == [
        "tap-media-apis: error: mux.accounts: account names must be unique; 'prod' twice"
    ]


# -- runs against the sandbox with two accounts ----------------------------------------------


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox([PROVIDER], accounts=2) as served:
        yield served


def accounts_config(sandbox: Sandbox, names: list[str] | None = None) -> dict[str, Any]:
    config = sandbox.tap_config()
    entries = config[PROVIDER]["accounts"]
    config[PROVIDER]["accounts"] = [
        {**entry, **UNPACED} for entry in entries if names is None or entry["name"] in names
    ]
    return config


def per_account(run: TapRun) -> dict[str, dict[str, int]]:
    """account -> stream -> records."""
    counts: dict[str, dict[str, int]] = {}
    for stream, records in run.records.items():
        for record in records:
            mine = counts.setdefault(record["account"], {})
            mine[stream] = mine.get(stream, 0) + 1
    return counts


def expected_of(sandbox: Sandbox, mount: str) -> dict[str, int]:
    return {k: v for k, v in sandbox.parts[mount].expected_counts().items() if v}


def bookmarked(state: dict[str, Any], key: str) -> dict[str, Any]:
    bookmarks: dict[str, Any] = state["accounts"][key]["bookmarks"]
    return {
        stream: bookmark
        for stream, bookmark in bookmarks.items()
        if bookmark.get("replication_key_value")
    }


def ok(run: TapRun) -> TapRun:
    assert run.returncode == 0, run.stderr[-2000:]
    return run


def test_every_record_names_its_account_and_adding_one_starts_only_it(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    first = ok(run_tap(tmp_path, accounts_config(sandbox, ["acct1"])))
    assert per_account(first) == {"acct1": expected_of(sandbox, PROVIDER)}
    state = first.final_state
    assert state is not None
    assert set(state["accounts"]) == {"basecamp/acct1"}
    incremental = bookmarked(state, "basecamp/acct1")
    assert incremental, "no incremental stream to test with"

    both = ok(run_tap(tmp_path, accounts_config(sandbox), state=state))
    counts = per_account(both)
    # The new account starts from start_date: everything, as a full sync.
    assert counts["acct2"] == expected_of(sandbox, f"{PROVIDER}~acct2")
    # The old one resumes from its bookmarks: its incremental streams send far less.
    for stream in incremental:
        assert counts["acct1"].get(stream, 0) < len(first.records.get(stream, [])) // 2, stream
    final = both.final_state
    assert final is not None
    assert set(final["accounts"]) == {"basecamp/acct1", "basecamp/acct2"}
    assert bookmarked(final, "basecamp/acct1") == incremental


def test_an_old_single_account_state_still_resumes(tmp_path: Path) -> None:
    with run_sandbox([PROVIDER]) as sandbox:
        config = sandbox.tap_config()
        config[PROVIDER].update(UNPACED)
        first = ok(run_tap(tmp_path, config))
        assert set(per_account(first)) == {"default"}
        state = first.final_state
        assert state is not None
        assert "accounts" not in state  # the state as it was before accounts existed
        old = {"bookmarks": copy.deepcopy(state["bookmarks"])}
        incremental = [s for s, b in old["bookmarks"].items() if b.get("replication_key_value")]
        assert incremental
        again = ok(run_tap(tmp_path, config, state=old))
    for stream in incremental:
        assert len(again.records.get(stream, [])) < len(first.records.get(stream, [])) // 2, stream
    final = again.final_state
    assert final is not None
    assert "accounts" not in final
    assert {s: final["bookmarks"][s] for s in incremental} == {
        s: old["bookmarks"][s] for s in incremental
    }


def test_partitions_move_only_their_state(sandbox: Sandbox, tmp_path: Path) -> None:
    config = accounts_config(sandbox)
    first = ok(run_tap(tmp_path, config))
    state = first.final_state
    assert state is not None
    sandbox.advance()
    only = ok(run_tap(tmp_path, {**config, "partitions": ["basecamp/acct2"]}, state=state))
    assert set(per_account(only)) == {"acct2"}
    final = only.final_state
    assert final is not None
    assert final["accounts"]["basecamp/acct1"] == state["accounts"]["basecamp/acct1"]
    assert bookmarked(final, "basecamp/acct2") != bookmarked(state, "basecamp/acct2")
