"""A wheel's METADATA through HTTP range requests, as pip's ``lazy_wheel`` and uv do.

The zip is read by hand from its end: the end-of-central-directory record (and the ZIP64
one), the central directory, then ``*.dist-info/METADATA``'s local header and data, stored
or deflated. The tail the caller fetched usually holds the directory and often METADATA
too; otherwise one range fetches what the directory lacks and, in the same request, the
bytes before it where METADATA usually sits, and one more range the member if it is not
there.
Hand-rolled: zipfile re-parses the whole directory on every retry and finds gaps by failing.

Anything unusual (a comment after the end record, a split archive, bytes prefixed to the
zip, encryption, another compression, an odd extra field, a checksum mismatch) hands the
wheel to the general path: ``SparseFile`` is a read-only file object of a known size that
holds only some byte ranges, ``zipfile.ZipFile`` runs over it unchanged, a read outside
the held ranges raises ``NeedBytes`` naming the missing range and the caller fetches it
and tries again. Either way only the end records, the central directory and the METADATA
member are downloaded.
"""

from __future__ import annotations

import bisect
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from wheelcast.errors import IndexPageError
from wheelcast.index._dist import wheel_metadata_name
from wheelcast.runtime.limits import MAX_METADATA_BYTES

TAIL_BYTES = 65536  # the end of a wheel: central directory and, usually, METADATA itself
DIRECTORY_MARGIN = 1024 * 1024  # at most this much more is read before a fetched directory
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

    def get(self, start: int, end: int) -> bytes | None:
        """The bytes ``[start, end)`` when they are all held, else None."""
        if start < 0 or end > self.size or start > end:
            return None
        index = bisect.bisect(self._starts, start) - 1
        if index < 0:
            return None
        chunk_start = self._starts[index]
        chunk = self._chunks[index]
        if chunk_start + len(chunk) < end:
            return None
        return chunk[start - chunk_start : end - chunk_start]

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
RangeFetcher = Callable[[int, int], bytes]


# The records of the zip format (APPNOTE 4.3), as zipfile spells them.
_END: Final = struct.Struct("<4s4H2LH")  # end of central directory
_END64_LOCATOR: Final = struct.Struct("<4sLQL")
_END64: Final = struct.Struct("<4sQ2H2L4Q")  # ZIP64 end of central directory, no extension
_CENTRAL: Final = struct.Struct("<4s4B4HL2L5H2L")  # a central directory entry
# The fields of an entry that a scan of the whole directory needs: signature, version
# needed to extract, flags, lengths of name, extra field and comment, local header offset.
_SCAN: Final = struct.Struct("<4s2xBxH18x3H8xL")
_LOCAL: Final = struct.Struct("<4s2B4HL2L2H")  # a local file header
_SIG_END: Final = b"PK\x05\x06"
_SIG_END64_LOCATOR: Final = b"PK\x06\x07"
_SIG_END64: Final = b"PK\x06\x06"
_SIG_CENTRAL: Final = b"PK\x01\x02"
_SIG_LOCAL: Final = b"PK\x03\x04"
_UTF8_NAME: Final = 0x800
_UNSUPPORTED_FLAGS: Final = 0x1 | 0x20 | 0x40  # encrypted, patched data, strong encryption
_MAX_EXTRACT_VERSION: Final = 63  # what zipfile reads; a later one makes it refuse
_ZIP64_EXTRA: Final = 0x0001
_UNICODE_PATH_EXTRA: Final = 0x7075  # renames an entry in newer zipfiles: left to them
_OTHER_SEP: Final = os.sep if os.sep != "/" else ""  # zipfile turns it into "/" in names
_STORED: Final = 0
_DEFLATED: Final = 8


class _Unusual(Exception):
    """The hand-rolled reader will not vouch for this zip; ``zipfile`` reads it instead."""


@dataclass(frozen=True, slots=True)
class _Entry:
    """What a central directory entry says of one member."""

    raw_name: bytes
    flags: int
    method: int
    crc: int
    compressed: int
    size: int
    offset: int


def _held(sparse: SparseFile, fetch: RangeFetcher, start: int, end: int) -> bytes:
    """``[start, end)`` of the file, fetching in one request whatever ``sparse`` lacks."""
    gap = sparse.missing(start, end)
    if gap is not None:
        sparse.add(gap[0], fetch(*gap))
    data = sparse.get(start, end)
    if data is None:
        raise _Unusual  # the server answered less than was asked
    return data


