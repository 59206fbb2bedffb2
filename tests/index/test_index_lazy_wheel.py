from __future__ import annotations

import asyncio
import io
import os

import pytest
from tests.index.index_support import build_wheel

from wheelcast.errors import IndexPageError
from wheelcast.index._lazy_wheel import NeedBytes, SparseFile, metadata_from_ranges


class TestSparseFile:
    def test_merge_and_missing(self) -> None:
        sparse = SparseFile(100)
        sparse.add(10, b"a" * 10)
        sparse.add(30, b"b" * 10)
        assert sparse.missing(10, 20) is None
        assert sparse.missing(15, 35) == (20, 30)  # [30, 40) is held
        assert sparse.missing(0, 5) == (0, 5)
        sparse.add(20, b"c" * 10)  # bridges the two chunks
        assert sparse.missing(10, 40) is None
        assert sparse.missing(10, 500) == (40, 100)

    def test_read_and_seek(self) -> None:
        sparse = SparseFile(10)
        sparse.add(5, b"56789")
        assert sparse.seek(-3, os.SEEK_END) == 7
        assert sparse.read() == b"789"
        assert sparse.read(4) == b""
        sparse.seek(4)
        with pytest.raises(NeedBytes) as info:
            sparse.read(2)
        assert (info.value.start, info.value.end) == (4, 5)


def _run(data: bytes, tail: int) -> tuple[bytes, list[tuple[int, int]]]:
    fetched: list[tuple[int, int]] = []

    async def fetch(start: int, end: int) -> bytes:
        fetched.append((start, end))
        return data[start:end]

    sparse = SparseFile(len(data))
    sparse.add(max(0, len(data) - tail), data[-tail:])
    raw = asyncio.run(metadata_from_ranges(sparse, fetch, "demo-1.0-py3-none-any.whl", "u"))
    return raw, fetched


class TestMetadataFromRanges:
    def test_in_tail(self) -> None:
        data = build_wheel("demo", "1.0", "dep>=1", before={"demo/big.bin": os.urandom(200_000)})
        raw, fetched = _run(data, 65536)
        assert b"Requires-Dist: dep>=1" in raw
        assert fetched == []

    def test_outside_tail(self) -> None:
        data = build_wheel("demo", "1.0", after={"demo/big.bin": os.urandom(200_000)})
        raw, fetched = _run(data, 65536)
        assert raw.startswith(b"Metadata-Version")
        assert len(fetched) == 1
        start, end = fetched[0]
        assert end - start < 4096  # only the METADATA member, not the big file

    def test_central_directory_outside_tail(self) -> None:
        many = {f"demo/m{i:05}.py": "" for i in range(3000)}
        data = build_wheel("demo", "1.0", before=many)
        raw, fetched = _run(data, 1024)
        assert raw.startswith(b"Metadata-Version")
        assert fetched  # the directory needed another range

    def test_not_a_zip(self) -> None:
        with pytest.raises(IndexPageError, match="not a readable wheel"):
            _run(b"x" * 5000, 1000)

    def test_no_metadata(self) -> None:
        buffer = io.BytesIO()
        import zipfile  # noqa: PLC0415

        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("demo/__init__.py", "")
        with pytest.raises(IndexPageError, match=r"expected one \.dist-info/METADATA"):
            _run(buffer.getvalue(), 65536)
