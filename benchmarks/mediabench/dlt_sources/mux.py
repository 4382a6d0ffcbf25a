"""Mux Video in dlt (docs/providers/mux.md, "API facts"): Basic auth, ``limit`` 100, cursor.

Fixes to the original config: ``limit`` 100 (its 50 doubles the requests), assets by
cursor (``next_cursor``, null at the end), a short page ends the other lists, and
playbacks come from the parents' ``playback_ids`` (the original config asks
``/playback-ids/{id}`` once per id for what the list already returned).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dlt
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator
from dlt.sources.rest_api import rest_api_resources

from mediabench.dlt_sources.common import PART, ShortPageNumberPaginator, client

LIMIT = 100
PAGED = {
    "mux_video_live_streams": "/video/v1/live-streams",
    "mux_system_signing_keys": "/system/v1/signing-keys",
    "mux_video_playback_restrictions": "/video/v1/playback-restrictions",
    "mux_video_transcription_vocabularies": "/video/v1/transcription-vocabularies",
    "mux_video_uploads": "/video/v1/uploads",
    "mux_video_signing_keys": "/video/v1/signing-keys",
}


def resources(block: dict[str, Any], config: dict[str, Any]) -> list[Any]:
    auth = HttpBasicAuth(username=block["token_id"], password=block["token_secret"])
    lists = rest_api_resources(
        {
            "client": client(block["base_url"], config, auth),
            "resource_defaults": {
                "primary_key": "id",
                "endpoint": {"data_selector": "data", "params": {"limit": LIMIT}},
            },
            "resources": [
                {
                    "name": "mux_video_assets",
                    "endpoint": {
                        "path": "/video/v1/assets",
                        "paginator": JSONResponseCursorPaginator(
                            cursor_path="next_cursor", cursor_param="cursor"
                        ),
                    },
                },
                *(
                    {
                        "name": name,
                        "endpoint": {"path": path, "paginator": ShortPageNumberPaginator(LIMIT)},
                    }
                    for name, path in PAGED.items()
                ),
            ],
        }
    )
    by_name = {resource.name: resource for resource in lists}
    playbacks = [
        dlt.transformer(
            _playbacks_of(kind),
            name=f"mux_video_playbacks{PART}{kind}",
            data_from=by_name[parent],
            primary_key="id",
        )
        for kind, parent in (
            ("asset", "mux_video_assets"),
            ("live_stream", "mux_video_live_streams"),
        )
    ]
    return [*lists, *playbacks]


def _playbacks_of(kind: str) -> Any:
    def playbacks(items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        yield [
            {"id": p["id"], "policy": p.get("policy"), "object": {"type": kind, "id": item["id"]}}
            for item in items
            for p in item.get("playback_ids") or ()
        ]

    return playbacks
