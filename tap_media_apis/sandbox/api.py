"""What a provider's sandbox part implements, and the request/response it sees."""

from __future__ import annotations

import base64
import random
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs


@dataclass
class Request:
    method: str
    #: The path below the provider's mount point, e.g. ``/video/v1/assets``.
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    #: The provider's base URL on this server, e.g. ``http://127.0.0.1:5000/mux``.
    base_url: str

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def int_arg(self, name: str, default: int) -> int:
        value = self.arg(name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise BadRequest(f"'{name}' must be an integer") from None

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8")).items()}

    def bearer_token(self) -> str | None:
        value = self.headers.get("Authorization", "")
        return value[7:] if value.startswith("Bearer ") else None

    def basic_credentials(self) -> tuple[str, str] | None:
        value = self.headers.get("Authorization", "")
        if not value.startswith("Basic "):
            return None
        try:
            user, _, password = base64.b64decode(value[6:]).decode("utf-8").partition(":")
        except ValueError:
            return None
        return user, password


@dataclass
class Response:
    status: int = 200
    #: A JSON-serialisable body, or bytes sent as-is (with ``content_type``).
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


class BadRequest(Exception):
    pass


def json_response(body: Any, status: int = 200, **headers: str) -> Response:
    return Response(status=status, body=body, headers=dict(headers))


Handler = Callable[[Request, "re.Match[str]"], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


def route(method: str, pattern: str, handler: Handler) -> Route:
    return Route(method, re.compile(f"^{pattern}$"), handler)


class SandboxProvider(ABC):
    """One API's fake. Data is deterministic for a given scale and seed."""

    name: ClassVar[str]

    def __init__(self, *, scale: int = 1, seed: int = 7, account: str | None = None) -> None:
        self.scale = scale
        #: None for the first (or only) account, whose data and credentials are the
        #: documented ones; another account's name seeds its own data and credentials.
        self.account = account
        self.random = random.Random(
            f"{seed}-{self.name}" if account is None else f"{seed}-{self.name}-{account}"
        )

    def own(self, value: str) -> str:
        """This account's version of a credential: the documented one for the first."""
        return value if self.account is None else f"{value}-{self.account}"

    @abstractmethod
    def routes(self) -> list[Route]:
        """The endpoints, matched against the path below the mount point."""

    @abstractmethod
    def tap_config(self, base_url: str) -> dict[str, Any]:
        """The provider block that points the tap at this fake."""

    @abstractmethod
    def expected_counts(self) -> dict[str, int]:
        """Rows per stream a full sync with ``tap_config`` must load, now."""

    def authorize(self, request: Request) -> Response | None:
        """None when the request may proceed, else the API's refusal."""
        return None

    def advance(self) -> None:  # noqa: B027 - optional for providers without change
        """Move the data on, as time would: new and changed records."""

    def secrets(self) -> list[str]:
        """Every credential value the fake accepts or issues (for leak checks)."""
        return []

    def removed_counts(self) -> dict[str, int]:
        """Rows per stream that ``advance`` deleted: a target merging by key still holds them."""
        return {}
