"""What a command's answer depends on besides its arguments: files, folders, wheelcast itself.

A *witness* is a list of observations, each ``(kind, path, digest)``: ``file`` with the
sha256 of the bytes read, ``folder`` with a digest of its listing (names and which are
folders), and ``-`` as the digest of something that was not there. The input readers
report what they read to the :class:`ReadLog` a caller opened (nothing is kept
otherwise); :func:`current` observes a path again, so a stored witness can be checked.

Only the standard library's cheapest modules are imported: ``wheelcast.cache.replay`` checks
witnesses before the rest of wheelcast is loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from contextvars import ContextVar

TYPE_CHECKING = False  # typing's flag without importing typing (see wheelcast/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "ReadLog",
    "code_fingerprint",
    "current",
    "logging_reads",
    "read_before",
    "saw_absent",
    "saw_file",
    "saw_folder",
    "saw_unrepeatable",
]

Observation = tuple[str, str, str]  # (kind, path, digest)
MISSING = "-"
# The digest of a pipe or device read as input (``-r /dev/stdin``): what it gave cannot be
# observed again without taking it from the run, so it never equals a later observation.
UNREPEATABLE = "!unrepeatable"
NOT_A_FILE = "!not-a-file"

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_fingerprint: str | None = None


def code_fingerprint() -> str:
    """Digest of this wheelcast's files: any edit or upgrade makes older results misses."""
    global _fingerprint  # noqa: PLW0603 - computed once per process
    if _fingerprint is None:
        digest = hashlib.sha256()
        _fingerprint_folder(digest, _PACKAGE, "")
        _fingerprint = digest.hexdigest()
    return _fingerprint


def _fingerprint_folder(digest: hashlib._Hash, folder: str, relative: str) -> None:
    with os.scandir(folder) as found:
        entries = sorted(found, key=lambda e: e.name)
    for entry in entries:
        if entry.is_dir():
            if entry.name != "__pycache__":
                _fingerprint_folder(digest, entry.path, f"{relative}{entry.name}/")
        elif not entry.name.endswith((".pyc", ".pyo")):
            stat = entry.stat()
            digest.update(f"{relative}{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def folder_digest(path: str) -> str:
    """Digest of a folder's listing, or ``-`` when it is not a readable folder."""
    try:
        with os.scandir(path) as entries:
            listing = sorted(f"{e.name}/" if e.is_dir() else e.name for e in entries)
    except OSError:
        return MISSING
    return hashlib.sha256("\0".join(listing).encode("utf-8", "surrogateescape")).hexdigest()


def current(kind: str, path: str) -> str:
    """The digest ``path`` has now, observed as ``kind`` (``-`` when it is not there)."""
    if kind == "folder":
        return folder_digest(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return NOT_A_FILE  # never opened: a pipe would give up what the run needs
        with open(path, "rb") as handle:
            return file_digest(handle.read())
    except OSError:
        return MISSING


class ReadLog:
    """The observations made while the log was open, first observation of a path kept."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], str] = {}
        self.pipes: dict[str, bytes] = {}  # read once per run: stdin gives its bytes once

    def add(self, kind: str, path: str, digest: str) -> None:
        self._seen.setdefault((kind, path), digest)

    def observe(self, kind: str, path: str) -> None:
        """Observe ``path`` as it is now (folders before they are searched)."""
        if (kind, path) not in self._seen:
            self._seen[kind, path] = current(kind, path)

    @property
    def observations(self) -> tuple[Observation, ...]:
        return tuple((kind, path, digest) for (kind, path), digest in self._seen.items())


_log: ContextVar[ReadLog | None] = ContextVar("wheelcast_read_log", default=None)


@contextlib.contextmanager
def logging_reads() -> Iterator[ReadLog]:
    """Collect what the input readers read in this context (this thread's)."""
    log = ReadLog()
    token = _log.set(log)
    try:
        yield log
    finally:
        _log.reset(token)


def saw_file(path: os.PathLike[str] | str, data: bytes) -> None:
    """An input reader read ``data`` from ``path`` (recorded only while a log is open)."""
    log = _log.get()
    if log is not None:
        log.add("file", os.path.abspath(path), file_digest(data))


def saw_unrepeatable(path: os.PathLike[str] | str, data: bytes) -> None:
    """An input reader read ``data`` from a pipe or device at ``path``: no answer built on
    it replays, and a second read in this run gets the same bytes (:func:`read_before`)."""
    log = _log.get()
    if log is not None:
        log.add("file", os.path.abspath(path), UNREPEATABLE)
        log.pipes[os.path.abspath(path)] = data


def read_before(path: os.PathLike[str] | str) -> bytes | None:
    """What this run already read from the pipe or device ``path`` (None: nothing)."""
    log = _log.get()
    return None if log is None else log.pipes.get(os.path.abspath(path))


def saw_absent(path: os.PathLike[str] | str) -> None:
    """An input reader looked for the file ``path`` and found none (its later arrival
    changes the answer)."""
    log = _log.get()
    if log is not None:
        log.add("file", os.path.abspath(path), MISSING)


def saw_folder(path: os.PathLike[str] | str) -> None:
    """An input reader is about to look for files in ``path``."""
    log = _log.get()
    if log is not None:
        log.observe("folder", os.path.abspath(path))
