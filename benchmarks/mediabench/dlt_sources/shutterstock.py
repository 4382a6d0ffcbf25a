"""Shutterstock in dlt (docs/providers/shutterstock.md): bearer token, real media paths.

Fixes to the original config: ``/v2/media/...`` does not exist (images and videos
categories, images/videos/audio search), ``per_page`` 500 instead of 20, ``view=full``,
the end at ``total_count`` (a full last page costs no extra request), and ``/v2/user``
is a bare object without paging.
"""

from __future__ import annotations

from typing import Any

from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.rest_api import rest_api_resources

from mediabench.dlt_sources.common import PART, TotalCountPaginator, client

PER_PAGE = 500


def resources(block: dict[str, Any], config: dict[str, Any]) -> list[Any]:
    auth = BearerTokenAuth(token=block["access_token"])
    media = block.get("media_types") or ["images", "videos", "audio"]
    query = block.get("search_query")
    return rest_api_resources(
        {
            "client": client(block["base_url"], config, auth),
            "resources": [
                *(
                    {
                        "name": f"shutterstock_media_categories{PART}{path}",
                        "endpoint": {
                            "path": f"/v2/{path}/categories",
                            "data_selector": "data",
                            "paginator": "single_page",
                        },
                    }
                    for path in ("images", "videos")
                ),
                *(
                    {
                        "name": f"shutterstock_media_search{PART}{path}",
                        "endpoint": {
                            "path": f"/v2/{path}/search",
                            "params": {"query": query, "view": "full", "per_page": PER_PAGE},
                            "data_selector": "data",
                            "paginator": TotalCountPaginator(PER_PAGE),
                        },
                    }
                    for path in (media if query else ())
                ),
                {
                    "name": "shutterstock_user",
                    "endpoint": {
                        "path": "/v2/user",
                        "data_selector": "$",
                        "paginator": "single_page",
                    },
                },
            ],
        }
    )
