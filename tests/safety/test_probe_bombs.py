"""The hidden probe, bombs and hostile archives: sizes and counts past any real file.

Each case asserts the outcome: the answer with a note, or one bounded error line.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.faultserver import FaultServer, json_page, metadata_bytes, wheel_entry
from tests.sdist.sdist_support import tar_bytes

from wheelcast.cli import main
from wheelcast.errors import ArchiveError, IndexPageError, UnsafeArchive
from wheelcast.index._dist import read_sdist_pkg_info, read_wheel_metadata, to_dist_metadata
from wheelcast.runtime import limits
from wheelcast.sdist.archive import read_sdist

WHEEL = "demo-1.0-py3-none-any.whl"
PKG_INFO = b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(argv, out)
    return code, out.getvalue(), capsys.readouterr().err


class TestRequiresDist:
    def test_over_the_cap_is_a_note_counted_before_parsing(
        self, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        count = limits.MAX_REQUIRES_DIST + 1
        requires = [f"dep{i}>=1; python_version < '2'" for i in range(count)]
        metadata = metadata_bytes("demo", "1.0", *requires)
        sha = hashlib.sha256(WHEEL.encode()).hexdigest()
        server.static(
            "/simple/demo/", json_page([wheel_entry(WHEEL, f"/files/{WHEEL}", sha, metadata)])
        )
        server.static(f"/files/{WHEEL}.metadata", metadata, "application/octet-stream")
        argv = ["check", "demo", "-i", f"{server.base}/simple", "--cache-dir", str(tmp_path / "c")]
        code, out, err = run(
            [*argv, "-p", "3.12", "-t", "linux-x86_64", "--format", "json"], capsys
        )
        assert code == 0, err
        results = json.loads(out)["results"]
        notes = [n for r in results for p in r["packages"] for n in p.get("notes", [])]
        notes += [n for r in results for n in r.get("notes", [])]
        assert any(f"lists {count} Requires-Dist lines, over the" in n for n in notes), notes

    def test_at_the_cap_it_is_read(self) -> None:
        requires = [f"dep{i}" for i in range(limits.MAX_REQUIRES_DIST)]
        raw = metadata_bytes("demo", "1.0", *requires)
        read = to_dist_metadata(raw, "metadata-file", from_sdist=False, url="u", project=None)
        assert len(read.metadata.requires_dist or ()) == limits.MAX_REQUIRES_DIST

    def test_lines_in_the_description_body_are_not_counted(self) -> None:
        body = b"Requires-Dist: x\n" * (limits.MAX_REQUIRES_DIST + 10)
        raw = metadata_bytes("demo", "1.0") + b"\n" + body
        to_dist_metadata(raw, "metadata-file", from_sdist=False, url="u", project=None)


class TestLongNames:
    def test_an_error_naming_a_url_100_kb_long_is_one_bounded_line(
        self, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        folder = "a" * 100_000
        entry = {"filename": WHEEL, "url": f"/files/{folder}/{WHEEL}", "hashes": {}}
        entry["core-metadata"] = True
        server.static("/simple/demo/", json_page([entry]))  # the .metadata is not there
        argv = ["check", "demo", "-i", f"{server.base}/simple", "--cache-dir", str(tmp_path / "c")]
        code, _, err = run([*argv, "-p", "3.12", "-t", "linux-x86_64"], capsys)
        assert code == 4
        lines = err.strip().splitlines()
        assert len(lines) == 1
        assert len(lines[0]) <= limits.MAX_MESSAGE_CHARS
        assert "characters left out" in lines[0]
        assert lines[0].endswith("or use --offline with a warm cache)")  # the hint is kept


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _overlapping_zip(copies: int) -> bytes:
    """A zip whose central directory lists one 10 MiB member ``copies`` more times under
    other names, every entry pointing at the same local data (a 42.zip-style overlap)."""
    data = _zip({"demo-1.0/PKG-INFO": PKG_INFO, "demo-1.0/setup.py": bytes(10 << 20)})
    end = data.rfind(b"PK\x05\x06")
    size, offset = (
        int.from_bytes(data[end + 12 : end + 16], "little"),
        int.from_bytes(data[end + 16 : end + 20], "little"),
    )
    directory = data[offset : offset + size]
    first_length = 46 + sum(int.from_bytes(directory[i : i + 2], "little") for i in (28, 30, 32))
    second = directory[first_length:]
    name_length = int.from_bytes(second[28:30], "little")
    clones = [
        second[:28] + len(n).to_bytes(2, "little") + second[30:46] + n + second[46 + name_length :]
        for n in (f"demo-1.0/s{k:05d}.py".encode() for k in range(copies))
    ]
    new_directory = directory + b"".join(clones)
    total = (2 + copies).to_bytes(2, "little")
    record = data[end : end + 8] + total + total + len(new_directory).to_bytes(4, "little")
    record += offset.to_bytes(4, "little") + data[end + 20 : end + 22]
    return data[:offset] + new_directory + record


def _symlink(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


TARS = {
    "'..' inside the second level": [
        ("demo-1.0/PKG-INFO", PKG_INFO),
        ("demo-1.0/a/../../../x", b"x"),
    ],
    "a symlink loop": [
        ("demo-1.0/PKG-INFO", PKG_INFO),
        _symlink("demo-1.0/a", "b"),
        _symlink("demo-1.0/b", "a"),
    ],
    "a hard link to itself": [
        ("demo-1.0/PKG-INFO", PKG_INFO),
        _symlink("demo-1.0/setup.py", "demo-1.0/setup.py", tarfile.LNKTYPE),
    ],
}


class TestHostileArchives:
    @pytest.mark.parametrize("case", TARS)
    def test_the_build_reader_refuses_and_the_pkg_info_reader_reads_only_pkg_info(
        self, case: str, tmp_path: Path
    ) -> None:
        data = tar_bytes(TARS[case])
        path = tmp_path / "demo-1.0.tar.gz"
        path.write_bytes(data)
        with pytest.raises(UnsafeArchive, match="refused"):
            read_sdist(path)
        # PKG-INFO is read from memory, nothing extracted: the other members are inert.
        assert read_sdist_pkg_info(io.BytesIO(data), path.name, "u") == PKG_INFO

    def test_a_zip_of_overlapping_entries_is_refused_by_its_declared_sizes(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "demo-1.0.zip"
        path.write_bytes(_overlapping_zip(250))  # 2.5 GB declared, in 10 kB
        with pytest.raises(UnsafeArchive, match="uncompressed"):
            read_sdist(path)

    def test_a_zip64_member_declared_huge_is_refused_before_inflating(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            info = zipfile.ZipInfo("demo-1.0.dist-info/METADATA")
            with archive.open(info, "w", force_zip64=True) as member:
                member.write(PKG_INFO)
                for _ in range(20):
                    member.write(bytes(1 << 20))
            archive.writestr("demo-1.0.dist-info/WHEEL", b"")
        with pytest.raises(IndexPageError, match="implausibly large"):
            read_wheel_metadata(io.BytesIO(buffer.getvalue()), WHEEL, "u")

    def test_a_tar_gz_gzipped_again_is_one_error(self, tmp_path: Path) -> None:
        import gzip  # noqa: PLC0415

        path = tmp_path / "demo-1.0.tar.gz"
        path.write_bytes(gzip.compress(tar_bytes([("demo-1.0/PKG-INFO", PKG_INFO)])))
        with pytest.raises(ArchiveError, match="not a readable sdist"):
            read_sdist(path)
