"""100ms in dlt: a minted management token, ``last``/``start`` paging.

Facts: docs/providers/hms.md, "API facts".

Fixes to the original config: ``limit`` 100 (default 10), the end at a short page or an
empty ``last`` (not ``last`` alone), rooms and sessions read for both values of the
filter whose documented default hides half of them, peers and template destinations
are maps (flattened to one item per entry), peers asked only for rooms with an active
session (named by the sessions list, as the tap does), events need ``room_id`` and page
by ``next``, settings and destinations are unpaginated objects.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import dlt
import jwt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator
from dlt.sources.rest_api import rest_api_resources

from mediabench.dlt_sources.common import LastCursorPaginator, client

LIMIT = 100


def management_token(block: dict[str, Any]) -> str:
    """An HS256 management token, as 100ms's sample code mints it (hms.md, "Base URL and auth")."""
    if block.get("management_token"):
        return str(block["management_token"])
    now = int(time.time())
    claims = {
        "access_key": block["app_access_key"],
        "type": "management",
        "version": 2,
        "iat": now,
        "nbf": now,
        "exp": now + 86_400,
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode(claims, block["app_secret"], algorithm="HS256")


def resources(block: dict[str, Any], config: dict[str, Any]) -> list[Any]:
    auth = BearerTokenAuth(token=management_token(block))
    base = client(block["base_url"], config, auth)
    rest = RESTClient(base_url=base["base_url"], headers=base["headers"], auth=auth)

    def both(path: str, flag: str) -> Any:
        # One list, read for flag=true and flag=false (a dlt resource per request set
        # could not be one parent for the children).
        def read() -> Iterator[list[dict[str, Any]]]:
            for value in ("true", "false"):
                yield from rest.paginate(
                    path,
                    params={"limit": LIMIT, flag: value},
                    paginator=LastCursorPaginator(LIMIT),
                    data_selector="data",
                )

        return read

    rooms = dlt.resource(both("/v2/rooms", "enabled"), name="hms_rooms", primary_key="id")
    sessions = dlt.resource(both("/v2/sessions", "active"), name="hms_sessions", primary_key="id")
    asked: set[str] = set()

    @dlt.transformer(data_from=sessions, name="hms_active_room_peers")
    def active_room_peers(page: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        # Only a room with an active session has peers (hms.md, "Active-room peers"): one
        # request per such room.
        for session in page:
            room_id = session.get("room_id")
            if not session.get("active") or not room_id or room_id in asked:
                continue
            asked.add(room_id)
            response = rest.get(f"/v2/active-rooms/{room_id}/peers")
            if response.status_code == 404:  # the session ended since the list
                continue
            response.raise_for_status()
            for peer in _entries(response.json().get("peers") or {}):
                yield {**peer, "room_id": room_id}

    return [
        sessions,
        active_room_peers,
        *rest_api_resources(
            {
                "client": base,
                "resource_defaults": {"endpoint": {"paginator": "single_page"}},
                "resources": [
                    rooms,
                    {
                        "name": "hms_analytics_events",
                        "endpoint": {
                            "path": "/v2/analytics/events",
                            "params": {"room_id": "{resources.hms_rooms.id}", "limit": LIMIT},
                            "data_selector": "events",
                            "paginator": JSONResponseCursorPaginator(
                                cursor_path="next", cursor_param="start"
                            ),
                        },
                    },
                    {
                        "name": "hms_templates",
                        "endpoint": {
                            "path": "/v2/templates",
                            "params": {"limit": LIMIT},
                            "data_selector": "data",
                            "paginator": LastCursorPaginator(LIMIT),
                        },
                    },
                    {
                        "name": "hms_template_settings",
                        "endpoint": {
                            "path": "/v2/templates/{resources.hms_templates.id}/settings",
                            "data_selector": "$",
                        },
                        "include_from_parent": ["id"],
                    },
                    {
                        "name": "hms_template_destinations",
                        "endpoint": {
                            "path": "/v2/templates/{resources.hms_templates.id}/destinations",
                            "data_selector": "$",
                        },
                        "processing_steps": [{"yield_map": _destinations}],
                        "include_from_parent": ["id"],
                    },
                    {
                        "name": "hms_recordings",
                        "endpoint": {
                            "path": "/v2/recordings",
                            "params": {"limit": LIMIT},
                            "data_selector": "data",
                            "paginator": LastCursorPaginator(LIMIT),
                        },
                    },
                ],
            }
        ),
    ]


def _entries(peers: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for peer_id, peer in peers.items():
        if isinstance(peer, dict):
            yield {**peer, "id": peer.get("id") or peer_id}


def _destinations(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for kind, entries in body.items():
        if isinstance(entries, dict):
            for entry_id, entry in entries.items():
                if isinstance(entry, dict):
                    yield {**entry, "destination_type": kind, "destination_id": entry_id}
