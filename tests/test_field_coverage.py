"""Documented fields present in the schemas, and the coverage table in docs kept current."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "field_coverage.py"
coverage = runpy.run_path(str(SCRIPT))


@pytest.mark.parametrize("provider", coverage["providers"]())
def test_every_documented_field_is_in_the_schema(provider: str) -> None:
    missing = {row["stream"]: row["missing"] for row in coverage["coverage"](provider)}
    assert {stream: fields for stream, fields in missing.items() if fields} == {}


def test_the_coverage_table_in_docs_is_current() -> None:
    assert coverage["OUTPUT"].read_text() == coverage["render"](), (
        "docs/field-coverage.md is stale: run scripts/field_coverage.py"
    )


def test_schema_paths_read_objects_lists_and_maps() -> None:
    schema = {
        "properties": {
            "a": {"type": "object", "properties": {"b": {"type": "string"}}},
            "l": {"type": "array", "items": {"properties": {"x": {"type": "integer"}}}},
            "m": {"type": "object", "additionalProperties": {"properties": {"y": {}}}},
        }
    }
    assert coverage["schema_paths"](schema) == {
        "a",
        "a.b",
        "l",
        "l[]",
        "l[].x",
        "m",
        "m{}",
        "m{}.y",
    }
