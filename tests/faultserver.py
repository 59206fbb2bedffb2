"""A misbehaving index on 127.0.0.1: each path answers as a test scripts it.

``FaultServer.route(path, respond)`` sets what ``GET path`` does; ``respond`` gets the
request handler and writes whatever it likes (a bomb, a stall, a reset, a lie). Helpers
build the usual answers. Every request is logged with its headers in
:attr:`FaultServer.log`. Nothing loops by itself: a stall waits on an event that
:meth:`FaultServer.stop` sets, with a bound in seconds, so a test can never hang.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import socket
import struct
import threading
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = [
    "FaultServer",
    "Handler",
    "Logged",
    "drip_headers",
    "gzip_bomb",
    "json_page",
    "metadata_bytes",
    "raw_answer",
]

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
STALL_BOUND = 20.0  # seconds a stalled answer waits at most


@dataclass(frozen=True)
class Logged:
    path: str
    headers: dict[str, str]


class Handler(BaseHTTPRequestHandler):
    server_state: FaultServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        state = self.server_state
        state.log.append(Logged(self.path, {k.lower(): v for k, v in self.headers.items()}))
        if state.auth is not None and self.headers.get("Authorization") != state.auth:
            self.send_answer(401, b"unauthorized", "text/plain", {"WWW-Authenticate": "Basic"})
            return
        respond = state.routes.get(self.path.split("?", 1)[0])
        if respond is None:
            self.send_answer(404, b"not found", "text/plain")
            return
        respond(self)

    def send_answer(
        self,
        status: int,
        body: bytes,
        content_type: str = JSON_TYPE,
        headers: Mapping[str, str] | None = None,
        *,
        length: int | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def reset(self) -> None:
        """Drop the connection with a TCP reset."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def stall(self, head: bytes = b"") -> None:
        """Send the headers and ``head``, then nothing until the server stops (bounded)."""
        self.send_response(200)
        self.send_header("Content-Type", JSON_TYPE)
        self.send_header("Content-Length", str(len(head) + 1000))
        self.end_headers()
        self.wfile.write(head)
        self.wfile.flush()
        self.server_state.stopping.wait(STALL_BOUND)
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # resets and stalls end connections abruptly on purpose


class FaultServer:
    def __init__(self) -> None:
        self.routes: dict[str, Callable[[Handler], None]] = {}
        self.log: list[Logged] = []
        self.auth: str | None = None
        self.stopping = threading.Event()
        handler = type("BoundHandler", (Handler,), {"server_state": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(STALL_BOUND)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def require_basic_auth(self, user: str, password: str) -> None:
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.auth = f"Basic {token}"

    def route(self, path: str, respond: Callable[[Handler], None]) -> None:
        self.routes[path] = respond

    def static(
        self,
        path: str,
        body: bytes,
        content_type: str = JSON_TYPE,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.route(path, lambda h: h.send_answer(status, body, content_type, headers))

    def sequence(self, path: str, answers: Iterable[Callable[[Handler], None]]) -> None:
        """Answer ``path`` with each of ``answers`` in turn, the last one from then on."""
        pending = list(answers)
        lock = threading.Lock()

        def respond(handler: Handler) -> None:
            with lock:
                answer = pending.pop(0) if len(pending) > 1 else pending[0]
            answer(handler)

        self.route(path, respond)

    def paths(self) -> list[str]:
        return [entry.path for entry in self.log]


def metadata_bytes(name: str, version: str, *requires: str) -> bytes:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    return ("\n".join(lines) + "\n\n").encode()


def json_page(files: Iterable[Mapping[str, Any]]) -> bytes:
    return json.dumps({"meta": {"api-version": "1.1"}, "files": list(files)}).encode()


def wheel_entry(
    filename: str, url: str, content_sha: str, metadata: bytes | None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"filename": filename, "url": url, "hashes": {"sha256": content_sha}}
    if metadata is not None:
        entry["core-metadata"] = {"sha256": hashlib.sha256(metadata).hexdigest()}
    return entry


def gzip_bomb(inflated: int, prefix: bytes = b"") -> bytes:
    """``prefix`` then zeros, ``inflated`` bytes in all, gzip-compressed in bounded memory."""
    out = bytearray()
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    out += compressor.compress(prefix)
    block = bytes(1024 * 1024)
    left = inflated - len(prefix)
    while left > 0:
        chunk = block[: min(left, len(block))]
        out += compressor.compress(chunk)
        left -= len(chunk)
    out += compressor.flush()
    return bytes(out)


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)


def slow_drip(data: bytes, every: float) -> Callable[[Handler], None]:
    def respond(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", JSON_TYPE)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        for byte in data:
            if handler.server_state.stopping.wait(every):
                return
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()

    return respond


def raw_answer(data: bytes) -> Callable[[Handler], None]:
    """Send ``data`` as it is (status line and headers included), then close."""

    def respond(handler: Handler) -> None:
        handler.wfile.write(data)
        handler.wfile.flush()
        handler.close_connection = True

    return respond


def drip_headers(every: float, count: int) -> Callable[[Handler], None]:
    """A slowloris: a status line, then one header line each ``every`` seconds, ``count``
    times (each pause under the client's read timeout), then a complete empty answer."""

    def respond(handler: Handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        handler.wfile.flush()
        for number in range(count):
            if handler.server_state.stopping.wait(every):
                return
            handler.wfile.write(b"X-Drip-%d: x\r\n" % number)
            handler.wfile.flush()
        handler.wfile.write(b"Content-Length: 0\r\n\r\n")
        handler.close_connection = True

    return respond
