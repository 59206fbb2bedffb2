"""A wheel's METADATA through HTTP range requests, as pip's ``lazy_wheel`` and uv do.

``SparseFile`` is a read-only file object of a known size that holds only some byte ranges.
``zipfile.ZipFile`` runs over it unchanged; a read outside the held ranges raises
``NeedBytes`` naming the missing range, the caller fetches it and tries again. Only the
zip's end records, its central directory and the METADATA member are ever downloaded.
"""

from __future__ import annotations

import bisect
import os
import zipfile
from collections.abc import Awaitable, Callable

from wheelcast.errors import IndexPageError
from wheelcast.index._dist import MAX_METADATA_BYTES, wheel_metadata_name

TAIL_BYTES = 65536  # the end of a wheel: central directory and, usually, METADATA itself
MAX_ROUNDS = 8  # each round fetches one missing range; a sane wheel needs at most three
_BROKEN_HINT = "the index serves a broken wheel; report it to the project"


class NeedBytes(Exception):
    """``zipfile`` asked for ``[start, end)`` and the sparse file does not hold it."""

    def __init__(self, start: int, end: int) -> None:
        super().__init__(f"need bytes {start}..{end - 1}")
        self.start = start
        self.end = end


class SparseFile:
    """A seekable, read-only view of a remote file of ``size`` bytes holding some ranges."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._starts: list[int] = []
        self._chunks: list[bytes] = []
        self._pos = 0

    def add(self, start: int, data: bytes) -> None:
        """Hold ``data`` at ``start``; overlapping and adjacent chunks are merged."""
        merged_start, merged = start, data
        keep_starts, keep_chunks = [], []
        for s, chunk in zip(self._starts, self._chunks, strict=True):
            e = s + len(chunk)
            if e < merged_start or s > merged_start + len(merged):
                keep_starts.append(s)
                keep_chunks.append(chunk)
                continue
            lo = min(s, merged_start)
            buf = bytearray(max(e, merged_start + len(merged)) - lo)
            buf[s - lo : e - lo] = chunk
            buf[merged_start - lo : merged_start - lo + len(merged)] = merged
            merged_start, merged = lo, bytes(buf)
        index = bisect.bisect(keep_starts, merged_start)
        keep_starts.insert(index, merged_start)
        keep_chunks.insert(index, merged)
        self._starts, self._chunks = keep_starts, keep_chunks

    def missing(self, start: int, end: int) -> tuple[int, int] | None:
        """The smallest range covering what is not held in ``[start, end)``, or None."""
        end = min(end, self.size)
        if start >= end:
            return None
        index = bisect.bisect(self._starts, start) - 1
        if index >= 0:
            held_end = self._starts[index] + len(self._chunks[index])
            if held_end >= end:
                return None
            start = max(start, held_end)
        following = index + 1
        if following < len(self._starts):
            next_start = self._starts[following]
            if start < next_start < end <= next_start + len(self._chunks[following]):
                end = next_start  # the tail of the range is already held
        return start, end

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET, /) -> int:
        if whence == os.SEEK_SET:
            pos = offset
        elif whence == os.SEEK_CUR:
            pos = self._pos + offset
        elif whence == os.SEEK_END:
            pos = self.size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise OSError("negative seek position")
        self._pos = pos
        return pos

    def read(self, n: int = -1, /) -> bytes:
        start = self._pos
        end = self.size if n is None or n < 0 else min(self.size, start + n)
        if start >= end:
            return b""
        gap = self.missing(start, end)
        if gap is not None:
            raise NeedBytes(*gap)
        index = bisect.bisect(self._starts, start) - 1
        chunk_start = self._starts[index]
        data = self._chunks[index][start - chunk_start : end - chunk_start]
        self._pos = end
        return data


# Fetch ``[start, end)`` of the remote file; returns the bytes at ``start``.
RangeFetcher = Callable[[int, int], Awaitable[bytes]]


def _read_member(sparse: SparseFile, filename: str, url: str) -> bytes:
    """One attempt at the METADATA member; raises ``NeedBytes`` for what is missing."""
    with zipfile.ZipFile(sparse) as zf:
        name = wheel_metadata_name(zf.namelist(), filename, url)
        info = zf.getinfo(name)
        if info.file_size > MAX_METADATA_BYTES:
            raise IndexPageError(f"{url}: {name} is implausibly large", hint=_BROKEN_HINT)
        # Ask for the whole member at once: its local header, name, extra and data end
        # where the next member (or the central directory) starts.
        later = [i.header_offset for i in zf.infolist() if i.header_offset > info.header_offset]
        gap = sparse.missing(info.header_offset, min(later, default=zf.start_dir))
        if gap is not None:
            raise NeedBytes(*gap)
        return zf.read(name)


async def metadata_from_ranges(
    sparse: SparseFile, fetch: RangeFetcher, filename: str, url: str
) -> bytes:
    """Read the METADATA member, fetching whatever ``zipfile`` needs and ``sparse`` lacks."""
    for _ in range(MAX_ROUNDS):
        try:
            return _read_member(sparse, filename, url)
        except NeedBytes as need:
            sparse.add(need.start, await fetch(need.start, need.end))
        except (zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise IndexPageError(f"{url}: not a readable wheel: {exc}", _BROKEN_HINT) from exc
    raise IndexPageError(
        f"{url}: the wheel's METADATA could not be located with range requests",
        hint="the server may answer ranges inconsistently; retry with --refresh",
    )
