"""Read an sdist without extracting it: its member list and the few build files that matter.

:func:`read_sdist` walks a ``.tar.gz`` / ``.tar.bz2`` / ``.tar.xz`` / ``.zip`` once, in
memory, and returns an :class:`SdistListing`: every regular file's path and size, and the
text of the files a build analysis reads (:func:`is_build_file`). Nothing is written to
disk, no link is followed, no code runs.

The archive is refused with :class:`~wheelcast.errors.UnsafeArchive` before anything of it is
used when a member has an absolute path, a ``..`` part, a drive letter or a NUL; when a
member is a symbolic link, a hard link, a device or a FIFO; when the file is larger than
``max_compressed``, holds more than ``max_members`` members, or inflates past
``max_uncompressed`` (counted on the decompressed stream itself for tar, so a lying header
cannot get past it; from the central directory for zip, whose members are then read no
further than their declared sizes, the directory's size checked from its end record before
zipfile parses it). A PAX or GNU long-name record over ``MAX_HEADER_RECORD`` is refused by
its declared size before any of it is held, and so is a sparse member, in both readers
below. A build file larger than ``max_read`` is listed but not read
(:attr:`SdistListing.unread`). The caps are stated in :mod:`wheelcast.runtime.limits`.

Every member is listed (the census counts source files across the whole tree, and a link or
device anywhere refuses the archive), so a tar is always inflated to its end. Its headers
are cut from 1 MiB chunks of ``zlib`` output by a small parser that knows plain files,
folders, PAX ``x`` records and GNU long names written the way sdist tools write them:
``tarfile`` spends some 70 µs a member beyond inflating (the parser about 20), most of the
time on sdists of thousands of files. Anything else (links, devices, sparse files, global
headers, an unusual number field, a damaged or truncated stream, a second gzip member)
makes the parser give up, and ``tarfile`` reads the archive again from its start: its
listing or error is the answer.
"""

from __future__ import annotations

import bz2
import functools
import gzip
import io
import lzma
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final, Protocol

from wheelcast.errors import ArchiveError, UnsafeArchive
from wheelcast.index._dist import CappedTarInfo, RefusedHeader, zip_directory_problem
from wheelcast.runtime import limits as caps
from wheelcast.sdist.libraries import HEADERS

__all__ = [
    "MAX_COMPRESSED",
    "MAX_MEMBERS",
    "MAX_READ",
    "MAX_UNCOMPRESSED",
    "SdistListing",
    "is_ancillary",
    "is_build_file",
    "is_scanned_source",
    "read_sdist",
]

MAX_COMPRESSED: Final = caps.SDIST_MAX_COMPRESSED
MAX_UNCOMPRESSED: Final = caps.ARCHIVE_MAX_INFLATED
MAX_MEMBERS: Final = caps.ARCHIVE_MAX_MEMBERS
MAX_READ: Final = caps.BUILD_FILE_MAX_BYTES
MAX_HEADER_RECORD: Final = caps.TAR_MAX_HEADER_RECORD
_CHUNK: Final = 1024 * 1024
_BLOCK: Final = 512
_ZERO_BLOCK: Final = bytes(_BLOCK)
# A numeric header field as every tool writes it: octal digits padded with spaces, ended by a
# NUL (what follows the NUL is ignored, as tarfile's ``nti`` does). Any other spelling
# (base-256, a sign, tabs) is left to tarfile.
_OCTAL: Final = re.compile(rb" *([0-7]*) *(?:\0.*)?", re.DOTALL)
# The spelling of nearly every header, checked at once: mode, uid, gid, size, mtime and the
# checksum zero-padded to their width; device numbers zero or empty.
_COMMON_NUMBERS: Final = re.compile(
    rb"[0-7]{7}\0[0-7]{7}\0[0-7]{7}\0([0-7]{11})\0[0-7]{11}\0(?:([0-7]{6})\0 |([0-7]{7})\0)"
)
_COMMON_DEVICE: Final = re.compile(rb"(?:[0-7]{7}\0|\0{8}){2}")
_NUMERIC_FIELDS: Final = ((100, 108), (108, 116), (116, 124), (136, 148), (329, 337), (337, 345))
# Header types the fast reader knows: regular file ("0", and NUL from old tars), folder;
# and a PAX extended header or a GNU long name for the member that follows.
_PLAIN_TYPES: Final = frozenset({b"0", b"\0", b"5"})
_NAMING_TYPES: Final = frozenset({tarfile.XHDTYPE, tarfile.GNUTYPE_LONGNAME})

