"""What the five dlt configs share: paginators for the end rules dlt has no setting for.

The original configs (shared/origin/*.md) are dlt rest_api sketches; these configs fix
them to the real API semantics of docs/providers/<api>.md, as a careful dlt user would,
with dlt's own classes where one fits and a small subclass where none does.
"""

from __future__ import annotations

import math
from typing import Any

from dlt.sources.helpers.rest_client.paginators import (
    JSONResponseCursorPaginator,
    PageNumberPaginator,
)
from requests import Response

#: dlt names a resource once per source; streams read from several endpoints (images and
#: videos categories, enabled and disabled rooms) are ``<stream>__<part>`` and counted as
#: ``<stream>``.
PART = "__"


def stream_name(resource_name: str) -> str:
    return resource_name.split(PART, 1)[0]


class ShortPageNumberPaginator(PageNumberPaginator):
    """``page``/``limit``: stop on a short page (Mux, Airbyte's PageIncrement).

    dlt's PageNumberPaginator without a total would ask for one more (empty) page after
    every list; the API has no total, and a short page is the end.
    """

    def __init__(self, limit: int, *, page_param: str = "page") -> None:
        super().__init__(base_page=1, page_param=page_param, total_path=None)
        self.limit = limit

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        super().update_state(response, data)
        if data is None or len(data) < self.limit:
            self._has_next_page = False


class TotalCountPaginator(PageNumberPaginator):
    """Shutterstock search: ``page``/``per_page``; the end is ``page*per_page >= total_count``.

    dlt's ``total_path`` means a number of pages; Shutterstock's total counts hits.
    """

    def __init__(self, per_page: int) -> None:
        super().__init__(base_page=1, page_param="page", total_path=None)
        self.per_page = per_page

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        page = self.current_value
        super().update_state(response, data)
        body = response.json()
        total = body.get("total_count") if isinstance(body, dict) else None
        per_page = body.get("per_page") or self.per_page
        short = data is None or len(data) < per_page
        if short or (isinstance(total, int) and page >= math.ceil(total / per_page)):
            self._has_next_page = False


class LastCursorPaginator(JSONResponseCursorPaginator):
    """100ms lists: ``last`` goes back as ``start``; the end is a short page or no ``last``.

    The official SDK's rule; following ``last`` alone (the original config) costs one more.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(cursor_path="last", cursor_param="start")
        self.limit = limit

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        super().update_state(response, data)
        if data is None or len(data) < self.limit:
            self._has_next_page = False


def client(base_url: str, config: dict[str, Any], auth: Any) -> dict[str, Any]:
    return {
        "base_url": base_url,
        "auth": auth,
        "headers": {
            "User-Agent": config.get("user_agent") or "dlt-benchmark (bench@localhost)",
            "Accept": "application/json",
        },
    }
