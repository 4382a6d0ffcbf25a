"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tap_media_apis.sandbox import Sandbox, run_sandbox


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Patch time.sleep everywhere the retry and pacing code sleeps; record the waits."""
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    return waits


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox() as running:
        yield running