_UNSAFE_HINT = (
    "wheelcast does not read this sdist; pip would build from it: report it to the project"
)
_UNREADABLE_HINT = "the index serves a broken or unsupported sdist; report it to the project"
_DRIVE = re.compile(r"^[A-Za-z]:")

# Directory names whose contents are not the package's own build: tests, docs, examples,
# benchmarks, and code vendored from elsewhere (numpy even vendors meson itself).
_ANCILLARY: Final = frozenset(
    {
        "test",
        "tests",
        "testing",
        "testsuite",
        "doc",
        "docs",
        "documentation",
        "example",
        "examples",
        "samples",
        "benchmark",
        "benchmarks",
        "asv_bench",
        "vendor",
        "vendored",
        "third_party",
        "thirdparty",
        "3rdparty",
        "extern",
        "external",
        "subprojects",
        "manual tests",
        "test cases",
    }
)
_TOP_FILES: Final = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "PKG-INFO"})
_NESTED_FILES: Final = frozenset(
    {"meson.build", "meson.options", "meson_options.txt", "Cargo.toml", "CMakeLists.txt"}
)
# Nested build files are many in large projects (opencv has some 300 CMake scripts): past
# these bounds they are listed unread.
MAX_BUILD_FILES: Final = caps.BUILD_FILES_MAX
MAX_BUILD_TEXT: Final = caps.BUILD_TEXT_MAX
# #include lines sit at the top of a file: its first bytes are enough, for a bounded number.
_SOURCE_SUFFIXES: Final = frozenset(
    {".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp", ".hxx", ".pyx", ".pxd", ".m", ".mm", ".i"}
)
INCLUDE_HEAD: Final = 16 * 1024
MAX_SCANNED_SOURCES: Final = 4000
# Not anchored at a line start: a literal-led search is ten times faster on sources, and an
# include in a comment is rare enough.
_INCLUDE: Final = re.compile(rb"#[ \t]*include[ \t]*[<\"]([^>\"\n]{1,200})[>\"]")


def is_ancillary(path: str) -> bool:
    """True when a path (relative to the sdist's top folder) is in tests/docs/vendored code."""
    for part in path.lower().split("/")[:-1]:
        name = part.lstrip("_.")
        if name in _ANCILLARY or name.startswith(("vendored-", "vendored_", "test_")):
            return True
    return False


def is_build_file(path: str) -> bool:
    """The files a build analysis reads, by path relative to the sdist's top folder.

    Top level: ``pyproject.toml``, ``setup.py``, ``setup.cfg``, ``PKG-INFO``; outside
    tests/docs/vendored code, every ``meson.build``, ``meson.options``/``meson_options.txt``
    and ``Cargo.toml`` (meson's ``add_languages`` may sit in a subdir, Cargo workspaces nest),
    every ``CMakeLists.txt`` and ``*.cmake`` (``add_subdirectory`` and ``include`` reach them).
    """
    parts = path.split("/")
    name = parts[-1]
    if len(parts) == 1 and name in _TOP_FILES:
        return True
    return (name in _NESTED_FILES or name.endswith(".cmake")) and not is_ancillary(path)


def is_scanned_source(path: str) -> bool:
    """A source file whose head is read for ``#include`` lines naming a system library."""
    name = path.rsplit("/", 1)[-1].lower()
    dot = name.rfind(".")
    return dot > 0 and name[dot:] in _SOURCE_SUFFIXES and not is_ancillary(path)


def _includes(data: bytes) -> set[str]:
    """The known library headers a source file's head includes."""
    found = set()
    for match in _INCLUDE.finditer(data):
        header = match.group(1).decode("latin-1").strip()
        if header in HEADERS or header.split("/", 1)[0] + "/" in HEADERS:
            found.add(header)
    return found


