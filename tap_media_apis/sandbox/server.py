"""The sandbox HTTP server: mounts each provider part, adds latency and faults, logs requests."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import msgspec
from typing_extensions import override

from tap_media_apis.sandbox.api import BadRequest, Request, Response, SandboxProvider, json_response
from tap_media_apis.sandbox.faults import HTML_502, FaultPlan
from tap_media_apis.sandbox.parts import account_name, build_parts

ADMIN = "_sandbox"
#: Between a provider and an account in a mount: ``/mux~acct2``.
ACCOUNT_MARK = "~"
USER_AGENT = "tap-media-apis-sandbox (sandbox@localhost)"
LOG_LIMIT = 500_000
_encode = msgspec.json.Encoder().encode


class Sandbox:
    """All provider parts behind one local server, plus an admin API under ``/_sandbox``.

    A provider's first (or only) account is mounted at ``/<provider>``, any other at
    ``/<provider>~<account>``, each part with its own data and credentials.
    """

    def __init__(
        self,
        parts: Sequence[SandboxProvider],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        faults: FaultPlan | None = None,
        dirty_text: bool = False,
        cache_answers: bool = False,
    ) -> None:
        self.parts = {mount_of(part): part for part in parts}
        self.latency = latency
        self.faults = faults or FaultPlan()
        #: Put NUL and a lone surrogate into every string of successful GET answers.
        self.dirty_text = dirty_text
        #: Benchmarks: answer a repeated GET (same path and query) from memory, encoded once,
        #: so the fake's own work (a search over every hit, say) is not what gets measured.
        #: Auth, faults, latency and the request log still apply; advance() clears it.
        self._answers: dict[tuple[Any, ...], Response] | None = (
            {} if cache_answers and not dirty_text else None
        )
        self.requests: deque[dict[str, Any]] = deque(maxlen=LOG_LIMIT)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def base_url(self, mount: str) -> str:
        """The API root of a mount: a provider (its first account) or ``provider~account``."""
        return f"{self.url}/{mount}"

    def tap_config(self) -> dict[str, Any]:
        """A complete tap config for every mounted provider.

        A provider with one account gets its settings in its block, as ever; with several,
        the block is an ``accounts`` list named ``acct1``, ``acct2``, ….
        """
        blocks: dict[str, list[tuple[str, SandboxProvider]]] = {}
        for mount, part in self.parts.items():
            blocks.setdefault(part.name, []).append((mount, part))
        config: dict[str, Any] = {"start_date": "2020-01-01T00:00:00Z", "user_agent": USER_AGENT}
        for name, mounted in blocks.items():
            if len(mounted) == 1 and mounted[0][1].account is None:
                mount, part = mounted[0]
                config[name] = part.tap_config(self.base_url(mount))
                continue
            config[name] = {
                "accounts": [
                    {"name": part.account or account_name(1), **part.tap_config(self.base_url(m))}
                    for m, part in mounted
                ]
            }
        return config

    def expected_counts(self, account: str | None = None) -> dict[str, int]:
        """Rows per stream a full sync loads, summed over accounts (keys never collide).

        ``account`` (``acct2``): that account's rows only.
        """
        counts: dict[str, int] = {}
        for part in self.parts.values():
            if account is not None and (part.account or account_name(1)) != account:
                continue
            for stream, count in part.expected_counts().items():
                counts[stream] = counts.get(stream, 0) + count
        return counts

    def held_counts(self) -> dict[str, int]:
        """Rows a target merging by key holds after syncing every state so far: the
        expected rows plus those the APIs deleted since (no sync sees a deletion)."""
        counts = self.expected_counts()
        for part in self.parts.values():
            for stream, removed in part.removed_counts().items():
                counts[stream] = counts.get(stream, 0) + removed
        return counts

    def advance(self) -> None:
        with self._lock:
            if self._answers is not None:
                self._answers.clear()  # the data moves on: no answer stays valid
            for part in self.parts.values():
                part.advance()

    def secrets(self) -> list[str]:
        return [secret for part in self.parts.values() for secret in part.secrets()]

    def start(self) -> Sandbox:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- request handling -----------------------------------------------------------

    def handle(self, method: str, target: str, headers: Any, body: bytes) -> tuple[Response, str]:
        """The response for one request, and the fault drawn for it (or "")."""
        parts = urlsplit(target)
        mount, _, rest = parts.path.lstrip("/").partition("/")
        query = parse_qs(parts.query, keep_blank_values=True)
        if mount == ADMIN:
            return self._admin(method, rest, query), ""
        part = self.parts.get(mount)
        if part is None:
            return json_response({"error": f"no API mounted at /{mount}"}, 404), ""
        fault = self.faults.draw() or ""
        if self.latency:
            time.sleep(self.latency)
        if fault in ("429", "500", "502", "503", "badjson", "wrongshape"):
            return _fault_response(fault, self.faults.retry_after), fault
        request = Request(method, "/" + rest, query, headers, body, self.base_url(mount))
        response = self._dispatch(part, request)
        if self.dirty_text and method == "GET" and response.status == 200:
            response = _soiled(response)
        return response, fault

    def _dispatch(self, part: SandboxProvider, request: Request) -> Response:
        if self._answers is not None and request.method == "GET":
            return self._cached(part, request)
        with self._lock:
            refusal = part.authorize(request)
            if refusal is not None:
                return refusal
            return self._route(part, request)

    def _cached(self, part: SandboxProvider, request: Request) -> Response:
        key = (part.name, request.path, tuple(sorted((k, *v) for k, v in request.query.items())))
        assert self._answers is not None
        with self._lock:
            refusal = part.authorize(request)
            if refusal is not None:
                return refusal
            answer = self._answers.get(key)
            if answer is None:
                answer = self._route(part, request)
                if answer.status == 200:
                    if not isinstance(answer.body, bytes) and answer.body is not None:
                        body = _encode(answer.body)
                        answer = Response(answer.status, body, answer.headers, answer.content_type)
                    self._answers[key] = answer
            return answer

    def _route(self, part: SandboxProvider, request: Request) -> Response:
        """The part's answer (called with the lock held, after ``authorize``)."""
        for candidate in part.routes():
            match = candidate.pattern.match(request.path)
            if match and candidate.method == request.method:
                try:
                    return candidate.handler(request, match)
                except BadRequest as exc:
                    return json_response({"error": str(exc)}, 400)
        return json_response({"error": f"no route for {request.method} {request.path}"}, 404)

    def _admin(self, method: str, action: str, query: dict[str, list[str]]) -> Response:
        if action == "config":
            return json_response(self.tap_config())
        if action == "expected":
            return json_response(self.expected_counts(query.get("account", [None])[0]))
        if action == "held":
            return json_response(self.held_counts())
        if action == "advance" and method == "POST":
            self.advance()
            return json_response(self.expected_counts())
        if action == "requests":
            return json_response(list(self.requests))
        if action == "faults" and method == "POST":
            rate = float(query.get("rate", ["0"])[0])
            self.faults.rate = rate
            return json_response({"rate": rate})
        return json_response({"error": f"unknown admin action {action}"}, 404)

    def log(self, entry: dict[str, Any]) -> None:
        self.requests.append(entry)


