"""The standard streams as a run writes to them, whatever they are attached to.

``| head`` (the reader leaves), ``>&-`` (closed), ``> /dev/full`` (a write fails) and the
same for standard error: the report's stream turns a failed write into one error line,
the notes' stream drops what it cannot say, and a reader that left is answered quietly.
Standard library and ``wheelcast.errors`` only: ``python -m wheelcast`` asks it before
the rest of wheelcast loads.
"""

from __future__ import annotations

import io
import os
from typing import TextIO

from wheelcast.errors import OutputUnwritable
from wheelcast.runtime.redact import redact_text

__all__ = ["DiagnosticStream", "ReportStream", "output_closed"]


class _Standard(io.TextIOBase):
    """One of the process's standard streams, wrapped (``stream`` None: started closed)."""

    what = "standard output"

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__()
        self._stream = stream

    def close(self) -> None:
        """Not ours to close (and closing would flush once more as it is collected)."""

    def fileno(self) -> int:
        if self._stream is None:
            raise io.UnsupportedOperation(f"{self.what} is closed")
        return self._stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]  # read-only in io, as here
        return getattr(self._stream, "encoding", None) or "utf-8"


class ReportStream(_Standard):
    """Standard output, for the report: credentials in a URL masked in whatever a command
    writes (:func:`redact_text`; rich writes a rendered report whole), and a write that
    fails is an :class:`OutputUnwritable`.

    A reader that left stays a BrokenPipeError, for :func:`output_closed` to answer.
    ``stream`` is None when the process was started with standard output closed.
    """

    def _unwritable(self, error: OSError | None) -> OutputUnwritable:
        why = "it is closed" if error is None else (error.strerror or str(error))
        return OutputUnwritable(
            f"cannot write the report to standard output: {why}",
            "send it where it can be written, or write it to a file with -o FILE",
        )

    def write(self, text: str) -> int:
        if self._stream is None:
            raise self._unwritable(None)
        try:
            self._stream.write(redact_text(text))
            return len(text)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise self._unwritable(error) from None

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise self._unwritable(error) from None

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()


class DiagnosticStream(_Standard):
    """Standard error, for notes and error lines: with nowhere to say them (closed, full,
    its reader gone) they are dropped, and the exit status still says what happened."""

    what = "standard error"

    def write(self, text: str) -> int:
        if self._stream is not None:
            try:
                self._stream.write(text)
            except (OSError, ValueError):
                self._stream = None
        return len(text)

    def flush(self) -> None:
        if self._stream is not None:
            try:
                self._stream.flush()
            except (OSError, ValueError):
                self._stream = None

    def isatty(self) -> bool:
        try:
            return self._stream is not None and self._stream.isatty()
        except (OSError, ValueError):
            return False


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
