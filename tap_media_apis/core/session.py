"""The HTTP session every stream sends with."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests.utils import resolve_proxies


class Session(requests.Session):
    """``requests.Session`` that resolves environment proxies once per scheme and host.

    ``requests`` re-reads every environment variable on each send to find proxies and
    ``no_proxy`` (~0.2 ms a request); the answer depends only on scheme and host, and the
    environment does not change during a run. Proxies are honoured exactly as before.
    """

    def __init__(self) -> None:
        super().__init__()
        self._proxies_by_origin: dict[tuple[str, str], dict[str, str]] = {}

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if "proxies" not in kwargs and request.url:
            parts = urlsplit(request.url)
            origin = (parts.scheme, parts.netloc)
            proxies = self._proxies_by_origin.get(origin)
            if proxies is None:
                proxies = resolve_proxies(request, dict(self.proxies), self.trust_env)
                self._proxies_by_origin[origin] = proxies
            kwargs["proxies"] = dict(proxies)
        return super().send(request, **kwargs)
