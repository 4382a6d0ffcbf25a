"""Reading a captured tap run: records per stream, distinct keys, final state, order."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec


@dataclass
class TapOutput:
    records: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    keys: dict[str, set[tuple[Any, ...]]] = field(default_factory=lambda: defaultdict(set))
    key_properties: dict[str, list[str]] = field(default_factory=dict)
    final_state: dict[str, Any] = field(default_factory=dict)
    #: A digest of every record in output order: equal digests, same records, same order.
    order_digest: str = ""
    #: Child records grouped by their parent key values, for the request minimums.
    groups: dict[str, dict[tuple[Any, ...], int]] = field(default_factory=dict)
    #: Small projections of records kept for the minimums (stream -> list of dicts).
    kept: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    @property
    def distinct(self) -> dict[str, int]:
        return {name: len(keys) for name, keys in self.keys.items()}


def read_tap_output(path: Path, keep: dict[str, tuple[str, ...]] | None = None) -> TapOutput:
    """Parse a Singer stream; ``keep`` names the fields to keep per stream for later use."""
    keep = keep or {}
    out = TapOutput()
    digest = hashlib.sha256()
    decode = msgspec.json.Decoder().decode
    with path.open("rb") as lines:
        for line in lines:
            message = decode(line)
            kind = message.get("type")
            if kind == "SCHEMA":
                out.key_properties[message["stream"]] = list(message.get("key_properties") or [])
            elif kind == "RECORD":
                stream, record = message["stream"], message["record"]
                out.records[stream] += 1
                names = out.key_properties.get(stream) or []
                out.keys[stream].add(tuple(_hashable(record.get(k)) for k in names))
                if stream in keep:
                    out.kept[stream].append({k: record.get(k) for k in keep[stream]})
                digest.update(msgspec.json.encode([stream, record]))
            elif kind == "STATE":
                out.final_state = message["value"]
    out.order_digest = digest.hexdigest()
    return out


def _hashable(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return msgspec.json.encode(value)
    return value


def count_problems(expected: dict[str, int], output: TapOutput) -> list[str]:
    """Streams whose distinct keys differ from what the sandbox says a full sync loads."""
    problems = []
    distinct = output.distinct
    for name in sorted(set(expected) | set(distinct)):
        want, got = expected.get(name, 0), distinct.get(name, 0)
        if want != got:
            problems.append(f"{name}: {got} distinct keys, sandbox expects {want}")
    return problems
