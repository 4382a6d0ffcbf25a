"""requests' interface over kept-alive stdlib connections: the lean path every stream sends on.

Per request, requests' urllib3 adapter spends ~0.3 ms of CPU on pool lookups, retry and
timeout objects and header copies; a kept-alive ``http.client`` connection needs less
than half of that. ``DirectAdapter`` keeps requests' contract (a PreparedRequest in, a
Response out, requests' own exceptions), so retries, error lines, redirects and
requests-mock work unchanged. Proxies, client certificates, streamed bodies and uploads
take requests' own adapter.
"""

from __future__ import annotations

import gzip
import http.client
import os
import select
import socket
import ssl
import weakref
import zlib
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import extract_cookies_to_jar
from requests.exceptions import (
    ChunkedEncodingError,
    ConnectTimeout,
    ContentDecodingError,
    InvalidURL,
    ReadTimeout,
    SSLError,
)
from requests.structures import CaseInsensitiveDict
from requests.utils import DEFAULT_CA_BUNDLE_PATH, get_encoding_from_headers
from typing_extensions import override

#: What this adapter decodes itself (requests' default may also name br or zstd).
ACCEPT_ENCODING = "gzip, deflate"
#: Methods that may be sent again when a kept-alive connection turns out closed.
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
#: How a kept-alive connection that the server closed shows up on the next request.
STALE_CONNECTION = (
    http.client.RemoteDisconnected,
    BrokenPipeError,
    ConnectionResetError,
    ConnectionAbortedError,
)

#: http.client's limits on a response's header block.
MAX_HEADER_LINE = 65536
MAX_HEADERS = 100

ConnectionKey = tuple[str, str, int, Any]
Timeouts = tuple[float | None, float | None]


class HeaderParsedResponse(http.client.HTTPResponse):
    """``http.client``'s response with a plain header parser.

    The stdlib hands the header block to the ``email`` package (~30 µs a response); HTTP/1.1
    headers need one split per line. Status line, chunked and sized bodies, keep-alive
    and the limits on header lines stay http.client's.
    """

    @override
    def begin(self) -> None:
        if self.headers is not None:
            return
        while True:
            version, status, reason = self._read_status()
            if status != http.client.CONTINUE:
                break
            _parse_headers(self.fp)  # the 100 Continue's own headers
        self.code = self.status = status
        self.reason = reason.strip()
        if version in ("HTTP/1.0", "HTTP/0.9"):
            self.version = 10
        elif version.startswith("HTTP/1."):
            self.version = 11
        else:
            raise http.client.UnknownProtocol(version)
        self.headers = self.msg = _parse_headers(self.fp)
        encoding = self.headers.get("transfer-encoding")
        self.chunked = bool(encoding and encoding.lower() == "chunked")
        self.chunk_left = None
        self.will_close = self._check_close()
        self.length = None
        length = self.headers.get("content-length")
        if length and not self.chunked:
            try:
                self.length = int(length)
            except ValueError:
                self.length = None
            else:
                if self.length < 0:
                    self.length = None
        if status in (204, 304) or 100 <= status < 200 or self._method == "HEAD":
            self.length = 0
        if not self.will_close and not self.chunked and self.length is None:
            self.will_close = True  # no length and no chunks: the body ends with the connection


def _parse_headers(fp: Any) -> http.client.HTTPMessage:
    fields: list[list[str]] = []
    for _ in range(MAX_HEADERS + 1):
        line = fp.readline(MAX_HEADER_LINE + 1)
        if len(line) > MAX_HEADER_LINE:
            raise http.client.LineTooLong("header line")
        if line in (b"\r\n", b"\n", b""):
            message = http.client.HTTPMessage()
            for name, value in fields:
                message[name] = value
            return message
        text = line.decode("iso-8859-1").rstrip("\r\n")
        if text[:1] in (" ", "\t"):  # obsolete line folding: more of the last value
            if fields:
                fields[-1][1] = f"{fields[-1][1]} {text.strip()}"
            continue
        name, colon, value = text.partition(":")
        if colon:
            fields.append([name, value.strip(" \t")])
    raise http.client.HTTPException(f"got more than {MAX_HEADERS} headers")


