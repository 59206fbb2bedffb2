from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from tests.index.index_support import HOST, FakeServer, build_wheel, metadata_text

from wheelcast.errors import IndexPageError
from wheelcast.index import _lazy_wheel
from wheelcast.index._lazy_wheel import NeedBytes, SparseFile, metadata_from_ranges
from wheelcast.index.http import Fetcher, FetchSettings
from wheelcast.index.models import DistFile


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

    def fetch(start: int, end: int) -> bytes:
        fetched.append((start, end))
        return data[start:end]

    sparse = SparseFile(len(data))
    sparse.add(max(0, len(data) - tail), data[-tail:])
    raw = metadata_from_ranges(sparse, fetch, "demo-1.0-py3-none-any.whl", "u")
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
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("demo/__init__.py", "")
        with pytest.raises(IndexPageError, match=r"expected one \.dist-info/METADATA"):
            _run(buffer.getvalue(), 65536)


WHEEL = "demo-1.0-py3-none-any.whl"
META = metadata_text("demo", "1.0", "Requires-Dist: dep>=1").encode()


def write_wheel(
    folder: Path,
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    before: int = 0,
    after: int = 0,
    comment: bytes = b"",
) -> bytes:
    """A wheel written by ``zipfile`` in ``folder``: ``before``/``after`` random bytes sit in
    a member before/after METADATA."""
    path = folder / WHEEL
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        if before:
            zf.writestr("demo/before.bin", os.urandom(before), zipfile.ZIP_STORED)
        zf.writestr("demo/__init__.py", "x = 1\n" * 50)
        zf.writestr("demo-1.0.dist-info/METADATA", META)
        if after:
            zf.writestr("demo/after.bin", os.urandom(after), zipfile.ZIP_STORED)
        zf.writestr("demo-1.0.dist-info/RECORD", "")
        zf.comment = comment
    return path.read_bytes()


def write_zip64_wheel(folder: Path, monkeypatch: pytest.MonkeyPatch, *, stored: bool) -> bytes:
    # zipfile writes ZIP64 records past 4 GiB or 65535 entries; lowering its limits while
    # writing gives the same records (end record, locator, extra fields) in a tiny file.
    with monkeypatch.context() as patch:
        patch.setattr(zipfile, "ZIP64_LIMIT", 64)
        patch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)
        data = write_wheel(
            folder, compression=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        )
    assert b"PK\x06\x06" in data  # the ZIP64 end record
    assert b"PK\x06\x07" in data  # and its locator
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo("demo-1.0.dist-info/METADATA")
        assert b"\x01\x00" in info.extra  # the entry carries a ZIP64 extra field
        assert zf.read(info) == META
    return data


