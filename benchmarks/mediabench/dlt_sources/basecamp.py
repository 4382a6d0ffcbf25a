"""Basecamp 4 in dlt: refresh-token OAuth, Link-header paging.

Facts: docs/providers/basecamp.md, "API facts".

Fixes to the original config: the account id in the base URL and no ``/v1``, the
``refresh_token`` grant, a User-Agent with a contact, ``type`` plus
``sort=updated_at&direction=desc`` on recordings, schedules from the enabled dock item
of each listed project (no per-project GET: the list has the dock), and a new token on a
401 (dlt's OAuth helper only renews on its own clock).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dlt
import requests
from dlt.common.configuration.specs.base_configuration import configspec
from dlt.sources.helpers.rest_client.auth import OAuth2ClientCredentials
from dlt.sources.helpers.rest_client.paginators import HeaderLinkPaginator
from dlt.sources.rest_api import rest_api_resources

from mediabench.dlt_sources.common import client

NEWEST_UPDATED_FIRST = {"sort": "updated_at", "direction": "desc"}


@configspec
class RefreshTokenAuth(OAuth2ClientCredentials):
    """Launchpad's refresh_token grant; one new token and one resend after a 401."""

    def build_access_token_request(self) -> dict[str, Any]:
        request = super().build_access_token_request()
        request["data"]["grant_type"] = "refresh_token"
        return request

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request = super().__call__(request)
        # First, ahead of dlt's own hooks (which raise on any 4xx they do not ignore).
        request.hooks["response"].insert(0, self._renew_on_401)
        return request

    def _renew_on_401(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        if response.status_code != 401 or response.request.headers.get("X-Renewed"):
            return response
        self.obtain_token()
        retry = response.request.copy()
        retry.headers["Authorization"] = f"Bearer {self.access_token}"
        retry.headers["X-Renewed"] = "1"
        response.close()
        again: requests.Response = response.connection.send(retry, **kwargs)
        again.history.append(response)
        again.request = retry
        return again


def resources(block: dict[str, Any], config: dict[str, Any]) -> list[Any]:
    auth = RefreshTokenAuth(
        access_token_url=block["token_url"],
        client_id=block["client_id"],
        client_secret=block["client_secret"],
        access_token_request_data={"refresh_token": block["refresh_token"]},
    )
    base = client(f"{block['base_url'].rstrip('/')}/{block['account_id']}", config, auth)
    (projects,) = rest_api_resources(
        {
            "client": base,
            "resources": [
                {
                    "name": "basecamp_projects",
                    "primary_key": "id",
                    "endpoint": {
                        "path": "/projects.json",
                        "data_selector": "$",
                        "paginator": HeaderLinkPaginator(),
                    },
                }
            ],
        }
    )

    @dlt.transformer(name="schedule_docks", data_from=projects, selected=False)
    def schedule_docks(items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        yield [
            {"project_id": project["id"], "schedule_id": tool["id"]}
            for project in items
            for tool in project.get("dock") or ()
            if tool.get("name") == "schedule" and tool.get("enabled") is True
        ]

    schedule_path = (
        "/buckets/{resources.schedule_docks.project_id}"
        "/schedules/{resources.schedule_docks.schedule_id}"
    )
    children = rest_api_resources(
        {
            "client": base,
            "resource_defaults": {
                "primary_key": "id",
                # By name: dlt builds one paginator per resource from it (a shared instance
                # would let one list's end stop the others).
                "endpoint": {"data_selector": "$", "paginator": "header_link"},
            },
            "resources": [
                schedule_docks,
                {
                    "name": "basecamp_schedules",
                    "endpoint": {
                        "path": f"{schedule_path}.json",
                        "paginator": "single_page",
                        "response_actions": [{"status_code": 404, "action": "ignore"}],
                    },
                },
                {
                    "name": "basecamp_schedule_entries",
                    "endpoint": {
                        "path": f"{schedule_path}/entries.json",
                        "response_actions": [{"status_code": 404, "action": "ignore"}],
                    },
                },
                *(
                    {
                        "name": name,
                        "endpoint": {
                            "path": "/projects/recordings.json",
                            "params": {"type": kind, **NEWEST_UPDATED_FIRST},
                        },
                    }
                    for name, kind in (("basecamp_todos", "Todo"), ("basecamp_messages", "Message"))
                ),
            ],
        }
    )
    return [projects, *children]
