"""Sandbox part for hms. Stub: filled in by the hms provider issue."""

from __future__ import annotations

from typing import Any

from tap_media_apis.sandbox.api import Route, SandboxProvider


class HmsSandbox(SandboxProvider):
    name = "hms"

    def routes(self) -> list[Route]:
        return []

    def tap_config(self, base_url: str) -> dict[str, Any]:
        return {"base_url": base_url}

    def expected_counts(self) -> dict[str, int]:
        return {}