@pytest.fixture
def by_hand_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the zipfile fallback runs: the hand-rolled reader must answer."""

    def refuse(*_: object) -> bytes:
        raise AssertionError("fell back to zipfile")

    monkeypatch.setattr(_lazy_wheel, "_read_member", refuse)


def served(server: FakeServer, tmp_path: Path, data: bytes) -> tuple[bytes, list[str]]:
    """METADATA of ``data`` through ``Fetcher`` over the fake server, and the ranges asked."""
    url = f"{HOST}/files/{WHEEL}"
    server.file(f"/files/{WHEEL}", data)
    fetcher = Fetcher(server.client(), FetchSettings(backoff=0.0))
    try:
        raw, source = fetcher.metadata(DistFile(filename=WHEEL, url=url, hashes=()))
    finally:
        fetcher.close()
    assert source == "range"
    return raw, [r.headers["range"] for r in server.requests]


@pytest.mark.usefixtures("by_hand_only")
class TestByHand:
    @pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
    def test_in_the_tail_needs_no_more_requests(
        self, server: FakeServer, tmp_path: Path, compression: int
    ) -> None:
        data = write_wheel(tmp_path, compression=compression, before=200_000)
        raw, ranges = served(server, tmp_path, data)
        assert raw == META
        assert ranges == ["bytes=-65536"]

    @pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
    def test_member_outside_the_tail_is_one_request(
        self, server: FakeServer, tmp_path: Path, compression: int
    ) -> None:
        data = write_wheel(tmp_path, compression=compression, after=200_000)
        raw, ranges = served(server, tmp_path, data)
        assert raw == META
        assert len(ranges) == 2
        first, last = map(int, ranges[1].removeprefix("bytes=").split("-"))
        member = data.index(b"PK\x03\x04" + data[4:6], data.index(b"demo/__init__.py") + 1)
        assert first == member  # from METADATA's local header ...
        assert last < data.index(b"demo/after.bin")  # ... to the next member, no further

    def test_directory_outside_the_tail_brings_metadata_along(self, tmp_path: Path) -> None:
        many = {f"demo/m{i:05}.py": "" for i in range(3000)}
        data = build_wheel("demo", "1.0", "dep>=1", before=many)
        raw, fetched = _run(data, 1024)
        assert b"Requires-Dist: dep>=1" in raw
        # The rest of the directory and, in the same range, the bytes before it where the
        # dist-info members (METADATA among them) are written last.
        assert len(fetched) == 1
        start, end = fetched[0]
        assert end == len(data) - 1024
        assert start <= data.index(b"demo-1.0.dist-info/METADATA")

    def test_metadata_far_before_a_large_directory_is_one_request_more(self) -> None:
        many = {f"demo/m{i:05}.py": "" for i in range(3000)}
        data = build_wheel(
            "demo", "1.0", "dep>=1", before=many, after={"demo/big.bin": os.urandom(2_000_000)}
        )
        raw, fetched = _run(data, 1024)
        assert b"Requires-Dist: dep>=1" in raw
        assert len(fetched) == 2  # the directory with at most a megabyte before it, then METADATA
        directory_start, directory_end = fetched[0]
        assert directory_end - directory_start <= len(data) - 1024 - data.index(b"demo/big.bin")

    @pytest.mark.parametrize("stored", [True, False])
    @pytest.mark.parametrize(("tail", "requests"), [(65536, 0), (100, 1), (40, 2)])
    def test_zip64(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        stored: bool,
        tail: int,
        requests: int,
    ) -> None:
        data = write_zip64_wheel(tmp_path, monkeypatch, stored=stored)
        raw, fetched = _run(data, tail)
        assert raw == META
        # [end records,] the directory with the member before it: each at most once
        assert len(fetched) == requests

    def test_zip64_through_the_server(
        self, server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        raw, ranges = served(
            server, tmp_path, write_zip64_wheel(tmp_path, monkeypatch, stored=True)
        )
        assert (raw, ranges) == (META, ["bytes=-65536"])

    def test_too_large(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(_lazy_wheel, "MAX_METADATA_BYTES", 10)
        with pytest.raises(IndexPageError, match="implausibly large"):
            _run(write_wheel(tmp_path), 65536)


class TestUnusualWheelsGoToZipfile:
    @pytest.mark.parametrize(
        "case", ["comment", "bzip2", "prefixed", "bad-crc", "truncated-directory", "version"]
    )
    def test_same_answer_as_zipfile(self, tmp_path: Path, case: str) -> None:
        if case == "comment":
            data = write_wheel(tmp_path, comment=b"built by hand")
        elif case == "bzip2":
            data = write_wheel(tmp_path, compression=zipfile.ZIP_BZIP2)
        elif case == "prefixed":
            data = b"#!/bin/sh\n" + write_wheel(tmp_path)  # zipfile shifts every offset
        elif case == "bad-crc":
            damaged = bytearray(write_wheel(tmp_path, compression=zipfile.ZIP_STORED))
            damaged[damaged.index(META) + 3] ^= 1
            data = bytes(damaged)
        elif case == "version":  # a zip needing a newer reader: zipfile refuses it
            damaged = bytearray(write_wheel(tmp_path))
            damaged[damaged.index(b"PK\x01\x02") + 6] = 64
            data = bytes(damaged)
        else:
            damaged = bytearray(write_wheel(tmp_path))
            at = damaged.index(b"PK\x01\x02")
            del damaged[at + 10 : at + 20]
            data = bytes(damaged)
        calls: list[int] = []
        original = _lazy_wheel._read_member

        def spy(*args: Any) -> bytes:
            calls.append(1)
            return original(*args)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_lazy_wheel, "_read_member", spy)
            try:
                answer: object = _run(data, 65536)[0]
            except IndexPageError as error:
                answer = str(error)
        assert calls  # the hand-rolled reader stepped aside
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                expected: object = zf.read("demo-1.0.dist-info/METADATA")
        except (zipfile.BadZipFile, NotImplementedError):
            assert isinstance(answer, str)
            assert "not a readable wheel" in answer
        else:
            assert answer == expected == META
