"""The on-disk cache every target shares: parsed project pages and core metadata, in SQLite.

One file ``wheelcast.sqlite3`` in ``platformdirs.user_cache_dir("wheelcast")`` (or the
directory given as ``--cache-dir``), in WAL mode so several processes can read while one
writes. One connection guarded by a lock makes a ``Cache`` safe to share between threads.

* Project pages, keyed by page URL: the page's PEP 691 file entries grouped by version,
  each group kept apart with its filenames and earliest upload time readable beside it
  (a group is checked and built into files only when read), with
  the ETag / Last-Modified the index sent, the time it was fetched and the sha256 of the
  body as served. A page with no validators is fresh for ``PAGE_MAX_AGE`` seconds (pip's
  10 minutes); one with validators is revalidated with a conditional request. The body's
  digest lets a refetch that changed nothing skip parsing, and stands for the page in
  remembered results.
* Core metadata, keyed by the file's sha256 (or its URL when the index gives no hash): the
  raw METADATA bytes, compressed, and how they were obtained. A distribution file never
  changes, so these never expire.
* Build needs of an sdist, keyed by its sha256: JSON text written by ``wheelcast.sdist``,
  with the version of the analysis that produced it; an entry from another analysis
  version is a miss.
* Remembered results (``wheelcast.cache.memo``), keyed by a digest of everything that decides
  them, with the digests of the pages they were computed from; only the newest
  ``RESULTS_KEPT`` are kept.

A file that is not a database at all (garbage, truncated to its header) is set aside as
``wheelcast.sqlite3.damaged`` and a new one is started, as pip and uv rebuild their caches
(:attr:`Cache.rebuilt` says so); damage found later, inside a table, raises ``CacheError``,
as does a file written by a newer wheelcast. The cache never deletes what it cannot read.
"""

from __future__ import annotations

import functools
import marshal
import os
import re
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
from packaging.utils import NormalizedName, canonicalize_name

from wheelcast.errors import CacheError
from wheelcast.index._dist import version_in_filename
from wheelcast.index.models import DistFile, FileGroup, GroupedFiles, ProjectPage
from wheelcast.index.parse import (
    FileEntry,
    entry_of,
    file_entry,
    file_of,
    json_files,
    loads_json,
    parse_html_page,
    upload_timestamp,
)
from wheelcast.runtime import cache_file
from wheelcast.runtime.cache_file import FILENAME, PAGE_MAX_AGE, PAGE_STATES, is_fresh

__all__ = [
    "PAGE_MAX_AGE",
    "SCHEMA_VERSION",
    "Cache",
    "CachedPage",
    "PageState",
    "default_cache_dir",
    "encode_body",
]

