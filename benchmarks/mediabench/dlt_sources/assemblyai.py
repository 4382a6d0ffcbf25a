"""AssemblyAI in dlt: raw key, newest-first list paged by ``prev_url``.

Facts: docs/providers/assemblyai.md, "API facts".

Fixes to the original config: the raw key (no ``Bearer``), ``limit`` 200, paging to OLDER
transcripts through ``page_details.prev_url`` (the original follows ``next_url``, which
goes to NEWER ones and reads page 1 only), no paginator on the unpaginated children,
children only for completed transcripts (a transformer in front of them, since a dlt
parent cannot be filtered for its children alone), "not redacted" 400s ignored, and the
LeMUR ids from the config.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dlt
from dlt.sources.helpers.rest_client.auth import APIKeyAuth
from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator
from dlt.sources.rest_api import rest_api_resources

from mediabench.dlt_sources.common import client

LIMIT = 200
TRANSCRIPT_ID = "{resources.completed_transcripts.id}"


def resources(block: dict[str, Any], config: dict[str, Any]) -> list[Any]:
    auth = APIKeyAuth(name="Authorization", api_key=block["api_key"], location="header")
    base = client(block["base_url"], config, auth)
    (transcripts,) = rest_api_resources(
        {
            "client": base,
            "resources": [
                {
                    "name": "assemblyai_transcripts",
                    "primary_key": "id",
                    "endpoint": {
                        "path": "/v2/transcript",
                        "params": {"limit": LIMIT},
                        "data_selector": "transcripts",
                        "paginator": JSONLinkPaginator(next_url_path="page_details.prev_url"),
                    },
                }
            ],
        }
    )

    @dlt.transformer(name="completed_transcripts", data_from=transcripts, selected=False)
    def completed(items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        yield [item for item in items if item.get("status") == "completed"]

    @dlt.resource(name="lemur_request_ids", selected=False)
    def lemur_ids() -> Iterator[list[dict[str, Any]]]:
        yield [{"request_id": i} for i in block.get("lemur_request_ids") or ()]

    children = rest_api_resources(
        {
            "client": base,
            "resource_defaults": {"endpoint": {"paginator": "single_page"}},
            "resources": [
                completed,
                lemur_ids,
                *(
                    {
                        "name": f"assemblyai_transcript_{kind}",
                        "endpoint": {
                            "path": f"/v2/transcript/{TRANSCRIPT_ID}/{kind}",
                            "data_selector": kind,
                        },
                        "include_from_parent": ["id"],
                    }
                    for kind in ("sentences", "paragraphs")
                ),
                {
                    "name": "assemblyai_redacted_audio",
                    "endpoint": {
                        "path": f"/v2/transcript/{TRANSCRIPT_ID}/redacted-audio",
                        "data_selector": "$",
                        # Only transcripts created with redact_pii_audio have one
                        # (docs/providers/assemblyai.md, "Redacted audio").
                        "response_actions": [{"status_code": 400, "action": "ignore"}],
                    },
                    "include_from_parent": ["id"],
                },
                {
                    "name": "assemblyai_lemur_responses",
                    "primary_key": "request_id",
                    "endpoint": {
                        "path": "/lemur/v3/{resources.lemur_request_ids.request_id}",
                        "data_selector": "$",
                    },
                },
            ],
        }
    )
    return [transcripts, *children]
