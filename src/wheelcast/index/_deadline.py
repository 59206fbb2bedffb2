"""A deadline on the part of a request httpx bounds only per read: up to its last header.

httpx's read timeout bounds each pause, so a server that drips a header line every few
seconds (slowloris) keeps one request waiting for ever; the body has its own deadline
(``read_capped``). :func:`headers_within` sets, for the requests the calling thread
makes meanwhile, a time by which every socket read and write must be done: each one
waits at most the time left, and none starts after it (a ``ReadTimeout``, retried and
reported as any other). The requests of a run are blocking, one per thread, so the
deadline is the thread's own.

The socket reads are reached through the network backend of httpcore's connection
pools (httpcore's documented seam for custom networking); httpx gives no public handle
to its transports' pools, so :func:`bound_client` finds them where httpx 0.2x keeps
them and leaves a client it does not recognise as it is (then only the read timeout
bounds the headers).
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
import typing
from collections.abc import Iterable, Iterator

import httpcore
import httpx

__all__ = ["LATE_HEADERS", "bound_client", "headers_within"]

_local = threading.local()


@contextlib.contextmanager
def headers_within(seconds: float) -> Iterator[None]:
    """Socket I/O of this thread's requests ends within ``seconds`` of entering."""
    _local.deadline = time.monotonic() + seconds
    try:
        yield
    finally:
        _local.deadline = None


LATE_HEADERS = "the answer's headers took too long"


def _left(timeout: float | None) -> float | None:
    deadline: float | None = getattr(_local, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout(LATE_HEADERS)
    return left if timeout is None else min(timeout, left)


def _late(timeout: float | None, bounded: float | None) -> bool:
    """Whether a read that timed out was cut short by the deadline, not the timeout."""
    return bounded is not None and (timeout is None or bounded < timeout)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        bounded = _left(timeout)
        try:
            return self._inner.read(max_bytes, bounded)
        except httpcore.ReadTimeout:
            if _late(timeout, bounded):
                raise httpcore.ReadTimeout(LATE_HEADERS) from None
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _left(timeout)))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _left(timeout), local_address, socket_options)
        return _Stream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_unix_socket(path, _left(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def bound_client(client: httpx.Client) -> httpx.Client:
    """``client`` with every connection pool it has reading through the deadline."""
    transports = [getattr(client, "_transport", None)]
    transports += list(getattr(client, "_mounts", {}).values())
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.NetworkBackend) and not isinstance(backend, _Backend):
            pool._network_backend = _Backend(backend)  # type: ignore[union-attr]
    return client
