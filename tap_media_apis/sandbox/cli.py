"""``tap-media-apis-sandbox``: run the local fake APIs until interrupted."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from tap_media_apis.sandbox.faults import FAULT_KINDS, FaultPlan
from tap_media_apis.sandbox.parts import PARTS, build_parts
from tap_media_apis.sandbox.server import Sandbox


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="tap-media-apis-sandbox",
        description="Serve fake Mux, AssemblyAI, Shutterstock, 100ms and Basecamp APIs locally.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--providers", default=",".join(PARTS), help="comma-separated")
    parser.add_argument("--scale", type=int, default=1, help="multiplies every data set")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--accounts",
        type=int,
        default=1,
        help="accounts per provider, each with its own data and credentials, the first at "
        "/<provider>, the others at /<provider>~acct2, …",
    )
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every request")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of requests failing")
    parser.add_argument("--faults", default=",".join(FAULT_KINDS), help="kinds to inject")
    parser.add_argument("--retry-after", type=float, default=1.0, help="seconds, on 429")
    parser.add_argument("--slow-seconds", type=float, default=3.0)
    parser.add_argument(
        "--dirty-text",
        action="store_true",
        help="put NUL and a lone surrogate into every string of the answers",
    )
    parser.add_argument(
        "--cache-answers",
        action="store_true",
        help="answer a repeated GET from memory (benchmarks: the fake's own work is not "
        "measured; costs memory about the size of all answers)",
    )
    parser.add_argument("--url-file", type=Path, help="write the base URL here once listening")
    parser.add_argument("--config-file", type=Path, help="write a tap config for it here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        faults = FaultPlan(
            rate=args.fault_rate,
            kinds=tuple(k for k in args.faults.split(",") if k),
            retry_after=args.retry_after,
            slow_seconds=args.slow_seconds,
        )
        parts = build_parts(
            args.providers.split(","), scale=args.scale, seed=args.seed, accounts=args.accounts
        )
        sandbox = Sandbox(
            parts,
            host=args.host,
            port=args.port,
            latency=args.latency_ms / 1000,
            faults=faults,
            dirty_text=args.dirty_text,
            cache_answers=args.cache_answers,
        )
    except (ValueError, OSError) as exc:
        print(f"tap-media-apis-sandbox: error: {exc}", file=sys.stderr)
        sys.exit(2)
    if args.config_file:
        args.config_file.write_text(json.dumps(sandbox.tap_config(), indent=2), encoding="utf-8")
    if args.url_file:
        args.url_file.write_text(sandbox.url + "\n", encoding="utf-8")
    print(f"sandbox listening on {sandbox.url}", flush=True)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    sandbox.start()
    stop.wait()
    sandbox.stop()


if __name__ == "__main__":
    main()
