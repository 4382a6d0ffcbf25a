"""Sandbox part for Mux Video (api-reference.md §1)."""

from __future__ import annotations

import re
from typing import Any

from tap_media_apis.sandbox.api import (
    Request,
    Response,
    Route,
    SandboxProvider,
    json_response,
    route,
)

TOKEN_ID = "sandbox-mux-token-id"
TOKEN_SECRET = "sandbox-mux-token-secret"
BASE_EPOCH = 1_735_689_600  # 2025-01-01T00:00:00Z


class MuxSandbox(SandboxProvider):
    name = "mux"

    def __init__(self, *, scale: int = 1, seed: int = 7) -> None:
        super().__init__(scale=scale, seed=seed)
        self.assets = [
            {"id": f"asset{i:05d}", "created_at": str(BASE_EPOCH + i * 3600), "status": "ready"}
            for i in range(250 * scale)
        ]

    def routes(self) -> list[Route]:
        return [route("GET", "/video/v1/assets", self._list(lambda: self.assets))]

    def _list(self, rows: Any) -> Any:
        def handler(request: Request, match: re.Match[str]) -> Response:
            page = request.int_arg("page", 1)
            limit = min(request.int_arg("limit", 25), 100)
            data = rows()[(page - 1) * limit : page * limit]
            return json_response({"data": data})

        return handler

    def authorize(self, request: Request) -> Response | None:
        if request.basic_credentials() != (TOKEN_ID, TOKEN_SECRET):
            return json_response(
                {"error": {"type": "unauthorized", "messages": ["Unauthorized request"]}}, 401
            )
        return None

    def tap_config(self, base_url: str) -> dict[str, Any]:
        return {"token_id": TOKEN_ID, "token_secret": TOKEN_SECRET, "base_url": base_url}

    def expected_counts(self) -> dict[str, int]:
        return {"mux_video_assets": len(self.assets)}

    def secrets(self) -> list[str]:
        return [TOKEN_SECRET]
