"""dlt end to end: the same rest_api resources as ``dlt_extract``, ``pipeline.run`` into PostgreSQL.

Extract, normalise and load with dlt's defaults for the postgres destination, into the
dataset (schema) given; the pipeline's working directory is temporary. Nested data stays
JSON (``max_table_nesting=0``, as the tap's records keep objects whole), so the tables
are one per resource, as the tap's are one per stream. The summary holds the load info
or dlt's error.

    python -m mediabench.dlt_load --config cfg.json --credentials postgresql://… \\
        --dataset media_apis_dlt --summary out.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import dlt

from mediabench.dlt_extract import resources_for


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--credentials", required=True)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--summary", type=Path, required=True)
    args = parser.parse_args(argv)
    config = json.loads(args.config.read_text())
    resources = resources_for(config)

    @dlt.source(name="media_apis", max_table_nesting=0)
    def media_apis() -> Any:
        return resources

    workdir = tempfile.mkdtemp(prefix="dlt-load-")
    try:
        pipeline = dlt.pipeline(
            pipeline_name="media_apis_e2e",
            pipelines_dir=workdir,
            destination=dlt.destinations.postgres(credentials=args.credentials),
            dataset_name=args.dataset,
        )
        try:
            info = pipeline.run(media_apis())
        except Exception as exc:  # reported, not raised: the benchmark shows dlt's failure
            args.summary.write_text(json.dumps({"error": _first_lines(exc)}))
            print(f"dlt failed: {exc}", file=sys.stderr)
            return 1
        args.summary.write_text(json.dumps({"load_info": str(info)[:2000]}))
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _first_lines(exc: BaseException, lines: int = 12) -> str:
    text = f"{type(exc).__name__}: {exc}"
    cause = exc.__cause__ or exc.__context__
    if cause is not None:
        text += f"\ncaused by {type(cause).__name__}: {cause}"
    return "\n".join(text.splitlines()[:lines])


if __name__ == "__main__":
    sys.exit(main())
