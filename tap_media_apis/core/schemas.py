"""Stream schemas: ``schemas/<provider>/<stream>.json``, shipped inside the wheel."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


@cache
def schema_root() -> Traversable:
    packaged = files("tap_media_apis") / "schemas"
    if packaged.is_dir():
        return packaged
    # A source checkout or editable install: the top-level schemas/ folder.
    return Path(__file__).resolve().parents[2] / "schemas"


@cache
def _load(provider: str, stream: str) -> str:
    return (schema_root() / provider / f"{stream}.json").read_text(encoding="utf-8")


def load_schema(provider: str, stream: str) -> dict[str, Any]:
    """A fresh copy of the stream's schema (streams may adjust theirs)."""
    return copy.deepcopy(json.loads(_load(provider, stream)))