def _fault_response(fault: str, retry_after: float) -> Response:
    if fault == "429":
        return Response(429, {"error": "Too Many Requests"}, {"Retry-After": f"{retry_after:g}"})
    if fault == "502":
        return Response(502, HTML_502, content_type="text/html")
    if fault == "badjson":
        return Response(200, b'{"data": [{"id": "cut-off', content_type="application/json")
    if fault == "wrongshape":
        return Response(200, {"unexpected": {"id": "sandbox-fault"}})
    return Response(int(fault), {"error": "sandbox fault injection"})


#: What ``dirty_text`` puts into every string: NUL (PostgreSQL rejects it) and a lone
#: surrogate (not encodable as UTF-8), as JSON escapes like real APIs send them.
DIRT = b"\\u0000\\ud800"


def _soiled(response: Response) -> Response:
    """The same answer with DIRT after the first character of every string value."""
    if response.body is None or isinstance(response.body, bytes):
        return response

    def soil(value: Any) -> Any:
        if isinstance(value, str):
            return value[:1] + "\x00" + value[1:]
        if isinstance(value, list):
            return [soil(item) for item in value]
        if isinstance(value, dict):
            return {key: soil(item) for key, item in value.items()}
        return value

    body = _encode(soil(response.body)).replace(b"\\u0000", DIRT)
    return Response(response.status, body, dict(response.headers), response.content_type)


def _handler_for(sandbox: Sandbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "tap-media-apis-sandbox"

        @override
        def setup(self) -> None:
            super().setup()
            # Headers and body leave in separate writes: without TCP_NODELAY, Nagle holds
            # a small body until the client's delayed ACK, ~40 ms on every short answer.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        @override
        def log_message(self, format: str, *args: Any) -> None:
            return None  # the request log holds what matters, without credentials

        def _serve(self) -> None:
            started = time.time()
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            response, fault = sandbox.handle(self.command, self.path, self.headers, body)
            payload = (
                response.body
                if isinstance(response.body, bytes)
                else _encode(response.body)
                if response.body is not None
                else b""
            )
            entry: dict[str, Any] = {}
            if not self.path.startswith(f"/{ADMIN}"):
                mount = urlsplit(self.path).path.lstrip("/").partition("/")[0]
                provider, _, account = mount.partition(ACCOUNT_MARK)
                entry = {
                    "time": started,
                    # Rate and Retry-After checks are per API (and account).
                    "provider": provider,
                    "account": account or account_name(1),
                    "method": self.command,
                    "path": self.path,
                    "status": response.status,
                    "fault": fault,
                    "retry_after": response.headers.get("Retry-After"),
                }
                sandbox.log(entry)
            if fault == "slow":
                time.sleep(sandbox.faults.slow_seconds)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._write(response, payload, cut=fault == "reset")
            # When the answer left: no client can react to a 429 sooner than this.
            entry["end"] = time.time()

        def _write(self, response: Response, payload: bytes, *, cut: bool) -> None:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if cut:
                # Half the body, then a hard close: a connection reset mid-response.
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                )
                self.close_connection = True
                return
            self.wfile.write(payload)

    return Handler


@contextlib.contextmanager
def run_sandbox(
    providers: Sequence[str] | None = None,
    *,
    scale: int = 1,
    seed: int = 7,
    latency: float = 0.0,
    faults: FaultPlan | None = None,
    port: int = 0,
    dirty_text: bool = False,
    accounts: int = 1,
) -> Iterator[Sandbox]:
    """Start a sandbox in this process for the duration of a ``with`` block.

    ``accounts``: how many accounts each provider serves (see ``Sandbox``).
    """
    sandbox = Sandbox(
        build_parts(providers, scale=scale, seed=seed, accounts=accounts),
        port=port,
        latency=latency,
        faults=faults,
        dirty_text=dirty_text,
    ).start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


def mount_of(part: SandboxProvider) -> str:
    """Where a part is served: ``mux`` for the first account, ``mux~acct2`` for another."""
    return part.name if part.account is None else f"{part.name}{ACCOUNT_MARK}{part.account}"