SCHEMA_VERSION = 3  # 2: pages.digest and the results table; 3: the page_states index
RESULTS_KEPT = 32

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    etag TEXT,
    last_modified TEXT,
    fetched_at REAL NOT NULL,
    digest TEXT
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
-- What a page's freshness and digest are, without reading past its data: the columns
-- after a large blob are reached through the blob's overflow pages (7 ms for a run's
-- 138 pages, 0.4 ms from this index).
CREATE INDEX IF NOT EXISTS page_states ON pages (url, etag, last_modified, fetched_at, digest);
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    pages BLOB NOT NULL,
    stored_at REAL NOT NULL
);
"""

# Upgrades of an older file, by the version it holds; nothing in it is dropped.
_MIGRATIONS = {1: ("ALTER TABLE pages ADD COLUMN digest TEXT",)}


def default_cache_dir() -> Path:
    return Path(cache_file.default_cache_dir())


@dataclass(frozen=True, slots=True)
class CachedPage:
    page: ProjectPage
    etag: str | None
    last_modified: str | None
    fetched_at: float  # seconds since the epoch
    digest: str | None = None  # sha256 of the body as served; None: stored before schema 2

    @property
    def has_validators(self) -> bool:
        return bool(self.etag or self.last_modified)

    def is_fresh(self, now: float | None = None) -> bool:
        """Usable without asking the index: no validators to revalidate with, and young."""
        return is_fresh(self.fetched_at, now, has_validators=self.has_validators)


@dataclass(frozen=True, slots=True)
class PageState:
    """What the cache knows of a page without decoding it: its digest and freshness."""

    digest: str | None
    fresh: bool


_PAGE_FORMAT = b"WCP7"  # PEP 691 entries grouped by version; a blob without it is a miss
_OUTLINE_SIZE = 8  # bytes of the outline's length, after the format


# A page is stored as its format, the length of its outline, the outline and then each
# version's entries one after another, which a run reads in place (a page's groups were
# copied twice more, about 60 MB a cold check). The outline is marshal, not JSON: a warm
# run decodes the outline of every page it needs, and marshal reads tuples of str/float
# several times faster; the cache is this user's own file. Each version's entries are
# JSON (msgspec writes a group of typed entries, and reads one back, faster than
# marshal), so a run checks and builds only the versions it reads. They are not
# compressed: zlib took longer than everything else a cold run does to a page except
# decoding it, for a cache file about twice as small.
def _encode_entries(name: NormalizedName, url: str, entries: Iterable[FileEntry]) -> bytes:
    grouped: dict[str, list[FileEntry]] = {}
    positions: dict[str, list[int]] = {}
    for position, entry in enumerate(entries):
        version = version_in_filename(entry.filename, name)
        found = grouped.get(version)
        if found is None:
            found = grouped[version] = []
            positions[version] = []
        found.append(entry)
        positions[version].append(position)
    order = tuple(p for version in grouped for p in positions[version])
    # Names, the page's order and upload times stay readable without decoding a group.
    data = [_ENCODE(found) for found in grouped.values()]
    outline = []
    start = 0
    for (version, found), encoded in zip(grouped.items(), data, strict=True):
        names = tuple(e.filename for e in found)
        outline.append((version, names, _earliest(found), start, len(encoded)))
        start += len(encoded)
    head = marshal.dumps((str(name), url, order, tuple(outline)))
    return b"".join((_PAGE_FORMAT, len(head).to_bytes(_OUTLINE_SIZE, "little"), head, *data))


_ENCODE = msgspec.json.Encoder().encode

# Upload times as the index writes them: in one layout, in UTC, so that their order as
# text is their order in time.
_STAMPS = re.compile(rb'(?:"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"\n)*', re.ASCII)


def _earliest(entries: list[FileEntry]) -> float | None:
    """The earliest upload time of ``entries``; None unless each has a readable one."""
    stamps = [bytes(entry.upload_time) for entry in entries]
    try:
        if _STAMPS.fullmatch(b"\n".join(stamps) + b"\n"):
            # One stamp parsed, not each: parsing every stamp was 0.35 s a run.
            return upload_timestamp(min(stamps)[1:-1].decode("ascii"))
        return min(upload_timestamp(msgspec.json.decode(stamp)) for stamp in stamps)
    except (TypeError, ValueError, msgspec.DecodeError):  # one is missing or unreadable:
        return None  # reading it will say so


def _encode_page(page: ProjectPage) -> bytes:
    return _encode_entries(page.name, page.url, (file_entry(entry_of(f)) for f in page.files))


def encode_body(body: bytes, *, is_json: bool, page_url: str, name: NormalizedName) -> bytes:
    """Parse a page as served and encode it as the cache stores it.

    A pure function of bytes to bytes, run where the page was fetched (in a fetch
    process, ``wheelcast.index.remote``, when there is one): parsing the large pages of
    popular projects is the biggest CPU cost of a cold run.
    """
    if is_json:
        return _encode_entries(name, page_url, json_files(body, page_url))
    return _encode_page(parse_html_page(body, page_url, name))


def _decode_files(blob: bytes | memoryview, page_url: str) -> tuple[DistFile, ...]:
    try:
        entries = loads_json(bytes(blob))  # one version's entries: a few kilobytes
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        # Read lazily, long after get_page returned: say which file, as get_page would.
        raise CacheError(
            f"cannot decode a cached index page: {exc}",
            hint="the cache file may be damaged; pass another --cache-dir or use --refresh",
        ) from exc
    if not isinstance(entries, list):
        raise CacheError(
            "cannot decode a cached index page: a group is not a list",
            hint="the cache file may be damaged; pass another --cache-dir or use --refresh",
        )
    return tuple(file_of(entry, page_url) for entry in entries)


def _decode_page(blob: bytes) -> ProjectPage | None:
    if not blob.startswith(_PAGE_FORMAT):
        return None  # written by an earlier wheelcast: fetch it again
    view = memoryview(blob)
    at = len(_PAGE_FORMAT) + _OUTLINE_SIZE
    end = at + int.from_bytes(view[len(_PAGE_FORMAT) : at], "little")
    if end > len(view):
        raise ValueError("the page's outline runs past its end")
    name, url, order, outline = marshal.loads(view[at:end])  # noqa: S302 - our own file
    data = view[end:]
    groups = tuple(
        FileGroup(
            version,
            decode=functools.partial(_decode_files, data[start : start + size], url),
            filenames=names,
            earliest=earliest,
        )
        for version, names, earliest, start, size in outline
    )
    return ProjectPage(name=canonicalize_name(name), url=url, files=GroupedFiles(groups, order))


def _held_version(conn: sqlite3.Connection) -> int | None:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not exists:
        return None
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        met = os.stat(path)
    except OSError:
        return None
    return met.st_ino, met.st_size


class Cache:
    """SQLite store for pages and metadata; see the module docstring for what it keeps."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.path = self.directory / FILENAME
        self._lock = threading.Lock()
        self.rebuilt: Path | None = None  # where a damaged file was set aside, if one was
        opened = _identity(self.path)
        try:
            self._conn = self._open()
        except CacheError as error:
            cause = error.__cause__
            # Locked, busy, read-only are OperationalError: not damage, the file stays.
            if not isinstance(cause, sqlite3.DatabaseError) or isinstance(
                cause, sqlite3.OperationalError
            ):
                raise
            self.rebuilt = self._set_aside(opened)
            self._conn = self._open()

    def _set_aside(self, opened: tuple[int, int] | None) -> Path:
        """Move a file SQLite cannot read as a database out of the way (kept, for a bug
        report); several runs meeting it at once move it once, and never a new one."""
        damaged = self.path.with_name(self.path.name + ".damaged")
        try:
            # Another run may have set it aside and started a new file meanwhile: that one
            # is not the damaged file (same inode and size) and stays.
            if _identity(self.path) == opened:
                os.replace(self.path, damaged)
                for suffix in ("-wal", "-shm"):
                    side = self.path.with_name(self.path.name + suffix)
                    if side.exists():
                        os.replace(side, damaged.with_name(damaged.name + suffix))
        except FileNotFoundError:
            pass  # set aside by another run already
        except OSError as exc:
            raise self._fail("set aside the damaged", exc) from exc
        return damaged

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
        # The usual case, a current file, needs no write lock: runs open it concurrently.
        if _held_version(conn) == SCHEMA_VERSION:
            return SCHEMA_VERSION
        conn.execute("BEGIN IMMEDIATE")
        try:
            found = _held_version(conn)  # again, now under the lock
            held = SCHEMA_VERSION if found is None else found
            if held > SCHEMA_VERSION:
                conn.execute("ROLLBACK")
                return held
            for version in range(held, SCHEMA_VERSION):
                for statement in _MIGRATIONS.get(version, ()):
                    conn.execute(statement)
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("DELETE FROM schema_version")
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

    def _query_all(self, sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                rows: list[tuple[Any, ...]] = self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self._fail("read", exc) from exc
        return rows

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        self._write_all((sql, params))

    def _write_all(self, *statements: tuple[str, tuple[object, ...]]) -> None:
        """Run ``statements`` in one transaction."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    for sql, params in statements:
                        self._conn.execute(sql, params)
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise self._fail("write", exc) from exc

    def get_page(self, url: str) -> CachedPage | None:
        row = self._query(
            "SELECT data, etag, last_modified, fetched_at, digest FROM pages WHERE url = ?",
            (url,),
        )
        if row is None:
            return None
        try:
            page = _decode_page(row[0])
        except (zlib.error, ValueError, TypeError, KeyError, EOFError) as exc:
            raise self._fail("decode a page in", exc) from exc
        if page is None:
            return None
        return CachedPage(
            page=page, etag=row[1], last_modified=row[2], fetched_at=row[3], digest=row[4]
        )

    def page_states(self, urls: Iterable[str], now: float | None = None) -> dict[str, PageState]:
        """The digest and freshness of each cached page among ``urls``, nothing decoded."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, PageState] = {}
        for start in range(0, len(wanted), 500):  # SQLite's bound on parameters
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))  # only "?" marks are put into the SQL
            sql = PAGE_STATES.format(marks=marks)
            for url, etag, last_modified, fetched_at, digest in self._query_all(sql, tuple(chunk)):
                validators = bool(etag or last_modified)
                fresh = is_fresh(fetched_at, now, has_validators=validators)
                found[url] = PageState(digest, fresh)
        return found

    def put_page(
        self,
        url: str,
        page: ProjectPage,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        fetched_at: float | None = None,
        digest: str | None = None,
    ) -> ProjectPage:
        """Store ``page``; return it as stored, its files decoded group by group on demand."""
        return self.put_encoded(
            url,
            _encode_page(page),
            etag=etag,
            last_modified=last_modified,
            fetched_at=time.time() if fetched_at is None else fetched_at,
            digest=digest,
        )

    def put_encoded(
        self,
        url: str,
        blob: bytes,
        *,
        etag: str | None,
        last_modified: str | None,
        fetched_at: float,
        digest: str | None,
    ) -> ProjectPage:
        """Store a page ``encode_body`` encoded; return it as ``put_page`` does."""
        page = _decode_page(blob)
        if page is None:
            raise CacheError(f"cannot store the page {url}: not in this wheelcast's format")
        self.store_encoded(
            url, blob, etag=etag, last_modified=last_modified, fetched_at=fetched_at, digest=digest
        )
        return page

    def store_encoded(
        self,
        url: str,
        blob: bytes,
        *,
        etag: str | None,
        last_modified: str | None,
        fetched_at: float,
        digest: str | None,
    ) -> None:
        """Store a page ``encode_body`` encoded (by whoever reads it back)."""
        self._write(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?)",
            (url, blob, etag, last_modified, fetched_at, digest),
        )

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

    def get_result(self, key: str) -> tuple[bytes, bytes] | None:
        """A remembered result and the page digests it depends on, as ``put_result`` took them."""
        row = self._query("SELECT data, pages FROM results WHERE key = ?", (key,))
        if row is None:
            return None
        try:
            return zlib.decompress(row[0]), zlib.decompress(row[1])
        except zlib.error as exc:
            raise self._fail("decode a result in", exc) from exc

    def put_result(self, key: str, data: bytes, pages: bytes) -> None:
        """Remember a result; the oldest beyond ``RESULTS_KEPT`` are forgotten."""
        self._write_all(
            (
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
                (key, zlib.compress(data, 1), zlib.compress(pages, 1), time.time()),
            ),
            (
                "DELETE FROM results WHERE key NOT IN"
                " (SELECT key FROM results ORDER BY stored_at DESC LIMIT ?)",
                (RESULTS_KEPT,),
            ),
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
