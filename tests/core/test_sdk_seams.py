"""The seams over library internals: each is pinned to the source it was written against."""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
from pathlib import Path

import pytest

from tap_media_apis.core.sdk_seams import PRIVATE_SEAMS

PACKAGE = Path(__file__).resolve().parents[2] / "tap_media_apis"


def _source_of(qualified: str) -> str:
    module, name = qualified.split(":")
    target: object = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return inspect.getsource(target)  # type: ignore[arg-type]


@pytest.mark.parametrize("qualified", sorted(PRIVATE_SEAMS))
def test_the_library_code_under_each_seam_is_the_one_it_was_written_against(
    qualified: str,
) -> None:
    pinned, seam = PRIVATE_SEAMS[qualified]
    actual = hashlib.sha256(_source_of(qualified).encode()).hexdigest()
    assert actual == pinned, (
        f"{qualified} changed upstream: re-read it against {seam}, adapt the seam, "
        "then pin the new hash in tap_media_apis/core/sdk_seams.py"
    )


def _overrides_of_private_sdk_methods() -> list[str]:
    """Methods named _x defined in our package that exist on a library base class."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("_"):
                continue
            if node.name.startswith("__"):
                continue
            decorators = {ast.unparse(d) for d in node.decorator_list}
            if "override" in decorators:
                found.append(f"{path.relative_to(PACKAGE)}:{node.name}")
    return found


def test_every_private_override_is_pinned() -> None:
    """A private method we override with @override must have its library source pinned."""
    pinned_names = {qualified.rsplit(".", 1)[1] for qualified in PRIVATE_SEAMS}
    unpinned = [
        where
        for where in _overrides_of_private_sdk_methods()
        if where.rsplit(":", 1)[1] not in pinned_names
    ]
    assert unpinned == []
