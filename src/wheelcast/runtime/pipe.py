"""A standard output whose reader went away (``wheelcast check ... | head``).

Standard library only: ``python -m wheelcast`` asks it before the rest of wheelcast loads.
"""

from __future__ import annotations

import os
from typing import TextIO

__all__ = ["output_closed"]


def output_closed(out: TextIO) -> bool:
    """Whether ``out`` is a pipe whose reader has gone; if so, it is quietened for good.

    A BrokenPipeError may come from another pipe (a worker's), and a failed write leaves
    nothing behind to fail again: only ``out``'s own file polling as errored means the
    reader left. Python flushes standard output once more at exit, which would print
    "Exception ignored"; so the stream is pointed at /dev/null, as the Python
    documentation on SIGPIPE advises.
    """
    try:
        fileno = out.fileno()
    except (OSError, ValueError):  # not a file (a test's StringIO): ask the stream itself
        try:
            out.flush()
        except BrokenPipeError:
            return True
        except (OSError, ValueError):
            return False
        return False
    import select  # noqa: PLC0415 - only once a pipe broke

    if hasattr(select, "poll"):  # elsewhere (Windows) a broken pipe on stdout is taken at its word
        poller = select.poll()
        poller.register(fileno, select.POLLOUT)
        if not any(events & select.POLLERR for _, events in poller.poll(0)):
            return False
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fileno)
    finally:
        os.close(devnull)
    return True
