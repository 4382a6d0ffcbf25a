"""The limit: plain ``requests`` fetching and JSON-decoding the same pages, nothing else.

It replays the URLs the tap requested (from the sandbox's request log, in the order they
arrived, minus the 401s of an expired token), one after another on one keep-alive
session per API, with the same headers and auth, and decodes every body with msgspec
(the fastest decoder available; the stdlib ``json`` would make this limit slower and
every ratio to it look better).
No records are built, shaped or written.

    python -m mediabench.fetch_limit --config cfg.json --urls urls.json --summary out.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import msgspec
import requests

from tap_media_apis.core.auth import RefreshingTokenAuth
from tap_media_apis.core.provider import ProviderRuntime
from tap_media_apis.providers import PROVIDERS


def sessions(config: dict[str, Any]) -> dict[str, requests.Session]:
    user_agent = config.get("user_agent") or "tap-media-apis-benchmark"
    out = {}
    for provider in PROVIDERS:
        block = config.get(provider.name)
        if not isinstance(block, dict):
            continue
        session = requests.Session()
        session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        session.auth = ProviderRuntime(provider, block).authenticator
        out[provider.name] = session
    return out


def renewed(session: requests.Session, response: requests.Response) -> bool:
    auth = session.auth
    return isinstance(auth, RefreshingTokenAuth) and auth.renew_after_401(
        response.request.headers.get("Authorization")
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--urls", type=Path, required=True, help="[[provider, url], ...]")
    parser.add_argument("--summary", type=Path, required=True)
    args = parser.parse_args(argv)
    config = json.loads(args.config.read_text())
    urls: list[list[str]] = json.loads(args.urls.read_text())
    by_provider = sessions(config)
    decode = msgspec.json.Decoder().decode
    pages = failed = size = 0
    timeout = float(config.get("request_timeout") or 60)
    for provider, url in urls:
        session = by_provider[provider]
        response = session.get(url, timeout=timeout)
        if response.status_code == 401 and renewed(session, response):
            response = session.get(url, timeout=timeout)  # an expired token, as the tap does
        size += len(response.content)
        if response.ok:
            decode(response.content)
            pages += 1
        else:
            failed += 1  # answers the tap tolerates (e.g. "not redacted" 4xx): fetched too
    args.summary.write_text(json.dumps({"pages": pages, "non_2xx": failed, "bytes": size}))


if __name__ == "__main__":
    main()