@dataclass(frozen=True)
class SdistListing:
    """What an sdist holds, read statically: see the module docstring.

    Paths are relative to ``top`` (the sdist's single top-level folder, ``""`` when it has
    none) and use ``/``. ``members`` lists regular files only, in archive order.
    """

    filename: str
    top: str
    members: tuple[tuple[str, int], ...]  # (path, size)
    contents: tuple[tuple[str, str], ...] = ()  # (path, text) of the build files
    unread: tuple[str, ...] = ()  # build files larger than the read cap
    # (header, first source that includes it) for the headers of known system libraries
    includes: tuple[tuple[str, str], ...] = ()

    def text(self, path: str) -> str | None:
        """The text of one build file, or None when the sdist has none (or it was unread)."""
        return self._by_path.get(path)

    @functools.cached_property
    def _by_path(self) -> dict[str, str]:
        return dict(reversed(self.contents))  # the first of a duplicated path, as before

    def texts(self, name: str) -> tuple[tuple[str, str], ...]:
        """Every read build file called ``name`` (``meson.build``), with its path."""
        return tuple((p, t) for p, t in self.contents if p.rsplit("/", 1)[-1] == name)


class _Limits:
    def __init__(
        self, filename: str, max_uncompressed: int, max_members: int, max_read: int
    ) -> None:
        self.filename = filename
        self.max_uncompressed = max_uncompressed
        self.max_members = max_members
        self.max_read = max_read
        self.count = 0
        self.declared = 0

    def refuse(self, problem: str) -> UnsafeArchive:
        return UnsafeArchive(f"{self.filename}: refused: {problem}", _UNSAFE_HINT)

    def check_name(self, name: str) -> str:
        """The member's path with ``/`` separators; raises on anything that could escape."""
        if "\x00" in name:
            raise self.refuse(f"member {name!r} has a NUL byte in its name")
        path = name.replace("\\", "/")
        if path.startswith("/") or _DRIVE.match(path):
            raise self.refuse(f"member {name!r} has an absolute path")
        if ".." in path.split("/"):
            raise self.refuse(f"member {name!r} escapes the archive with '..' (path traversal)")
        return path

    def count_member(self, name: str, size: int) -> None:
        self.count += 1
        if self.count > self.max_members:
            raise self.refuse(f"more than {self.max_members} members")
        self.declared += max(0, size)
        if self.declared > self.max_uncompressed:
            raise self.refuse(
                f"more than {self.max_uncompressed} bytes uncompressed (at member {name!r}):"
                " a decompression bomb or an implausibly large sdist"
            )


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class _CappedReader(io.RawIOBase):
    """A read-only stream that refuses to hand out more than ``cap`` bytes in total."""

    def __init__(self, inner: _Readable, cap: int, refuse: Callable[[str], UnsafeArchive]) -> None:
        self._inner = inner
        self._cap = cap
        self._refuse = refuse
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        self.total += len(data)
        if self.total > self._cap:
            raise self._refuse(
                f"inflates past {self._cap} bytes: a decompression bomb or an implausibly"
                " large sdist"
            )
        buffer[: len(data)] = data
        return len(data)


def _decompressor(filename: str, raw: IO[bytes]) -> _Readable:
    lower = filename.lower()
    if lower.endswith((".tar.gz", ".tgz")):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if lower.endswith((".tar.bz2", ".tbz2")):
        return bz2.BZ2File(raw, mode="rb")
    if lower.endswith((".tar.xz", ".txz")):
        return lzma.LZMAFile(raw, mode="rb")
    if lower.endswith(".tar"):
        return raw
    raise ArchiveError(
        f"{filename}: not a .tar.gz, .tar.bz2, .tar.xz or .zip sdist",
        hint="wheelcast reads only the sdist formats pip builds from",
    )


class _Collector:
    def __init__(self, limits: _Limits) -> None:
        self.limits = limits
        self.members: list[tuple[str, int]] = []
        self.contents: list[tuple[str, str]] = []
        self.unread: list[str] = []
        self.includes: dict[str, str] = {}
        self.text_bytes = 0
        self.scanned = 0

    def wants(self, path: str, size: int) -> int:
        """Record a regular file; how many of its first bytes to read (0: none)."""
        self.members.append((path, size))
        rel = _relative(path)
        if rel is None:
            return 0
        if is_build_file(rel):
            nested = "/" in rel
            over = nested and (
                len(self.contents) >= MAX_BUILD_FILES or self.text_bytes + size > MAX_BUILD_TEXT
            )
            if size > self.limits.max_read or over:
                self.unread.append(path)
                return 0
            self.text_bytes += size
            return self.limits.max_read + 1
        if self.scanned < MAX_SCANNED_SOURCES and is_scanned_source(rel):
            self.scanned += 1
            return INCLUDE_HEAD
        return 0

    def add_text(self, path: str, data: bytes) -> None:
        rel = _relative(path)
        if rel is not None and not is_build_file(rel):
            for header in _includes(data):
                self.includes.setdefault(header, path)
            return
        self.contents.append((path, data[: self.limits.max_read].decode("utf-8", "replace")))

    def listing(self) -> SdistListing:
        tops = {p.split("/", 1)[0] for p, _ in self.members if "/" in p}
        top = tops.pop() if len(tops) == 1 and all("/" in p for p, _ in self.members) else ""

        def strip(path: str) -> str:
            return path.split("/", 1)[1] if top else path

        return SdistListing(
            filename=self.limits.filename,
            top=top,
            members=tuple((strip(p), s) for p, s in self.members),
            contents=tuple((strip(p), t) for p, t in self.contents if not top or "/" in p),
            unread=tuple(strip(p) for p in self.unread),
            includes=tuple(sorted((h, strip(p)) for h, p in self.includes.items())),
        )


