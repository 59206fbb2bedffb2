"""Answering a repeated ``wheelcast check`` command before the rest of wheelcast is loaded.

When a check's result is remembered (:mod:`wheelcast.cache.memo`), the command also stores its
whole answer (what it wrote, where, and its exit status) in the cache's ``results``
table, under a key of everything the command line is read against: this wheelcast's
files, the interpreter and its import path, the host, the working folder, the arguments
and the whole environment. Beside the answer go a witness of the input files the command
read and the folders it searched (:mod:`wheelcast.runtime.witness`), and the digests of the
index pages the result came from. The same command replays that answer when every
witnessed file and folder is unchanged and every page has the same digest in the cache,
read as a resolving run would read it: offline, or while the page is still fresh.
Anything else, any doubt included, leaves the answer to the full command, which
revalidates pages with the index.

Reports written to a terminal are neither stored nor replayed: colours and width belong
to the screen.

Starting the interpreter and importing wheelcast's dependencies take several times
longer than such an answer, so this module imports only cheap parts of the standard
library and reads the two tables it needs with SQL of its own; the tests hold it to
what ``wheelcast.index.store`` writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sqlite3
import sys
import zlib

from wheelcast.runtime import cache_file
from wheelcast.runtime.witness import Observation, code_fingerprint, current

# typing's flag without importing typing (see wheelcast/__init__.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import TextIO

__all__ = ["KEY_PREFIX", "Answer", "encode", "invocation_key", "replay"]

KEY_PREFIX = "replay:"  # beside memo's keys in the results table
_FORMAT = 1

# What the command wrote, in order: ("", text) is standard output, (path, text) a file.
Answer = tuple[tuple[tuple[str, str], ...], str, int]  # (writes, standard error, status)


def _host() -> tuple[str, ...]:
    """What the ``host`` target is computed from, beyond the interpreter."""
    if sys.platform == "win32":
        return (sys.platform, *(str(n) for n in sys.getwindowsversion()[:4]))
    try:
        libc = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (ValueError, OSError):
        libc = ""
    return (sys.platform, libc, *os.uname())


def host_pinned() -> bool:
    """Whether the key pins the host target: not on a Linux without glibc (musl's version
    is asked of its loader, which a key of the kernel and environment cannot see)."""
    return not sys.platform.startswith("linux") or bool(_host()[1])


def _import_path() -> tuple[tuple[str, int], ...]:
    # An install or upgrade into any of these folders changes its modification time.
    found = []
    for entry in sys.path:
        try:
            found.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            found.append((entry, -1))
    return tuple(found)


def invocation_key(argv: Sequence[str], environ: Mapping[str, str], cwd: str) -> str:
    """The key a command's answer is stored under (see the module docstring)."""
    parts = (
        _FORMAT,
        code_fingerprint(),
        sys.executable,
        sys.version,
        _import_path(),
        _host(),
        cwd,
        tuple(argv),
        tuple(sorted(environ.items())),
    )
    # repr, not marshal: marshal's output for equal values follows their reference counts.
    return KEY_PREFIX + hashlib.sha256(repr(parts).encode()).hexdigest()


def encode(
    answer: Answer, witness: Sequence[Observation], *, offline: bool, refresh: bool
) -> bytes:
    """The stored form of an answer, read back by :func:`replay`."""
    return marshal.dumps((_FORMAT, offline, refresh, tuple(witness), answer))


def _cache_dir(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    # Where the full command would look. A spelling argparse would also take (an
    # abbreviation) only makes this look in the wrong place, and miss: a stored answer
    # is found only in the cache the same command line stored it in.
    found = None
    for i, arg in enumerate(argv):
        if arg == "--cache-dir" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--cache-dir="):
            found = arg.partition("=")[2]
    return found if found is not None else cache_file.default_cache_dir(environ)


def _pages_hold(conn: sqlite3.Connection, pages: object, *, offline: bool) -> bool:
    """Whether each (url, project, digest) has that digest in the cache, fresh or offline."""
    if not isinstance(pages, tuple) or not pages:
        return False
    wanted: dict[str, str] = {}
    for entry in pages:
        if not (isinstance(entry, tuple) and len(entry) == 3):
            return False
        wanted[entry[0]] = entry[2]
    urls = list(wanted)
    held = 0
    for start in range(0, len(urls), 500):  # SQLite's bound on parameters
        chunk = urls[start : start + 500]
        sql = cache_file.PAGE_STATES.format(marks=",".join("?" * len(chunk)))
        for url, etag, last_modified, fetched_at, digest in conn.execute(sql, chunk):
            if digest is None or digest != wanted[url]:
                return False
            validators = bool(etag or last_modified)
            if not offline and not cache_file.is_fresh(fetched_at, has_validators=validators):
                return False
            held += 1
    return held == len(urls)


def _stored(argv: Sequence[str], environ: Mapping[str, str], cwd: str) -> Answer | None:
    """The stored answer of this command when everything it depends on still holds."""
    path = os.path.join(_cache_dir(argv, environ), cache_file.FILENAME)
    if not os.path.isfile(path):
        return None
    key = invocation_key(argv, environ, cwd)
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=5)) as conn:
            return _holding(conn, key)
    except (sqlite3.Error, zlib.error, ValueError, EOFError, TypeError):
        return None  # unreadable or unexpected: the full command copes and reports


def _holding(conn: sqlite3.Connection, key: str) -> Answer | None:
    row = conn.execute("SELECT data, pages FROM results WHERE key = ?", (key,)).fetchone()
    if row is None:
        return None
    # The user's own cache file, written by this wheelcast (the key covers its files).
    stored = marshal.loads(zlib.decompress(row[0]))  # noqa: S302
    form, offline, refresh, witness, (writes, stderr, status) = stored
    # --refresh asks the index for every page: the full command does that.
    holds = (
        form == _FORMAT
        and not refresh
        and all(current(kind, where) == digest for kind, where, digest in witness)
        and _pages_hold(conn, marshal.loads(zlib.decompress(row[1])), offline=offline)  # noqa: S302
    )
    if not holds:
        return None
    return tuple((str(where), str(text)) for where, text in writes), str(stderr), int(status)


def replay(
    argv: Sequence[str],
    *,
    out: TextIO,
    err: TextIO,
    environ: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> int | None:
    """Write the stored answer of this command and return its exit status, or None.

    None: nothing was written, and the full command must run.
    """
    if not argv or argv[0] != "check":
        return None
    environ = os.environ if environ is None else environ
    answer = _stored(argv, environ, os.getcwd() if cwd is None else cwd)
    if answer is None:
        return None
    writes, stderr, status = answer
    isatty = getattr(out, "isatty", None)
    if any(not where for where, _ in writes) and isatty is not None and isatty():
        return None  # stored for a file or a pipe: a terminal gets colour and its width
    try:
        for where, text in writes:  # files first: a failure here leaves nothing half-said
            if where:
                with open(where, "w", encoding="utf-8") as handle:
                    handle.write(text)
    except OSError:
        return None  # the full command reports it
    for where, text in writes:
        if not where:
            out.write(text)
    err.write(stderr)
    return status