def _entry(directory: bytes, pos: int) -> _Entry:
    """The central directory entry at ``pos``, its ZIP64 extra field applied as
    ``ZipInfo._decodeExtra`` does; an extra field that zipfile might read otherwise is unusual."""
    fields = _CENTRAL.unpack_from(directory, pos)
    flags, method, crc, compressed, size = fields[5:7] + fields[9:12]
    name_len, extra_len, offset = fields[12], fields[13], fields[18]
    name_at = pos + _CENTRAL.size
    raw_name = directory[name_at : name_at + name_len]
    extra = directory[name_at + name_len : name_at + name_len + extra_len]
    at = 0
    while len(extra) - at >= 4:
        kind, length = struct.unpack_from("<HH", extra, at)
        data = extra[at + 4 : at + 4 + length]
        if len(data) != length or kind == _UNICODE_PATH_EXTRA:
            raise _Unusual
        if kind == _ZIP64_EXTRA:
            values = [v for (v,) in struct.iter_unpack("<Q", data[: len(data) // 8 * 8])]
            wanted = (size == 0xFFFFFFFF, compressed == 0xFFFFFFFF, offset == 0xFFFFFFFF)
            if sum(wanted) > len(values):
                raise _Unusual
            found = iter(values)
            size = next(found) if wanted[0] else size
            compressed = next(found) if wanted[1] else compressed
            offset = next(found) if wanted[2] else offset
        at += 4 + length
    return _Entry(raw_name, flags, method, crc, compressed, size, offset)


def _directory_span(sparse: SparseFile) -> tuple[int, int, int]:
    """``(start, size, entries)`` of the central directory, from the held end records."""
    end_at = sparse.size - _END.size
    record = sparse.get(end_at, sparse.size) if end_at >= 0 else None
    if record is None:
        raise _Unusual
    sig, disk, cd_disk, _, entries, cd_size, cd_offset, comment = _END.unpack(record)
    if sig != _SIG_END or comment != 0 or disk != 0 or cd_disk != 0:
        raise _Unusual  # a comment (the record may sit elsewhere) or a split archive
    locator_at = end_at - _END64_LOCATOR.size
    locator = sparse.get(locator_at, end_at) if locator_at >= 0 else None
    if locator is None or locator[:4] != _SIG_END64_LOCATOR:
        if cd_offset + cd_size != end_at:
            raise _Unusual  # bytes before the zip or between its parts: zipfile's "concat"
        return cd_offset, cd_size, entries
    _, locator_disk, record_at, disks = _END64_LOCATOR.unpack(locator)
    if locator_disk != 0 or disks > 1 or record_at != locator_at - _END64.size:
        raise _Unusual  # zipfile reads the ZIP64 record right before the locator, nowhere else
    record64 = sparse.get(record_at, locator_at)
    if record64 is None:
        raise _Unusual
    sig64, _, _, _, disk64, cd_disk64, _, entries64, cd_size64, cd_offset64 = _END64.unpack(
        record64
    )
    if sig64 != _SIG_END64 or disk64 != 0 or cd_disk64 != 0 or cd_offset64 + cd_size64 != record_at:
        raise _Unusual
    return cd_offset64, cd_size64, entries64


def _scan(directory: bytes, count: int) -> tuple[list[str], dict[str, int], list[int]]:
    """Every member's name (as ``ZipFile.namelist()`` has them), where the last entry of each
    name starts in ``directory``, and every member's local header offset."""
    names: list[str] = []
    where: dict[str, int] = {}
    offsets: list[int] = []
    scan = _SCAN.unpack_from
    pos = 0
    while pos < len(directory):
        sig, version, flags, name_len, extra_len, comment_len, offset = scan(directory, pos)
        if sig != _SIG_CENTRAL or version > _MAX_EXTRACT_VERSION:
            raise _Unusual
        name_at = pos + _SCAN.size
        raw_name = directory[name_at : name_at + name_len]
        name = raw_name.decode("utf-8" if flags & _UTF8_NAME else "cp437")
        if "\0" in name or (_OTHER_SEP and _OTHER_SEP in name):
            raise _Unusual  # zipfile cuts or rewrites such names
        if extra_len:  # checked as zipfile checks it, and the offset may be in it
            offset = _entry(directory, pos).offset
        names.append(name)
        where[name] = pos
        offsets.append(offset)
        pos = name_at + name_len + extra_len + comment_len
    if pos != len(directory) or len(names) != count:
        raise _Unusual
    return names, where, offsets


def _member_data(entry: _Entry, blob: bytes) -> bytes:
    """The member's bytes from ``blob``, its local header onwards, checked as zipfile does."""
    if len(blob) < _LOCAL.size:
        raise _Unusual
    # zipfile takes the method and sizes from the directory, never from the local header.
    sig, _, _, flags, _, _, _, _, _, _, name_len, extra_len = _LOCAL.unpack_from(blob)
    start = _LOCAL.size + name_len + extra_len
    data = blob[start : start + entry.compressed]
    if (
        sig != _SIG_LOCAL
        or blob[_LOCAL.size : _LOCAL.size + name_len] != entry.raw_name
        or (flags ^ entry.flags) & _UTF8_NAME
        or entry.flags & _UNSUPPORTED_FLAGS
        or len(data) != entry.compressed
    ):
        raise _Unusual
    if entry.method == _STORED:
        content = data
    elif entry.method == _DEFLATED:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        content = inflater.decompress(data, entry.size + 1)
        if not inflater.eof:
            raise _Unusual
    else:
        raise _Unusual
    if len(content) != entry.size or zlib.crc32(content) != entry.crc:
        raise _Unusual
    return content


def _metadata_by_hand(sparse: SparseFile, fetch: RangeFetcher, filename: str, url: str) -> bytes:
    """METADATA read from the zip's records; raises ``_Unusual`` for anything else."""
    # The end records: in the tail the caller fetched, unless that was shorter than them.
    records = _END.size + _END64_LOCATOR.size + _END64.size
    _held(sparse, fetch, max(0, sparse.size - records), sparse.size)
    cd_start, cd_size, count = _directory_span(sparse)
    cd_end = cd_start + cd_size
    if sparse.missing(cd_start, cd_end) is not None:
        # A directory larger than the tail: the wheel's dist-info members come last, so
        # METADATA sits before the directory, past RECORD (about as large as the
        # directory). One range brings both: a cold check waited a round trip more on
        # each of its largest wheels.
        reach = min(cd_size + TAIL_BYTES, DIRECTORY_MARGIN)
        _held(sparse, fetch, max(0, cd_start - reach), cd_end)
    directory = _held(sparse, fetch, cd_start, cd_end)
    names, where, offsets = _scan(directory, count)
    name = wheel_metadata_name(names, filename, url)
    entry = _entry(directory, where[name])
    if entry.size > MAX_METADATA_BYTES:
        raise IndexPageError(f"{url}: {name} is implausibly large", hint=_BROKEN_HINT)
    # The member ends where the next one (or the directory) starts: one range holds its
    # local header, whose name and extra field may differ in length from the directory's.
    later = [offset for offset in offsets if offset > entry.offset]
    end = min(later, default=cd_start)
    if end > cd_start or entry.offset + _LOCAL.size > end:
        raise _Unusual
    return _member_data(entry, _held(sparse, fetch, entry.offset, end))


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


def metadata_from_ranges(sparse: SparseFile, fetch: RangeFetcher, filename: str, url: str) -> bytes:
    """Read the METADATA member, fetching whatever ``sparse`` lacks; see the module docstring."""
    try:
        return _metadata_by_hand(sparse, fetch, filename, url)
    except (_Unusual, struct.error, UnicodeDecodeError, zlib.error):
        pass  # zipfile decides, from the bytes already held
    for _ in range(MAX_ROUNDS):
        try:
            return _read_member(sparse, filename, url)
        except NeedBytes as need:
            sparse.add(need.start, fetch(need.start, need.end))
        except (
            zipfile.BadZipFile,
            EOFError,
            ValueError,
            NotImplementedError,
            zlib.error,  # a member whose deflate stream is damaged
            struct.error,
        ) as exc:
            raise IndexPageError(f"{url}: not a readable wheel: {exc}", _BROKEN_HINT) from exc
    raise IndexPageError(
        f"{url}: the wheel's METADATA could not be located with range requests",
        hint="the server may answer ranges inconsistently; retry with --refresh",
    )
