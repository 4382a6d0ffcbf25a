"""The HTTP session every stream sends with."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict
from requests.utils import resolve_proxies
from typing_extensions import override

from tap_media_apis.core.transport import DirectAdapter


class Session(requests.Session):
    """``requests.Session`` with the per-request work that never changes done once.

    - Environment proxies are resolved once per scheme and host: ``requests`` re-reads
      every environment variable on each send (~0.2 ms); the answer depends only on the
      origin and the environment does not change during a run.
    - Requests are prepared without the cookie-jar merge and the ``~/.netrc`` lookup
      while there are no cookies and no session auth: every stream signs its requests
      itself, which replaces any netrc credentials anyway.
    - Requests go over ``DirectAdapter`` (core/transport.py).
    """

    def __init__(self) -> None:
        super().__init__()
        self._proxies_by_origin: dict[tuple[str, str], dict[str, str]] = {}
        adapter = DirectAdapter()
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    @override
    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        if (
            self.cookies
            or request.cookies
            or self.auth
            or request.auth
            or self.params
            or request.files
            or request.data
            or request.json is not None
            or any(self.hooks.values())
        ):
            return super().prepare_request(request)
        headers: CaseInsensitiveDict[Any] = CaseInsensitiveDict(self.headers)
        for name, value in (request.headers or {}).items():
            if value is None:
                headers.pop(name, None)  # as requests' merge: None removes a session header
            else:
                headers[name] = value
        prepared = requests.PreparedRequest()
        prepared.prepare_method((request.method or "GET").upper())
        prepared.prepare_url(request.url, request.params)
        prepared.prepare_headers(headers)
        prepared.prepare_body(None, None)
        prepared.prepare_hooks(request.hooks)
        # Empty; a redirect copies it, as requests does with its merged jar.
        prepared._cookies = self.cookies  # type: ignore[attr-defined]
        return prepared

    @override
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