def _relative(path: str) -> str | None:
    """A member path below the top folder; None for a file directly at the archive root."""
    return path.split("/", 1)[1] if "/" in path else None


def _read_tar(stream: IO[bytes], collector: _Collector) -> None:
    limits = collector.limits
    # "r|": a forward-only stream; members are visited once and their data skipped by reading.
    with tarfile.open(fileobj=stream, mode="r|", tarinfo=CappedTarInfo) as archive:
        for member in archive:
            archive.members.clear()  # type: ignore[attr-defined] # kept for random access
            path = limits.check_name(member.name).strip("/")
            if member.issym() or member.islnk():
                kind = "symbolic" if member.issym() else "hard"
                raise limits.refuse(
                    f"member {member.name!r} is a {kind} link (to {member.linkname!r})"
                )
            if member.isdev():
                raise limits.refuse(f"member {member.name!r} is a device or FIFO")
            if not (member.isfile() or member.isdir()):
                raise limits.refuse(f"member {member.name!r} is not a file or folder")
            limits.count_member(member.name, member.size)
            if member.isdir() or not path:
                continue
            while path.startswith("./"):
                path = path[2:]
            if head := collector.wants(path, member.size):
                handle = archive.extractfile(member)
                if handle is not None:
                    collector.add_text(path, handle.read(head))


class _Unusual(Exception):
    """The fast tar reader met something it does not know; tarfile reads the archive instead."""


def _gzip_chunks(raw: IO[bytes]) -> Iterator[bytes]:
    """The inflated bytes of a one-member gzip file, at most ``_CHUNK`` at a time."""
    inflater = zlib.decompressobj(wbits=31)  # gzip header and trailer (CRC, size) checked by zlib
    while not inflater.eof:
        data = inflater.unconsumed_tail or raw.read(_CHUNK)
        # At the end of the input, ``b""`` drains what zlib still holds; nothing more
        # while the stream is unfinished means the file is truncated.
        out = inflater.decompress(data, _CHUNK)
        if out:
            yield out
        elif not data:
            raise _Unusual
    if inflater.unused_data or raw.read(1):
        raise _Unusual  # a second gzip member (or padding): GzipFile's rules apply


def _file_chunks(inflated: _Readable) -> Iterator[bytes]:
    while chunk := inflated.read(_CHUNK):
        yield chunk


class _TarStream:
    """The inflated tar as a cursor over large chunks, counted against the inflate cap."""

    def __init__(self, chunks: Iterator[bytes], limits: _Limits) -> None:
        self._chunks = chunks
        self._limits = limits
        self._buffer = b""
        self._pos = 0
        self._total = 0

    def _pull(self) -> bytes:
        chunk = next(self._chunks, b"")
        if not chunk:
            raise _Unusual  # truncated: tarfile words the error (or ends the listing)
        self._total += len(chunk)
        cap = self._limits.max_uncompressed
        if self._total > cap:
            raise self._limits.refuse(
                f"inflates past {cap} bytes: a decompression bomb or an implausibly large sdist"
            )
        return chunk

    def take(self, size: int) -> bytes:
        end = self._pos + size
        if end <= len(self._buffer):
            data = self._buffer[self._pos : end]
            self._pos = end
            return data
        parts = [self._buffer[self._pos :]]
        held = len(parts[0])
        while held < size:
            chunk = self._pull()
            parts.append(chunk)
            held += len(chunk)
        self._buffer = b"".join(parts)
        self._pos = size
        return self._buffer[:size]

    def skip(self, size: int) -> None:
        left = size - (len(self._buffer) - self._pos)
        if left <= 0:
            self._pos += size
            return
        while True:  # chunks wholly inside the skipped data are dropped unjoined
            chunk = self._pull()
            if left <= len(chunk):
                self._buffer, self._pos = chunk, left
                return
            left -= len(chunk)


