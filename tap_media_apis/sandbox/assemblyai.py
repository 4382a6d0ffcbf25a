"""Sandbox part for assemblyai. Stub: filled in by the assemblyai provider issue."""

from __future__ import annotations

from typing import Any

from tap_media_apis.sandbox.api import Route, SandboxProvider


class AssemblyAISandbox(SandboxProvider):
    name = "assemblyai"

    def routes(self) -> list[Route]:
        return []

    def tap_config(self, base_url: str) -> dict[str, Any]:
        return {"base_url": base_url}

    def expected_counts(self) -> dict[str, int]:
        return {}
