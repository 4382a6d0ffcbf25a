"""The session and its direct transport against a real local HTTP server (no mocks)."""

from __future__ import annotations

import gzip
import http.client
import io
import json
import socket
import ssl
import subprocess
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests
from requests.adapters import HTTPAdapter

from tap_media_apis.core.errors import connection_problem
from tap_media_apis.core.http_policy import no_retry_can_help
from tap_media_apis.core.session import Session
from tap_media_apis.core.transport import DirectAdapter, HeaderParsedResponse

BODY = {"data": [{"id": n, "name": f"item {n}"} for n in range(50)]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[dict[str, Any]]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.seen.append({"path": self.path, "headers": dict(self.headers), "peer": self.peer})
        route = getattr(self, "route_" + self.path.split("?")[0].strip("/").replace("-", "_"))
        route()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.seen.append({"path": self.path, "body": self.rfile.read(length), "peer": self.peer})
        self.answer(200, b'{"ok": true}')

    @property
    def peer(self) -> int:
        return int(self.client_address[1])

    def answer(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if "Transfer_Encoding" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route_json(self) -> None:
        self.answer(200, json.dumps(BODY).encode())

    def route_gzip(self) -> None:
        self.answer(200, gzip.compress(json.dumps(BODY).encode()), Content_Encoding="gzip")

    def route_deflate(self) -> None:
        self.answer(200, zlib.compress(json.dumps(BODY).encode()), Content_Encoding="deflate")

    def route_chunked(self) -> None:
        body = json.dumps(BODY).encode()
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(body), 100):
            part = body[start : start + 100]
            self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def route_links(self) -> None:
        self.send_response(200)
        self.send_header("Link", '<https://x/p?page=3>; rel="next"')
        self.send_header("Link", '<https://x/p?page=1>; rel="prev"')
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"[]")

    def route_cookie(self) -> None:
        self.answer(200, b"{}", Set_Cookie="session=abc; Path=/")

    def route_redirect(self) -> None:
        self.answer(302, b"", Location="/json")

    def route_close(self) -> None:
        self.answer(200, b'{"closed": true}', Connection="close")
        self.close_connection = True

    def route_idle_close(self) -> None:
        # Answer, then close the kept-alive connection as an idle server does.
        self.answer(200, b"{}")
        self.close_connection = True

    def route_slow(self) -> None:
        time.sleep(1.0)
        self.answer(200, b"{}")

    def route_cut(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b'{"data": [')
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True


@pytest.fixture
def server() -> Iterator[str]:
    Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def get(session: requests.Session, url: str, **kwargs: Any) -> requests.Response:
    prepared = session.prepare_request(requests.Request("GET", url, headers={"Accept": "x"}))
    return session.send(prepared, timeout=kwargs.pop("timeout", 5), **kwargs)


def test_json_over_one_kept_alive_connection(server: str) -> None:
    session = Session()
    answers = [get(session, f"{server}/json?page={n}") for n in (1, 2, 3)]
    assert [a.json() for a in answers] == [BODY] * 3
    assert answers[0].status_code == 200
    assert answers[0].reason == "OK"
    assert answers[0].headers["content-type"] == "application/json"
    assert answers[0].url == f"{server}/json?page=1"
    assert answers[0].elapsed.total_seconds() > 0
    assert [seen["path"] for seen in Handler.seen] == [
        "/json?page=1",
        "/json?page=2",
        "/json?page=3",
    ]
    assert len({seen["peer"] for seen in Handler.seen}) == 1  # one connection for all three


@pytest.mark.parametrize("route", ["gzip", "deflate", "chunked"])
def test_encoded_bodies_are_decoded(server: str, route: str) -> None:
    answer = get(Session(), f"{server}/{route}")
    assert answer.json() == BODY
    assert Handler.seen[0]["headers"]["Accept-Encoding"] == "gzip, deflate"


def test_repeated_headers_are_joined_so_links_keep_both(server: str) -> None:
    answer = get(Session(), f"{server}/links")
    assert answer.links["next"]["url"] == "https://x/p?page=3"
    assert answer.links["prev"]["url"] == "https://x/p?page=1"


def test_cookies_are_kept_and_sent_back(server: str) -> None:
    session = Session()
    get(session, f"{server}/cookie")
    assert session.cookies.get("session") == "abc"
    get(session, f"{server}/json")
    assert Handler.seen[1]["headers"]["Cookie"] == "session=abc"


def test_redirects_are_followed(server: str) -> None:
    answer = get(Session(), f"{server}/redirect")
    assert answer.json() == BODY
    assert [r.status_code for r in answer.history] == [302]


@pytest.mark.parametrize("route", ["close", "idle-close"])
def test_a_connection_the_server_closed_is_replaced(server: str, route: str) -> None:
    session = Session()
    get(session, f"{server}/{route}")
    time.sleep(0.05)  # the server has closed its side by now
    assert get(session, f"{server}/json").json() == BODY
    assert len({seen["peer"] for seen in Handler.seen}) == 2


def test_a_post_on_a_closed_connection_goes_on_a_new_one(server: str) -> None:
    session = Session()
    get(session, f"{server}/idle-close")
    time.sleep(0.05)
    prepared = session.prepare_request(requests.Request("POST", f"{server}/token", data={"a": 1}))
    assert session.send(prepared, timeout=5).json() == {"ok": True}
    assert Handler.seen[1]["body"] == b"a=1"


def test_read_timeout_is_requests_read_timeout(server: str) -> None:
    with pytest.raises(requests.ReadTimeout) as raised:
        get(Session(), f"{server}/slow", timeout=0.2)
    assert connection_problem(raised.value) == "timed out"