def _padded(size: int) -> int:
    return -(-size // _BLOCK) * _BLOCK


def _octal(block: bytes, start: int, end: int) -> int:
    match = _OCTAL.fullmatch(block, start, end)
    if match is None:
        raise _Unusual
    return int(match.group(1) or b"0", 8)


def _nts(field: bytes) -> str:
    """A NUL-terminated string field, decoded as tarfile decodes names."""
    return field.split(b"\0", 1)[0].decode(tarfile.ENCODING, "surrogateescape")


def _header(block: bytes) -> tuple[bytes, str, int]:
    """``(type, name, size)`` of a header, exactly as ``TarInfo.frombuf`` reads it."""
    kind = block[156:157]
    if kind not in _PLAIN_TYPES and kind not in _NAMING_TYPES:
        raise _Unusual
    common = _COMMON_NUMBERS.fullmatch(block, 100, 156)
    if common is not None and _COMMON_DEVICE.fullmatch(block, 329, 345):
        size, checksum = int(common[1], 8), int(common[2] or common[3], 8)
    else:
        for start, end in _NUMERIC_FIELDS:  # tarfile refuses a header where any is malformed
            _octal(block, start, end)
        size, checksum = _octal(block, 124, 136), _octal(block, 148, 156)
    # tarfile also accepts the signed sum of old tars; a header that needs it is unusual.
    if checksum != 256 + sum(block) - sum(block[148:156]):
        raise _Unusual
    name = _nts(block[:100])
    prefix = _nts(block[345:500])
    if kind == tarfile.AREGTYPE and name.endswith("/"):
        kind = tarfile.DIRTYPE  # an old tar's folder
    if kind == tarfile.DIRTYPE:
        name = name.rstrip("/")
    if prefix:
        name = prefix + "/" + name
    return kind, name, size


def _pax(data: bytes, size: int) -> tuple[str | None, int | None]:
    """``path`` and ``size`` of well-formed PAX records; anything tarfile treats specially
    (a charset, sparse maps) or that it might parse differently is unusual."""
    if data[size:].strip(b"\0"):
        raise _Unusual
    path: str | None = None
    length: int | None = None
    pos = 0
    while pos < size:
        space = data.find(b" ", pos, size)
        count = data[pos:space]
        if space < 0 or not count.isdigit():
            raise _Unusual
        end = pos + int(count)
        equals = data.find(b"=", space + 1, end)
        if end > size or equals <= space + 1 or data[end - 1 : end] != b"\n":
            raise _Unusual
        try:
            keyword = data[space + 1 : equals].decode("utf-8")
            value = data[equals + 1 : end - 1].decode("utf-8")
        except UnicodeDecodeError:
            raise _Unusual from None
        if keyword == "hdrcharset" or keyword.startswith("GNU.sparse"):
            raise _Unusual
        if keyword == "path":
            path = value.rstrip("/")
        elif keyword == "size":
            if not (value.isascii() and value.isdigit()):
                raise _Unusual
            length = int(value)
        pos = end
    return path, length


def _read_tar_fast(chunks: Iterator[bytes], collector: _Collector) -> None:
    """What :func:`_read_tar` records, for the archives every sdist tool writes."""
    limits = collector.limits
    stream = _TarStream(chunks, limits)
    while True:
        block = stream.take(_BLOCK)
        if block == _ZERO_BLOCK:
            return  # the end-of-archive marker: tarfile stops here too
        kind, name, size = _header(block)
        if kind in _NAMING_TYPES:
            if size > MAX_HEADER_RECORD:  # refused before a byte of it is held
                raise limits.refuse(
                    f"a tar header record of {size} bytes, over the {MAX_HEADER_RECORD} byte cap"
                )
            # A record naming the member whose header follows (tarfile's _proc_pax and
            # _proc_gnulong): one level only, anything deeper is left to tarfile.
            data = stream.take(_padded(size))
            long_name = _nts(data) if kind == tarfile.GNUTYPE_LONGNAME else None
            path, length = (None, None) if long_name is not None else _pax(data, size)
            kind, name, size = _header(stream.take(_BLOCK))
            if kind not in _PLAIN_TYPES:
                raise _Unusual
            if long_name is not None:
                name = long_name.removesuffix("/") if kind == tarfile.DIRTYPE else long_name
            name = name if path is None else path
            size = size if length is None else length
        path = limits.check_name(name).strip("/")
        limits.count_member(name, size)
        if kind == tarfile.DIRTYPE:
            continue  # tarfile skips no data after a folder, whatever its size says
        if not path:
            stream.skip(_padded(size))
            continue
        while path.startswith("./"):
            path = path[2:]
        if wanted := collector.wants(path, size):
            head = min(size, wanted)
            collector.add_text(path, stream.take(head))
            stream.skip(_padded(size) - head)
        else:
            stream.skip(_padded(size))


def _read_zip(raw: IO[bytes], collector: _Collector) -> None:
    limits = collector.limits
    # zipfile parses the whole central directory on opening: its size is checked first.
    if problem := zip_directory_problem(raw, limits.max_members, caps.ZIP_MAX_DIRECTORY):
        raise limits.refuse(problem)
    with zipfile.ZipFile(raw) as archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise limits.refuse(f"more than {limits.max_members} members")
        for info in infos:  # check every entry before reading any
            limits.check_name(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise limits.refuse(f"member {info.filename!r} is a symbolic link")
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode):
                raise limits.refuse(f"member {info.filename!r} is a device or FIFO")
            if stat.S_ISSOCK(mode):
                raise limits.refuse(f"member {info.filename!r} is a socket")
            limits.count_member(info.filename, info.file_size)
        for info in infos:
            path = info.filename.replace("\\", "/").strip("/")
            if info.is_dir() or not path:
                continue
            if head := collector.wants(path, info.file_size):
                with archive.open(info) as handle:  # reads no further than the declared size
                    collector.add_text(path, handle.read(head))


def read_sdist(
    path: Path | str,
    *,
    filename: str | None = None,
    max_compressed: int = MAX_COMPRESSED,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_members: int = MAX_MEMBERS,
    max_read: int = MAX_READ,
) -> SdistListing:
    """List the sdist at ``path`` (named ``filename``, default the path's name); see the module.

    Raises ``UnsafeArchive`` for a hostile or oversized archive, ``ArchiveError`` for one
    that is not a readable sdist.
    """
    path = Path(path)
    name = filename or path.name
    limits = _Limits(name, max_uncompressed, max_members, max_read)
    collector = _Collector(limits)
    try:
        size = path.stat().st_size
        if size > max_compressed:
            raise limits.refuse(f"the file is {size} bytes, over the {max_compressed} byte cap")
        with path.open("rb") as raw:
            if name.lower().endswith(".zip"):
                _read_zip(raw, collector)
                return collector.listing()
            if _read_tar_fast_from(raw, name, collector):
                return collector.listing()
            # The fast reader gave up: tarfile reads it again from the start, and its
            # listing or error is the answer.
            collector = _Collector(_Limits(name, max_uncompressed, max_members, max_read))
            raw.seek(0)
            inflated = _decompressor(name, raw)
            try:
                capped = _CappedReader(inflated, max_uncompressed, collector.limits.refuse)
                _read_tar(io.BufferedReader(capped, _CHUNK), collector)
            except RefusedHeader as exc:
                raise collector.limits.refuse(exc.problem) from None
            finally:
                inflated.close()
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError, lzma.LZMAError) as exc:
        raise ArchiveError(f"{name}: not a readable sdist: {exc}", _UNREADABLE_HINT) from exc
    return collector.listing()


def _read_tar_fast_from(raw: IO[bytes], name: str, collector: _Collector) -> bool:
    """Run :func:`_read_tar_fast` over the sdist's inflated bytes; False when it gave up."""
    try:
        if _is_gzip(name):
            _read_tar_fast(_gzip_chunks(raw), collector)
            return True
        inflated = _decompressor(name, raw)
        try:
            _read_tar_fast(_file_chunks(inflated), collector)
        finally:
            if inflated is not raw:  # a plain .tar: raw is read again by tarfile
                inflated.close()
    except (_Unusual, zlib.error, OSError, EOFError, ValueError, lzma.LZMAError):
        return False
    return True


def _is_gzip(filename: str) -> bool:
    return filename.lower().endswith((".tar.gz", ".tgz"))
