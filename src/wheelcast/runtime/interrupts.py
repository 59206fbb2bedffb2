"""Ctrl-C held back while it would do harm, delivered as soon as it can be answered.

The terminal sends SIGINT to the whole process group. Two moments cannot take it:

- a worker process still importing (``wheelcast.runtime.workers``, ``wheelcast.index.remote``)
  would print a KeyboardInterrupt's traceback; the parent alone should answer, and it
  closes its children. A process started inside :func:`held` never sees SIGINT: a
  blocked signal is inherited through fork and exec and Python never unblocks it, so in
  the child it stays pending, never delivered (CPython starts its resource tracker so);
- the command itself while it imports: a KeyboardInterrupt raised inside the import
  machinery or a ``dataclass``'s generated code can surface as an unrelated error or an
  "Exception ignored" traceback.

Blocking rather than ignoring: the mask is the calling thread's alone, while a
disposition is the whole process's (the parent must keep its own Ctrl-C) and only the
main thread may set one; a pool starts its processes in whichever thread submits. A
Ctrl-C that arrives meanwhile is delivered when the mask is restored.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

__all__ = ["forget_handled_interrupt", "held", "starting_processes"]


@contextlib.contextmanager
def held() -> Iterator[None]:
    """SIGINT blocked in this thread (and in processes started here) until the exit."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no process-group SIGINT to block
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def starting_processes() -> Iterator[None]:
    """:func:`held`, for starting spawned processes.

    Every spawned process needs multiprocessing's resource tracker, and starting the
    tracker *unblocks* SIGINT in the calling thread (CPython's
    ``resource_tracker.ensure_running``): inside a plain :func:`held`, the first process
    started would bring the tracker up and then take the terminal's Ctrl-C while it
    imports. So the tracker is started first and SIGINT blocked again after it.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    from multiprocessing import resource_tracker  # noqa: PLC0415 - only where processes start

    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        resource_tracker.ensure_running()
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def forget_handled_interrupt() -> None:
    """After answering a Ctrl-C, exit with the status chosen, not by SIGINT.

    CPython (3.11-3.12) marks a KeyboardInterrupt that ends any string ``exec`` (a
    ``dataclass`` being made) as unhandled even when a caller catches it, and ``python -m``
    then ends the process by SIGINT; the mark is cleared when the next string ``exec``
    starts, so one that raises nothing clears it.
    """
    exec("pass")  # noqa: S102 - a constant, run for its side effect on the mark
