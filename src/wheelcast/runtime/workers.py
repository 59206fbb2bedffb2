"""Worker processes for the CPU-heavy pure steps of a cold run, started on first use.

Reading sdists (decompressing tens of megabytes) would otherwise run in the process
whose resolver threads want the same interpreter lock; a worker process puts another
core to work on them. (Index pages are parsed in the fetch process that reads them,
``wheelcast.index.remote``.) Callers keep small jobs to themselves: sending them costs
more than doing them.

Processes are spawned, so the program's main module must be safe to import, as
multiprocessing requires: the ``wheelcast`` command is; a library caller opts in
(``IndexOptions(workers=True)``). When the pool cannot run, the work is done in-process.

Every process wheelcast spawns holds the read end of one pipe whose only write end stays in
the parent (:func:`lifeline`): when the parent dies, even by ``kill -9``, the pipe reaches
end of file and the child exits (:func:`exit_with_parent`), so no worker, and in turn no
multiprocessing resource tracker (which waits for its last holder), outlives the run.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import importlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import TypeVar

from wheelcast.runtime.interrupts import starting_processes

__all__ = ["BrokenProcessPool", "Workers"]

T = TypeVar("T")


def _ready(modules: tuple[str, ...]) -> None:
    """Run in a new worker: import what its calls will need before the first one comes."""
    for module in modules:
        importlib.import_module(module)


def _ignore_interrupts() -> None:
    """Run in a new worker: where SIGINT cannot be blocked before the start (Windows),
    ignored from here on; the parent decides."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_LIFELINE_LOCK = threading.Lock()
_LIFELINE: tuple[Connection, Connection] | None = None  # (read end, write end)


def lifeline() -> Connection:
    """The read end of this process's lifeline, to hand to a spawned child (pickled as an
    argument, multiprocessing passes the descriptor). The write end is held, never used,
    until this process ends; a spawned child inherits no other descriptor, so the read end
    reaches end of file exactly when this process is gone."""
    global _LIFELINE  # noqa: PLW0603 - one per process, made on first use
    with _LIFELINE_LOCK:
        if _LIFELINE is None:
            _LIFELINE = multiprocessing.get_context("spawn").Pipe(duplex=False)
        return _LIFELINE[0]


def exit_with_parent(line: Connection) -> None:
    """Run in a spawned child: exit at once when the parent that handed ``line`` is gone.

    A pipe rather than polling ``os.getppid()`` (which misses a parent that dies while its
    own parent reaps it) or Linux's ``PR_SET_PDEATHSIG`` (which fires when the *thread*
    that started the child ends, and pools start workers from short-lived threads)."""

    def wait() -> None:
        with contextlib.suppress(EOFError, OSError):
            while True:
                line.recv_bytes()  # nothing is ever sent: this returns at end of file
        os._exit(1)  # a job under way, threads and all: nothing here is worth finishing

    threading.Thread(target=wait, name="wheelcast-lifeline", daemon=True).start()


def _start_worker(line: Connection) -> None:
    """Run in a new worker, before any call."""
    _ignore_interrupts()
    exit_with_parent(line)


def _workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1) - 1))


class Workers:
    """Lazily started worker processes; ``executor()`` is None once they cannot run."""

    def __init__(self, workers: int | None = None) -> None:
        self._workers = workers or _workers()
        self._lock = threading.Lock()
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._broken = False

    def executor(self) -> concurrent.futures.Executor | None:
        with self._lock:
            if self._broken:
                return None
            if self._pool is None:
                # spawn, not fork: the parent runs threads (the event loop, the resolvers).
                context = multiprocessing.get_context("spawn")
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    self._workers,
                    mp_context=context,
                    initializer=_start_worker,
                    initargs=(lifeline(),),
                )
            return self._pool

    def warm(self, *modules: str) -> None:
        """Start the workers now, so that starting them is not on the first call's path;
        each imports ``modules`` (named by the caller: this stage knows none of them)."""
        executor = self.executor()
        if executor is not None:
            with contextlib.suppress(BrokenProcessPool), starting_processes():
                executor.submit(_ready, modules)

    def broken(self) -> None:
        """The pool failed (a worker died, processes cannot start): work in-process."""
        with self._lock:
            self._broken = True

    def run(self, call: Callable[[], T]) -> T:
        """``call()`` in a worker, or here when the pool cannot run (blocking)."""
        executor = self.executor()
        if executor is None:
            return call()
        try:
            with starting_processes():  # a submit may start a process
                future = executor.submit(call)
            return future.result()
        except BrokenProcessPool:
            self.broken()
            return call()

    async def run_async(self, call: Callable[[], T]) -> T:
        """``run`` for a coroutine: the event loop keeps turning while a worker works."""
        executor = self.executor()
        if executor is None:
            return call()
        try:
            with starting_processes():  # submits now, and may start a process
                future = asyncio.get_running_loop().run_in_executor(executor, call)
            return await future
        except BrokenProcessPool:
            self.broken()
            return call()

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            # Waiting (for the job under way, if any): on Python 3.11 a pool left to stop
            # on its own can race the interpreter's exit, which then prints a traceback.
            pool.shutdown(wait=True, cancel_futures=True)