class DirectAdapter(HTTPAdapter):
    """One kept-alive connection per origin; used by one thread (sessions are per thread)."""

    def __init__(self) -> None:
        super().__init__()
        self._connections: dict[ConnectionKey, http.client.HTTPConnection] = {}
        self._tls: dict[Any, ssl.SSLContext] = {}
        # Sessions are dropped with their thread, never closed: close the sockets then.
        weakref.finalize(self, _close_all, self._connections)

    @override
    def send(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        parts = urlsplit(request.url or "")
        if (
            stream
            or cert
            or proxies
            or parts.scheme not in ("http", "https")
            or not isinstance(request.body, (bytes, str, type(None)))
        ):
            return super().send(
                request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies
            )
        if not parts.hostname:
            raise InvalidURL(f"no host in {request.url!r}", request=request)
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        key = (parts.scheme, parts.hostname, port, verify if https else None)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = dict(request.headers)
        if "gzip" in headers.get("Accept-Encoding", ""):
            headers["Accept-Encoding"] = ACCEPT_ENCODING
        method = request.method or "GET"
        connect_timeout, read_timeout = _timeouts(timeout)
        while True:
            conn = self._connection(key, connect_timeout, method)
            reused = conn.sock is not None
            if not reused:
                self._connect(conn, key, connect_timeout, read_timeout, request)
            try:
                conn.request(method, target, request.body, headers)
                answer = conn.getresponse()
            except STALE_CONNECTION as exc:
                self._drop(key)
                if reused and method in IDEMPOTENT:
                    continue  # the server closed it while idle: once more on a new one
                raise _aborted(exc, request) from None
            except TimeoutError:
                self._drop(key)
                raise _read_timeout(read_timeout, request) from None
            except (OSError, http.client.HTTPException) as exc:
                self._drop(key)
                raise _aborted(exc, request) from None
            return self._response(request, answer, self._read(answer, key, read_timeout, request))

    @override
    def close(self) -> None:
        _close_all(self._connections)
        super().close()

    # -- connections ----------------------------------------------------------------

    def _connection(
        self,
        key: ConnectionKey,
        connect_timeout: float | None,
        method: str,
    ) -> http.client.HTTPConnection:
        conn = self._connections.get(key)
        # Not safe to send twice: make sure the server has not closed it meanwhile.
        idle_closed = (
            conn is not None
            and conn.sock is not None
            and method not in IDEMPOTENT
            and select.select([conn.sock], [], [], 0)[0]
        )
        if conn is not None and idle_closed:
            conn.close()
        if conn is None:
            scheme, host, port, verify = key
            if scheme == "https":
                conn = http.client.HTTPSConnection(
                    host, port, timeout=connect_timeout, context=self._tls_context(verify)
                )
            else:
                conn = http.client.HTTPConnection(host, port, timeout=connect_timeout)
            conn.response_class = HeaderParsedResponse
            self._connections[key] = conn
        return conn

    def _connect(
        self,
        conn: http.client.HTTPConnection,
        key: ConnectionKey,
        connect_timeout: float | None,
        read_timeout: float | None,
        request: requests.PreparedRequest,
    ) -> None:
        host = key[1]
        try:
            conn.connect()
        except socket.gaierror as exc:
            self._drop(key)
            raise requests.ConnectionError(
                f"Failed to resolve '{host}' ({exc})", request=request
            ) from None
        except TimeoutError:
            self._drop(key)
            raise ConnectTimeout(
                f"Connection to {host} timed out. (connect timeout={connect_timeout})",
                request=request,
            ) from None
        except ssl.SSLError as exc:
            self._drop(key)
            raise SSLError(str(exc), request=request) from None
        except OSError as exc:
            self._drop(key)
            raise requests.ConnectionError(
                f"Failed to establish a new connection to {host}: {exc}", request=request
            ) from None
        if conn.sock is not None:
            conn.sock.settimeout(read_timeout)

    def _drop(self, key: ConnectionKey) -> None:
        conn = self._connections.pop(key, None)
        if conn is not None:
            conn.close()

    def _tls_context(self, verify: bool | str) -> ssl.SSLContext:
        # The same trust as requests: certifi's bundle, a given bundle or directory, or none.
        context = self._tls.get(verify)
        if context is None:
            if verify is False:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            elif isinstance(verify, str) and os.path.isdir(verify):
                context = ssl.create_default_context(capath=verify)
            else:
                bundle = verify if isinstance(verify, str) else DEFAULT_CA_BUNDLE_PATH
                context = ssl.create_default_context(cafile=bundle)
            self._tls[verify] = context
        return context

    # -- responses ------------------------------------------------------------------

    def _read(
        self,
        answer: http.client.HTTPResponse,
        key: ConnectionKey,
        read_timeout: float | None,
        request: requests.PreparedRequest,
    ) -> bytes:
        try:
            body = answer.read()
        except TimeoutError:
            self._drop(key)
            raise _read_timeout(read_timeout, request) from None
        except (OSError, http.client.HTTPException) as exc:
            self._drop(key)
            raise ChunkedEncodingError(f"Connection broken: {exc!r}", request=request) from None
        if answer.will_close:
            self._drop(key)
        try:
            return _decoded(body, answer.getheader("Content-Encoding", ""))
        except (OSError, EOFError, zlib.error) as exc:
            raise ContentDecodingError(
                f"Received response with content-encoding: "
                f"{answer.getheader('Content-Encoding')}, but failed to decode it: {exc}",
                request=request,
            ) from None

    def _response(
        self,
        request: requests.PreparedRequest,
        answer: http.client.HTTPResponse,
        content: bytes,
    ) -> requests.Response:
        response = requests.Response()
        response.status_code = answer.status
        response.reason = answer.reason
        response.headers = _joined_headers(answer.msg)
        response.encoding = get_encoding_from_headers(response.headers)
        response.url = request.url or ""
        response.request = request
        response.connection = self
        response.raw = answer
        response._content = content
        response._content_consumed = True  # type: ignore[attr-defined]
        if "set-cookie" in response.headers:
            # What requests' cookie code reads on a urllib3 response.
            answer._original_response = answer  # type: ignore[attr-defined]
            extract_cookies_to_jar(response.cookies, request, answer)
        return response


def _aborted(exc: BaseException, request: requests.PreparedRequest) -> requests.ConnectionError:
    return requests.ConnectionError(("Connection aborted.", exc), request=request)


def _read_timeout(timeout: float | None, request: requests.PreparedRequest) -> ReadTimeout:
    return ReadTimeout(f"Read timed out. (read timeout={timeout})", request=request)


def _close_all(connections: dict[ConnectionKey, http.client.HTTPConnection]) -> None:
    for conn in connections.values():
        conn.close()
    connections.clear()


def _timeouts(timeout: Any) -> Timeouts:
    if isinstance(timeout, tuple):
        connect, read = timeout
        return connect, read
    return timeout, timeout


def _joined_headers(message: http.client.HTTPMessage) -> CaseInsensitiveDict[str]:
    """Repeated headers joined with ", ", as urllib3 does (e.g. two Link headers)."""
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
    for name, value in message.items():
        known = headers.get(name)
        headers[name] = value if known is None else f"{known}, {value}"
    return headers


def _decoded(body: bytes, encoding: str) -> bytes:
    encoding = encoding.strip().lower()
    if not body or encoding in ("", "identity"):
        return body
    if encoding in ("gzip", "x-gzip"):
        return gzip.decompress(body)
    if encoding == "deflate":
        try:
            return zlib.decompress(body)
        except zlib.error:  # raw deflate, without the zlib header
            return zlib.decompress(body, -zlib.MAX_WBITS)
    return body  # not asked for: left as sent, as urllib3 does
