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
further than their declared sizes). A build file larger than ``max_read`` is listed but not
read (:attr:`SdistListing.unread`).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import stat
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final, Protocol

from wheelcast.errors import ArchiveError, UnsafeArchive

__all__ = [
    "MAX_COMPRESSED",
    "MAX_MEMBERS",
    "MAX_READ",
    "MAX_UNCOMPRESSED",
    "SdistListing",
    "is_ancillary",
    "is_build_file",
    "read_sdist",
]

MAX_COMPRESSED: Final = 200 * 1024 * 1024
MAX_UNCOMPRESSED: Final = 2 * 1024 * 1024 * 1024
MAX_MEMBERS: Final = 100_000
MAX_READ: Final = 1024 * 1024
_CHUNK: Final = 1024 * 1024

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
        "manual tests",
        "test cases",
    }
)
_TOP_FILES: Final = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "PKG-INFO"})


def is_ancillary(path: str) -> bool:
    """True when a path (relative to the sdist's top folder) is in tests/docs/vendored code."""
    for part in path.lower().split("/")[:-1]:
        name = part.lstrip("_.")
        if name in _ANCILLARY or name.startswith(("vendored-", "vendored_", "test_")):
            return True
    return False


def is_build_file(path: str) -> bool:
    """The files a build analysis reads, by path relative to the sdist's top folder.

    Top level: ``pyproject.toml``, ``setup.py``, ``setup.cfg``, ``PKG-INFO``; every
    ``meson.build`` and ``Cargo.toml`` outside tests/docs/vendored code (meson's
    ``add_languages`` may sit in a subdir, Cargo workspaces nest); ``CMakeLists.txt`` at
    the top and one level down.
    """
    parts = path.split("/")
    name = parts[-1]
    if len(parts) == 1 and name in _TOP_FILES:
        return True
    if name == "CMakeLists.txt":
        return len(parts) <= 2 and not is_ancillary(path)
    return name in ("meson.build", "Cargo.toml") and not is_ancillary(path)


@dataclass(frozen=True, slots=True)
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

    def text(self, path: str) -> str | None:
        """The text of one build file, or None when the sdist has none (or it was unread)."""
        for name, text in self.contents:
            if name == path:
                return text
        return None

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

    def wants(self, path: str, size: int) -> bool:
        """Record a regular file; True when its text should be read."""
        self.members.append((path, size))
        rel = _relative(path)
        if rel is None or not is_build_file(rel):
            return False
        if size > self.limits.max_read:
            self.unread.append(path)
            return False
        return True

    def add_text(self, path: str, data: bytes) -> None:
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
        )


def _relative(path: str) -> str | None:
    """A member path below the top folder; None for a file directly at the archive root."""
    return path.split("/", 1)[1] if "/" in path else None


def _read_tar(stream: IO[bytes], collector: _Collector) -> None:
    limits = collector.limits
    # "r|": a forward-only stream; members are visited once and their data skipped by reading.
    with tarfile.open(fileobj=stream, mode="r|") as archive:
        for member in archive:
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
            if collector.wants(path, member.size):
                handle = archive.extractfile(member)
                if handle is not None:
                    collector.add_text(path, handle.read(limits.max_read + 1))


def _read_zip(raw: IO[bytes], collector: _Collector) -> None:
    limits = collector.limits
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
            if collector.wants(path, info.file_size):
                with archive.open(info) as handle:  # reads no further than the declared size
                    collector.add_text(path, handle.read(limits.max_read + 1))


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
            else:
                inflated = _decompressor(name, raw)
                try:
                    capped = _CappedReader(inflated, max_uncompressed, limits.refuse)
                    _read_tar(io.BufferedReader(capped, _CHUNK), collector)
                finally:
                    inflated.close()
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError, lzma.LZMAError) as exc:
        raise ArchiveError(f"{name}: not a readable sdist: {exc}", _UNREADABLE_HINT) from exc
    return collector.listing()
