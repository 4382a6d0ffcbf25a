"""Auth shared by providers: a thread-safe token holder that renews before expiry."""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod

import requests
from requests.auth import AuthBase
from singer_sdk.exceptions import RetriableAPIError
from typing_extensions import override

from tap_media_apis.core.errors import ProviderAPIError

REFRESH_MARGIN_SECONDS = 60.0


class TokenRefused(ProviderAPIError):
    """The token endpoint refused the credentials: nothing to retry."""


class TokenUnavailable(RetriableAPIError):
    """The token endpoint failed transiently (5xx, 429, no connection): retried."""


class RefreshingTokenAuth(AuthBase, ABC):
    """One bearer token for the whole run, shared by every stream and thread.

    It is renewed ``REFRESH_MARGIN_SECONDS`` before it expires, and once more when the
    API answers 401: if a freshly issued token is refused too, the 401 is final.
    """

    scheme = "Bearer"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self._uses = 0
        self._renewed_after_401 = False

    @abstractmethod
    def issue_token(self) -> tuple[str, float | None]:
        """A new token and its lifetime in seconds (None: no stated expiry)."""

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value this auth has seen, for redaction checks."""
        return (self._token,) if self._token else ()

    def current_token(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires_at:
                token, lifetime = self.issue_token()
                self._token = token
                self._expires_at = time.monotonic() + (
                    max(lifetime - REFRESH_MARGIN_SECONDS, lifetime / 2)
                    if lifetime
                    else float("inf")
                )
                self._uses = 0
            self._uses += 1
            return self._token

    @override
    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"{self.scheme} {self.current_token()}"
        return request

    def renew_after_401(self, refused_header: str | None) -> bool:
        """Drop the refused token; True when one more attempt with a new token makes sense."""
        with self._lock:
            if self._token is None or refused_header != f"{self.scheme} {self._token}":
                return True  # another thread already replaced it
            if self._renewed_after_401 and self._uses <= 1:
                return False  # a brand-new token was refused: the credentials are wrong
            self._renewed_after_401 = True
            self._token = None
            return True
