"""What the tap would extract for a config, read from the tap itself (nothing hard-coded).

Each logged sandbox request is attributed to the stream whose path template (url_base +
path, placeholders as wildcards) and fixed query match it, so requests can be counted per
stream for any provider that exists.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tap_media_apis.core.stream import ProviderStream
from tap_media_apis.tap import TapMediaApis

AUTH = "(auth)"
OTHER = "(unattributed)"


@dataclass
class StreamInfo:
    name: str
    provider: str
    parent: str | None
    needs_requests: bool
    pattern: re.Pattern[str] | None
    query: dict[str, str] = field(default_factory=dict)
    key_properties: list[str] = field(default_factory=list)


def tap_streams(config: dict[str, Any]) -> dict[str, StreamInfo]:
    tap = TapMediaApis(config=config, parse_env_config=False, setup_mapper=False)
    try:
        out = {}
        for name, stream in tap.streams.items():
            if not isinstance(stream, ProviderStream):
                continue
            path = getattr(stream, "path", None)
            template = urlsplit(stream.url_base + (path or "")).path
            pattern = None
            if path:
                regex = re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template))
                pattern = re.compile(f"^{regex}$")
            parent = stream.parent_stream_type
            out[name] = StreamInfo(
                name=name,
                provider=stream.provider_name,
                parent=str(parent.__dict__.get("name")) if parent else None,
                needs_requests=not stream.derived_from_parent,
                pattern=None if stream.derived_from_parent else pattern,
                query={k: str(v) for k, v in stream.fixed_params.items()},
                key_properties=list(stream.primary_keys or []),
            )
        return out
    finally:
        tap.close()


def attribute(entries: Iterable[dict[str, Any]], streams: dict[str, StreamInfo]) -> Counter[str]:
    """Requests per stream name (token requests and 401s as ``(auth)``)."""
    counts: Counter[str] = Counter()
    for entry in entries:
        counts[stream_of(entry, streams)] += 1
    return counts


def stream_of(entry: dict[str, Any], streams: dict[str, StreamInfo]) -> str:
    if entry.get("method") != "GET" or entry.get("status") == 401:
        return AUTH  # token requests, and answers to an expired token (re-sent after renewal)
    parts = urlsplit(entry["path"])
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    matches = [s for s in streams.values() if s.pattern and s.pattern.match(parts.path)]
    if len(matches) > 1:
        exact = [s for s in matches if all(query.get(k) == v for k, v in s.query.items())]
        matches = exact or matches
        # The most specific fixed query wins (e.g. recordings of type=Todo vs Message).
        matches.sort(key=lambda s: -len(s.query))
    return matches[0].name if matches else OTHER
