"""The Singer SDK's built-in tap tests, offline, against an in-process sandbox of every provider."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from tap_media_apis.sandbox import Sandbox
from tap_media_apis.sandbox.parts import build_parts
from tap_media_apis.tap import TapMediaApis

# The class below is built at import time (pytest collects one test per stream), so the sandbox
# must already be serving then; the module fixture stops it after the last test. (Not
# run_sandbox(): a context left open when the tests are deselected would be closed at
# interpreter exit, and shutting the server down then waits forever.)
SANDBOX = Sandbox(build_parts()).start()


# The SDK only warns when a schema property appears in none of the synced records: optional
# fields (audio-only Shutterstock fields, recurring schedule entries, ...) need not show up in
# the first max_records_limit records. Records with properties the schema lacks still fail.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Fields in transformed catalog but not in records:UserWarning"
)


@pytest.fixture(scope="module", autouse=True)
def _stop_sandbox() -> Iterator[None]:
    yield
    SANDBOX.stop()


def fast_config(sandbox: Sandbox) -> dict[str, Any]:
    """The sandbox config without the real APIs' paces (Mux: 5 requests/s), as in Meltano's."""
    config = sandbox.tap_config()
    for name in sandbox.parts:
        config[name] = {**config[name], "requests_per_second": 500}
    return config


TestTapMediaApis = get_tap_test_class(
    TapMediaApis,
    config=fast_config(SANDBOX),
    parse_env_config=False,
    # Enough for every stream to fill a record or more and for parents to reach their
    # children, small enough that the whole class stays a few seconds.
    suite_config=SuiteConfig(
        max_records_limit=40,
        # A stream the sandbox itself expects to be empty (expected count 0) must sync no
        # records; the SDK's "returns records" test would flag exactly that as a failure.
        ignore_no_records_for_streams=[
            name for name, count in SANDBOX.expected_counts().items() if count == 0
        ],
    ),
)
