"""The registry of provider parts."""

from __future__ import annotations

from collections.abc import Sequence

from tap_media_apis.sandbox.api import SandboxProvider
from tap_media_apis.sandbox.assemblyai import AssemblyAISandbox
from tap_media_apis.sandbox.basecamp import BasecampSandbox
from tap_media_apis.sandbox.hms import HmsSandbox
from tap_media_apis.sandbox.mux import MuxSandbox
from tap_media_apis.sandbox.shutterstock import ShutterstockSandbox

PARTS: dict[str, type[SandboxProvider]] = {
    part.name: part
    for part in (MuxSandbox, AssemblyAISandbox, ShutterstockSandbox, HmsSandbox, BasecampSandbox)
}


def build_parts(
    names: Sequence[str] | None = None, *, scale: int = 1, seed: int = 7
) -> list[SandboxProvider]:
    chosen = list(names) if names else list(PARTS)
    unknown = [name for name in chosen if name not in PARTS]
    if unknown:
        raise ValueError(f"unknown sandbox providers {unknown}; known: {sorted(PARTS)}")
    return [PARTS[name](scale=scale, seed=seed) for name in chosen]
