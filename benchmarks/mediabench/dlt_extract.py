"""dlt's rest_api source against the same sandbox: extract only, results discarded.

Each provider with a module in ``mediabench/dlt_sources`` contributes resources named
like the tap's streams. ``pipeline.extract()`` runs dlt's extract step, which writes
every item to the pipeline's local extract files, as the tap writes every record to
stdout; nothing is normalised or loaded, and the files are deleted. ``--mode iterate``
only iterates the source (dlt's pipe and child resolution, no output at all). A counter
per resource is the only work added.

    python -m mediabench.dlt_extract --config cfg.json --summary out.json [--mode iterate]
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import dlt

from mediabench.dlt_sources.common import stream_name


def resources_for(config: dict[str, Any]) -> list[Any]:
    out = []
    for name, block in config.items():
        if not isinstance(block, dict):
            continue
        try:
            module = importlib.import_module(f"mediabench.dlt_sources.{name}")
        except ModuleNotFoundError:
            continue
        out += module.resources(block, config)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--summary", type=Path, required=True)
    parser.add_argument("--mode", choices=("extract", "iterate"), default="extract")
    args = parser.parse_args(argv)
    config = json.loads(args.config.read_text())
    counts: Counter[str] = Counter()
    resources = resources_for(config)
    for resource in resources:
        if resource.selected:
            resource.add_map(_counter(counts, stream_name(resource.name)))

    @dlt.source(name="media_apis", max_table_nesting=0)
    def media_apis() -> Any:
        return resources

    if args.mode == "iterate":
        for _ in media_apis():
            pass
    else:
        workdir = tempfile.mkdtemp(prefix="dlt-bench-")
        try:
            pipeline = dlt.pipeline(
                pipeline_name="media_apis_bench", pipelines_dir=workdir, destination=None
            )
            pipeline.extract(media_apis())
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    args.summary.write_text(json.dumps({"records": dict(counts)}))


def _counter(counts: Counter[str], name: str) -> Any:
    def count(item: Any) -> Any:
        counts[name] += 1
        return item

    return count


if __name__ == "__main__":
    main()
