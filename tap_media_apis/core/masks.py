"""Secrets that never reach a record: declared per stream as paths, applied once.

A path names fields with dots; ``name[]`` steps into every item of a list and ``name{}``
into every value of a map keyed by ids. Masks run on the record as the API sent it,
before it is split into declared columns and ``extra_fields``, so a secret is hidden
wherever it lands. Records are copied along the masked path, never changed in place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MASKED = "REDACTED"


def _nothing(value: Any) -> Any:
    return None


@dataclass(frozen=True)
class Mask:
    """The value at ``path`` becomes ``hide(value)`` (None by default), or goes (``remove``)."""

    path: str
    hide: Callable[[Any], Any] = _nothing
    remove: bool = False

    @property
    def steps(self) -> tuple[tuple[str, str], ...]:
        steps = []
        for part in self.path.split("."):
            kind = part[-2:] if part.endswith(("[]", "{}")) else ""
            steps.append((part[: len(part) - len(kind)], kind))
        return tuple(steps)


def apply_masks(record: dict[str, Any], masks: tuple[Mask, ...]) -> dict[str, Any]:
    for mask in masks:
        record = _masked(record, mask.steps, mask)
    return record


def _masked(value: Any, steps: tuple[tuple[str, str], ...], mask: Mask) -> Any:
    (name, kind), rest = steps[0], steps[1:]
    if not isinstance(value, Mapping) or value.get(name) is None:
        return value
    child = value[name]
    copy = dict(value)
    if kind == "[]":
        if not isinstance(child, list):
            return value
        copy[name] = [_leaf(item, rest, mask) for item in child]
    elif kind == "{}":
        if not isinstance(child, Mapping):
            return value
        copy[name] = {key: _leaf(item, rest, mask) for key, item in child.items()}
    elif rest:
        copy[name] = _masked(child, rest, mask)
    elif mask.remove:
        del copy[name]
    else:
        copy[name] = mask.hide(child)
    return copy


def _leaf(item: Any, rest: tuple[tuple[str, str], ...], mask: Mask) -> Any:
    return _masked(item, rest, mask) if rest else mask.hide(item)


def url_without_credentials(url: Any) -> Any:
    """A URL without user info and query (where SRT and signed URLs carry secrets)."""
    if not isinstance(url, str):
        return url
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def rtmp_url_without_key(url: Any) -> Any:
    """An RTMP URL with its stream key (the last path segment) masked.

    ``rtmp://live.example.com/app/<key>`` keeps host and application path, so the
    destination is still recognisable; user info and query go too.
    """
    if not isinstance(url, str):
        return url
    parts = urlsplit(url_without_credentials(url))
    app, _, key = parts.path.rstrip("/").rpartition("/")
    # No application path (rtmp://host/<key>): the only segment may be the key.
    path = f"{app}/{MASKED}" if key else parts.path
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
