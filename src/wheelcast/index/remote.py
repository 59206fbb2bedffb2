"""A ``FetchService`` in a process of its own: the HTTP stack off the resolvers' lock.

In a cold check the read-ahead waits on a chain of dependent requests (a page, then the
metadata of the version it picks, then the pages of its dependencies), and every step of
that chain needs the main process's interpreter lock, which httpx (TLS records, HTTP
parsing, retries) and the reading of zip directories held for about a fifth of the run.
Here one spawned process keeps the client and the request threads; calls
(``functools.partial`` of ``Fetcher`` methods) and their answers travel pickled over a
pipe, and errors arrive as the ``WheelcastError`` the call raised.

The process takes a fifth of a second to load the HTTP stack, and a cold run's first
request waited for it: :func:`start_early`, called as a run that will fetch begins,
starts it while this process loads the rest of wheelcast, and the first ``RemoteFetch``
hands it its settings. This module imports no HTTP code itself, so starting early costs
the run nothing.

If the process cannot start or dies, the calls in flight and every later one run in
threads here instead, as ``wheelcast.runtime.workers`` falls back to working in-process.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any, TypeVar

from wheelcast.errors import IndexUnreachable
from wheelcast.runtime.interrupts import starting_processes
from wheelcast.runtime.workers import exit_with_parent, lifeline

if TYPE_CHECKING:
    from wheelcast.index.http import Fetcher, FetchSettings, ThreadedFetch

__all__ = ["RemoteFetch", "start_early"]

T = TypeVar("T")


def _serve(conn: Connection, settings: FetchSettings | None, line: Connection) -> None:
    """The fetch process: run each call that arrives in a thread, send back its outcome.

    Started early (``settings`` None), it loads the HTTP stack, then waits for its
    settings as the first message.
    """
    # Started with SIGINT blocked (wheelcast.runtime.interrupts); where it cannot be, from here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(line)  # even when a request thread holds the exit up
    from wheelcast.index.http import Fetcher, client_of, trust_context  # noqa: PLC0415

    verify = None
    if settings is None:
        verify = trust_context()  # made while the settings are still to come
        try:
            settings = conn.recv()
        except (EOFError, OSError):  # the run ended before it fetched anything
            os._exit(0)
        if settings is None:
            os._exit(0)
    fetcher = Fetcher(client_of(settings, verify), settings)
    sending = threading.Lock()

    def run(job: int, call: Callable[[Fetcher], object]) -> None:
        try:
            outcome: tuple[int, bool, object] = (job, True, call(fetcher))
        except BaseException as exc:
            outcome = (job, False, exc)
        with sending:
            try:
                conn.send(outcome)
            except (pickle.PicklingError, TypeError, AttributeError) as exc:
                conn.send((job, False, IndexUnreachable(f"the HTTP process failed: {exc}")))

    pool = concurrent.futures.ThreadPoolExecutor(settings.max_concurrency, "http")
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            break
        if message is None:
            break
        pool.submit(run, *message)
    # Nothing here needs cleaning up, and requests still running must not hold the exit.
    os._exit(0)


def _spawn(settings: FetchSettings | None) -> tuple[Connection, BaseProcess] | None:
    """A fetch process and this end of its pipe; None if it cannot start."""
    context = multiprocessing.get_context("spawn")  # the parent runs threads: no fork
    conn, child = context.Pipe()
    process = context.Process(
        target=_serve, args=(child, settings, lifeline()), name="wheelcast-http", daemon=True
    )
    try:
        with starting_processes():  # the child never sees the terminal's Ctrl-C
            process.start()
    except (OSError, RuntimeError, ValueError):
        conn.close()
        return None
    finally:
        child.close()
    return conn, process


_early_lock = threading.Lock()
_early: tuple[Connection, BaseProcess] | None = None


def start_early() -> None:
    """Start the fetch process now, for a run about to fetch (see the module docstring).

    The first ``RemoteFetch`` made takes it; one that no ``RemoteFetch`` takes (the run
    ended first: bad input, a remembered answer) ends with this process.
    """
    global _early  # noqa: PLW0603 - one waiting process per run
    with _early_lock:
        if _early is None:
            _early = _spawn(None)


def _started(settings: FetchSettings) -> tuple[Connection, BaseProcess] | None:
    """The process started early, given ``settings``, or a new one; None if none can run."""
    global _early
    with _early_lock:
        early, _early = _early, None
    if early is not None:
        conn = early[0]
        try:
            conn.send(settings)
        except (OSError, ValueError):  # it died meanwhile: start another
            conn.close()
        else:
            return early
    return _spawn(settings)


class RemoteFetch:
    """A ``FetchService`` whose fetcher works in a spawned process; see the module docstring.

    The caller's main module must be safe to import, as for ``wheelcast.runtime.workers``.
    """

    def __init__(self, settings: FetchSettings | None = None) -> None:
        from wheelcast.index.http import FetchSettings  # noqa: PLC0415 - see the module docstring

        self._settings = settings or FetchSettings()
        self._lock = threading.Lock()  # guards the fields below
        self._sending = threading.Lock()
        # job -> its future and its call, kept to run it here if the process dies
        self._waiting: dict[
            int, tuple[concurrent.futures.Future[Any], Callable[[Fetcher], Any]]
        ] = {}
        self._jobs = itertools.count()
        self._local: ThreadedFetch | None = None  # once the process cannot serve
        self._closed = False
        self._conn: Connection | None = None
        self._process: BaseProcess | None = None
        started = _started(self._settings)
        if started is None:
            self._local = _threads(self._settings)
            return
        self._conn, self._process = started
        threading.Thread(target=self._receive, name="wheelcast-http-answers", daemon=True).start()

    def submit(self, call: Callable[[Fetcher], T]) -> concurrent.futures.Future[T]:
        """Run ``call(fetcher)`` (a picklable callable) in the fetch process."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        with self._lock:
            local = self._local
            if local is None:
                job = next(self._jobs)
                self._waiting[job] = (future, call)
        if local is not None:
            return local.submit(call)
        assert self._conn is not None  # noqa: S101 - set whenever there is no local fallback
        try:
            with self._sending:
                self._conn.send((job, call))
        except (OSError, ValueError):  # the process is gone; the receiver moves the job here
            pass
        return future

    def _receive(self) -> None:
        assert self._conn is not None  # noqa: S101 - started only with a connection
        while True:
            try:
                job, ok, value = self._conn.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                future, _ = self._waiting.pop(job, (None, None))
            if future is None or future.cancelled():  # closed meanwhile
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        self._fall_back()

    def _fall_back(self) -> None:
        """The process is gone: what it had not answered, and all that follows, runs here."""
        with self._lock:
            if self._closed:
                return
            if self._local is None:
                self._local = _threads(self._settings)
            local, waiting = self._local, list(self._waiting.values())
            self._waiting.clear()
        for future, call in waiting:
            _chain(local.submit(call), future)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            local = self._local
            waiting = list(self._waiting.values())
            self._waiting.clear()
        for future, _ in waiting:
            future.cancel()
        if local is not None:
            local.close()
        if self._conn is not None:
            try:
                with self._sending:
                    self._conn.send(None)
            except (OSError, ValueError):
                pass
        if self._process is not None:
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.kill()


def _threads(settings: FetchSettings) -> ThreadedFetch:
    from wheelcast.index.http import Fetcher, ThreadedFetch, client_of  # noqa: PLC0415

    return ThreadedFetch(Fetcher(client_of(settings), settings), settings.max_concurrency)


def _chain(source: concurrent.futures.Future[T], target: concurrent.futures.Future[T]) -> None:
    def copy(done: concurrent.futures.Future[T]) -> None:
        if target.cancelled():
            return
        exc = done.exception()
        if exc is not None:
            target.set_exception(exc)
        else:
            target.set_result(done.result())

    source.add_done_callback(copy)
