"""The on-disk cache every target shares: parsed project pages and core metadata, in SQLite.

One file ``wheelcast.sqlite3`` in ``platformdirs.user_cache_dir("wheelcast")`` (or the
directory given as ``--cache-dir``), in WAL mode so several processes can read while one
writes. One connection guarded by a lock makes a ``Cache`` safe to share between threads.

* Project pages, keyed by page URL: the parsed page, its files grouped by version and each
  group compressed apart (decoded only when read), with
  the ETag / Last-Modified the index sent and the time it was fetched. A page with no
  validators is fresh for ``PAGE_MAX_AGE`` seconds (pip's 10 minutes); one with validators
  is revalidated with a conditional request.
* Core metadata, keyed by the file's sha256 (or its URL when the index gives no hash): the
  raw METADATA bytes, compressed, and how they were obtained. A distribution file never
  changes, so these never expire.
* Build needs of an sdist, keyed by its sha256: JSON text written by ``wheelcast.build``,
  with the version of the analysis that produced it; an entry from another analysis
  version is a miss.

A damaged file or one written by a newer wheelcast raises ``CacheError``; the cache never
deletes what it cannot read.
"""

from __future__ import annotations

import datetime as dt
import functools
import marshal
import sqlite3
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from packaging.utils import canonicalize_name

from wheelcast.errors import CacheError
from wheelcast.index._dist import group_by_version
from wheelcast.index.models import DistFile, FileGroup, GroupedFiles, ProjectPage

__all__ = ["PAGE_MAX_AGE", "SCHEMA_VERSION", "Cache", "CachedPage", "default_cache_dir"]