def test_a_body_cut_short_is_a_reset_mid_response(server: str) -> None:
    with pytest.raises(requests.exceptions.ChunkedEncodingError) as raised:
        get(Session(), f"{server}/cut")
    assert connection_problem(raised.value) == "connection reset mid-response"


def test_refused_connection_is_a_requests_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once closed
    with pytest.raises(requests.ConnectionError) as raised:
        get(Session(), f"http://127.0.0.1:{port}/json")
    assert connection_problem(raised.value) == "connection refused"


def test_unknown_host_fails_without_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with pytest.raises(requests.ConnectionError) as raised:
        get(Session(), "https://api.nowhere.example/v1/things")
    assert connection_problem(raised.value) == "unknown host"
    assert no_retry_can_help(raised.value)


def test_proxies_and_streaming_take_requests_own_adapter(
    monkeypatch: pytest.MonkeyPatch, server: str
) -> None:
    calls: list[dict[str, Any]] = []

    def stock_send(self: HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        calls.append(kwargs)
        answer = requests.Response()
        answer.status_code, answer._content, answer.url = 204, b"", request.url or ""
        answer.request = request
        return answer

    monkeypatch.setattr(HTTPAdapter, "send", stock_send)
    session = Session()
    get(session, f"{server}/json", proxies={"http": "http://proxy.internal:3128"})
    get(session, f"{server}/json", stream=True)
    assert [c["proxies"] for c in calls] == [{"http": "http://proxy.internal:3128"}, {}]
    assert get(session, f"{server}/json").json() == BODY  # the direct path, unchanged
    assert len(calls) == 2


def test_environment_proxies_are_honoured(monkeypatch: pytest.MonkeyPatch, server: str) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # discard port: nothing answers
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with pytest.raises(requests.exceptions.ProxyError):
        get(Session(), server.replace("127.0.0.1", "localhost") + "/json")


def test_lean_preparation_matches_requests() -> None:
    ours, stock = Session(), requests.Session()
    request = requests.Request(
        "get",
        "https://api.example/v2/items",
        params={"limit": 200, "before_id": "a b"},
        headers={"Authorization": "k", "User-Agent": "tap", "Connection": None},
    )
    mine, theirs = ours.prepare_request(request), stock.prepare_request(request)
    assert (mine.method, mine.url, mine.body) == (theirs.method, theirs.url, theirs.body)
    assert dict(mine.headers) == dict(theirs.headers)
    assert "Connection" not in mine.headers  # None removes a session header, as in requests


# -- TLS ------------------------------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path: Path, server: str) -> Iterator[tuple[str, Path]]:
    """An HTTPS server with a self-signed certificate for 127.0.0.1."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
        check=False,
    )  # fmt: skip
    if made.returncode != 0:
        pytest.skip("openssl cannot make a test certificate here")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}", cert
    httpd.shutdown()
    httpd.server_close()


def test_tls_certificates_are_verified(tls_server: tuple[str, Path]) -> None:
    url, cert = tls_server
    with pytest.raises(requests.exceptions.SSLError):
        get(Session(), f"{url}/json")  # self-signed: not in the CA bundle
    assert get(Session(), f"{url}/json", verify=str(cert)).json() == BODY
    assert get(Session(), f"{url}/json", verify=False).json() == BODY


def test_adapter_close_closes_its_connections(server: str) -> None:
    session = Session()
    get(session, f"{server}/json")
    adapter = session.get_adapter(server)
    assert isinstance(adapter, DirectAdapter)
    session.close()
    get(session, f"{server}/json")  # a closed session's adapter reconnects
    assert len({seen["peer"] for seen in Handler.seen}) == 2


# -- the header parser on raw bytes -------------------------------------------------------------


class RawSocket:
    """Just enough of a socket for http.client to read a canned answer from."""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(io.BytesIO(self.answer))  # type: ignore[arg-type]


def parsed(answer: bytes, method: str = "GET") -> HeaderParsedResponse:
    response = HeaderParsedResponse(RawSocket(answer), method=method)  # type: ignore[arg-type]
    response.begin()
    return response


def test_headers_are_parsed_like_the_stdlib_does() -> None:
    answer = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b'Link: <https://x/p?page=3>; rel="next"\r\nLink: <https://x/p?page=1>; rel="prev"\r\n'
        b"X-Folded: first\r\n  second\r\nContent-Length: 2\r\n\r\n{}"
    )
    ours = parsed(answer)
    stdlib = http.client.HTTPResponse(RawSocket(answer), method="GET")  # type: ignore[arg-type]
    stdlib.begin()
    assert ours.status == stdlib.status == 200
    assert ours.getheader("content-type") == "application/json"
    assert ours.msg.get_all("Link") == stdlib.msg.get_all("Link")
    assert ours.getheader("X-Folded") == "first second"
    assert (ours.length, ours.chunked, ours.will_close) == (2, False, False)
    assert ours.read() == b"{}"


def test_status_and_body_framing() -> None:
    continued = parsed(b"HTTP/1.1 100 Continue\r\nX: 1\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
    assert (continued.status, continued.length) == (204, 0)
    head = parsed(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", method="HEAD")
    assert head.length == 0
    unsized = parsed(b"HTTP/1.1 200 OK\r\n\r\nbody until close")
    assert unsized.will_close
    assert unsized.read() == b"body until close"
    chunked = parsed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
    assert chunked.read() == b"{}"
    closing = parsed(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}")
    assert closing.will_close
    with pytest.raises(http.client.LineTooLong):
        parsed(b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70000 + b"\r\n\r\n")
    with pytest.raises(http.client.HTTPException):
        parsed(b"HTTP/1.1 200 OK\r\n" + b"X: 1\r\n" * 101 + b"\r\n")
