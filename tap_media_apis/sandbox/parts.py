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
    names: Sequence[str] | None = None, *, scale: int = 1, seed: int = 7, accounts: int = 1
) -> list[SandboxProvider]:
    """One part per provider and account: the first account is the documented one."""
    chosen = list(names) if names else list(PARTS)
    unknown = [name for name in chosen if name not in PARTS]
    if unknown:
        raise ValueError(f"unknown sandbox providers {unknown}; known: {sorted(PARTS)}")
    if accounts < 1:
        raise ValueError(f"accounts must be at least 1, got {accounts}")
    return [
        PARTS[name](scale=scale, seed=seed, account=None if n == 1 else account_name(n))
        for name in chosen
        for n in range(1, accounts + 1)
    ]


def account_name(number: int) -> str:
    """``acct1``, ``acct2``, …: the names ``tap_config`` gives the accounts."""
    return f"acct{number}"