SCHEMA_VERSION = 1
PAGE_MAX_AGE = 600.0  # seconds; pip's HTTP cache keeps index pages for 10 minutes
FILENAME = "wheelcast.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    etag TEXT,
    last_modified TEXT,
    fetched_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS metadata (
    key TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS build_needs (
    key TEXT PRIMARY KEY,
    analysis INTEGER NOT NULL,
    data TEXT NOT NULL
);
"""


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("wheelcast"))


@dataclass(frozen=True, slots=True)
class CachedPage:
    page: ProjectPage
    etag: str | None
    last_modified: str | None
    fetched_at: float  # seconds since the epoch

    @property
    def has_validators(self) -> bool:
        return bool(self.etag or self.last_modified)

    def is_fresh(self, now: float | None = None, max_age: float = PAGE_MAX_AGE) -> bool:
        """Usable without asking the index: no validators to revalidate with, and young."""
        age = (time.time() if now is None else now) - self.fetched_at
        return not self.has_validators and 0 <= age < max_age


_PAGE_FORMAT = b"WCP4"  # pages grouped by version; a blob without it is a miss


_Row = tuple[Any, ...]


def _row(f: DistFile) -> _Row:
    return (
        f.filename,
        f.url,
        f.hashes,
        f.requires_python,
        f.yanked,
        f.upload_time.timestamp() if f.upload_time else None,
        f.size,
        f.core_metadata,
        f.core_metadata_sha256,
    )


# marshal, not JSON: a warm run decodes every page it needs, and marshal reads plain
# tuples of str/int/float/None about ten times faster; the cache is this user's own file.
# Each version's rows are compressed apart, so a run decodes only the versions it reads.
def _encode_page(page: ProjectPage) -> bytes:
    files = group_by_version(page.files, page.name)
    # Names and the page's order stay readable without decompressing any group.
    blobs = tuple(
        (
            group.version,
            group.filenames,
            zlib.compress(marshal.dumps(tuple(map(_row, group.files))), 1),
        )
        for group in files.groups
    )
    return _PAGE_FORMAT + marshal.dumps((str(page.name), page.url, files.order(), blobs))


def _decode_rows(blob: bytes) -> tuple[DistFile, ...]:
    try:
        rows = marshal.loads(zlib.decompress(blob))  # noqa: S302 - our own file
    except (zlib.error, ValueError, TypeError, EOFError) as exc:
        # Read lazily, long after get_page returned: say which file, as get_page would.
        raise CacheError(
            f"cannot decode a cached index page: {exc}",
            hint="the cache file may be damaged; pass another --cache-dir or use --refresh",
        ) from exc
    utc = dt.UTC
    fromtimestamp = dt.datetime.fromtimestamp
    return tuple(
        DistFile(
            filename,
            file_url,
            hashes,
            requires_python,
            yanked,
            fromtimestamp(uploaded, utc) if uploaded is not None else None,
            size,
            core_metadata,
            core_sha,
        )
        for (
            filename,
            file_url,
            hashes,
            requires_python,
            yanked,
            uploaded,
            size,
            core_metadata,
            core_sha,
        ) in rows
    )


def _decode_page(blob: bytes) -> ProjectPage | None:
    if not blob.startswith(_PAGE_FORMAT):
        return None  # written by an earlier wheelcast: fetch it again
    name, url, order, blobs = marshal.loads(blob[len(_PAGE_FORMAT) :])  # noqa: S302 - ours
    groups = tuple(
        FileGroup(version, decode=functools.partial(_decode_rows, rows), filenames=filenames)
        for version, filenames, rows in blobs
    )
    return ProjectPage(name=canonicalize_name(name), url=url, files=GroupedFiles(groups, order))


class Cache:
    """SQLite store for pages and metadata; see the module docstring for what it keeps."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.path = self.directory / FILENAME
        self._lock = threading.Lock()
        self._conn = self._open()

    def _fail(self, what: str, exc: BaseException) -> CacheError:
        return CacheError(
            f"cannot {what} the cache {self.path}: {exc}",
            hint="the file may be damaged or locked; pass another --cache-dir (nothing deleted)",
        )

    def _open(self) -> sqlite3.Connection:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: every transaction below is an explicit BEGIN ... COMMIT.
            conn = sqlite3.connect(
                self.path, timeout=30, check_same_thread=False, isolation_level=None
            )
        except (OSError, sqlite3.Error) as exc:
            raise self._fail("open", exc) from exc
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            version = self._migrate(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise self._fail("open", exc) from exc
        if version > SCHEMA_VERSION:
            conn.close()
            raise CacheError(
                f"the cache {self.path} was written by a newer wheelcast (schema {version},"
                f" this one reads {SCHEMA_VERSION})",
                hint="upgrade wheelcast or pass another --cache-dir",
            )
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> int:
        """Create the schema in an empty file; return the schema version the file holds."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            exists = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
            if exists:
                row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
                if row and row[0] is not None and row[0] > SCHEMA_VERSION:
                    conn.execute("ROLLBACK")
                    return int(row[0])
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            if conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == 0:
                conn.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return SCHEMA_VERSION

    def _query(self, sql: str, params: tuple[object, ...]) -> tuple[Any, ...] | None:
        with self._lock:
            try:
                row: tuple[Any, ...] | None = self._conn.execute(sql, params).fetchone()
            except sqlite3.Error as exc:
                raise self._fail("read", exc) from exc
        return row

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    self._conn.execute(sql, params)
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise self._fail("write", exc) from exc

    def get_page(self, url: str) -> CachedPage | None:
        row = self._query(
            "SELECT data, etag, last_modified, fetched_at FROM pages WHERE url = ?", (url,)
        )
        if row is None:
            return None
        try:
            page = _decode_page(row[0])
        except (zlib.error, ValueError, TypeError, KeyError, EOFError) as exc:
            raise self._fail("decode a page in", exc) from exc
        if page is None:
            return None
        return CachedPage(page=page, etag=row[1], last_modified=row[2], fetched_at=row[3])

    def put_page(
        self,
        url: str,
        page: ProjectPage,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        fetched_at: float | None = None,
    ) -> ProjectPage:
        """Store ``page``; return it as stored, its files decoded group by group on demand."""
        blob = _encode_page(page)
        self._write(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)",
            (url, blob, etag, last_modified, time.time() if fetched_at is None else fetched_at),
        )
        stored = _decode_page(blob)
        assert stored is not None  # noqa: S101 - _encode_page writes the current format
        return stored

    def touch_page(self, url: str, fetched_at: float | None = None) -> None:
        """Record that the index confirmed the cached page (HTTP 304)."""
        self._write(
            "UPDATE pages SET fetched_at = ? WHERE url = ?",
            (time.time() if fetched_at is None else fetched_at, url),
        )

    def get_metadata(self, key: str) -> tuple[bytes, str] | None:
        """The raw METADATA bytes stored under ``key`` and how they were obtained."""
        row = self._query("SELECT data, source FROM metadata WHERE key = ?", (key,))
        if row is None:
            return None
        try:
            return zlib.decompress(row[0]), str(row[1])
        except zlib.error as exc:
            raise self._fail("decode metadata in", exc) from exc

    def put_metadata(self, key: str, raw: bytes, source: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO metadata VALUES (?, ?, ?)", (key, zlib.compress(raw), source)
        )

    def get_build_needs(self, key: str, analysis: int) -> str | None:
        """The JSON stored under ``key`` (an sdist's sha256) by that analysis version."""
        row = self._query(
            "SELECT data FROM build_needs WHERE key = ? AND analysis = ?", (key, analysis)
        )
        return None if row is None else str(row[0])

    def put_build_needs(self, key: str, analysis: int, data: str) -> None:
        self._write("INSERT OR REPLACE INTO build_needs VALUES (?, ?, ?)", (key, analysis, data))

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
