"""The log ``wheelcast diagnose`` reads: a file or stdin, capped, decoded as consoles save it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

from wheelcast.errors import InvalidInputFile
from wheelcast.runtime.limits import MAX_LOG_BYTES

__all__ = ["read_log_input"]


def read_log_input(name: str) -> str:
    """The text of ``name`` (``-`` for stdin), at most :data:`MAX_LOG_BYTES` of it."""
    shown = "standard input" if name == "-" else name
    try:
        if name == "-":
            stream = getattr(sys.stdin, "buffer", None)
            data = _read(stream) if stream is not None else sys.stdin.read(MAX_LOG_BYTES + 1)
        else:
            with Path(name).open("rb") as file:
                data = _read(file)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InvalidInputFile(
            f"{shown}: cannot read the log: {reason}", "pass a readable file, or - for stdin"
        ) from None
    if len(data) > MAX_LOG_BYTES:
        raise InvalidInputFile(
            f"{shown}: larger than {MAX_LOG_BYTES // (1024 * 1024)} MiB, not an install log",
            "pass the output of the failed install, or its last part",
        )
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    # Windows consoles saved as UTF-16 carry NULs between the letters.
    if "\x00" in text and isinstance(data, bytes):
        text = (
            data.decode("utf-16", errors="replace")
            if data[:2] in {b"\xff\xfe", b"\xfe\xff"}
            else text.replace("\x00", "")
        )
    return text


def _read(stream: BinaryIO) -> bytes:
    return stream.read(MAX_LOG_BYTES + 1)
