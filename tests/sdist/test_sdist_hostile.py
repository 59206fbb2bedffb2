"""Hostile archives built in tmp_path: every read is capped before the bytes are held.

The memory tests run the reader in a fresh interpreter and read its peak RSS
(``VmHWM`` in ``/proc/self/status``): the bound is stated in each test, a few times what the
interpreter with wheelcast imported takes, and far below what the uncapped read held.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import textwrap
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import IndexServer, MakeIndexServer, file_entry, write_page
from tests.sdist.sdist_support import tar_bytes, zip_bytes

from wheelcast.cli import main
from wheelcast.errors import IndexPageError, UnsafeArchive
from wheelcast.index._dist import read_sdist_pkg_info, read_wheel_metadata
from wheelcast.runtime import limits
from wheelcast.sdist import service
from wheelcast.sdist.archive import SdistListing, read_sdist
from wheelcast.sdist.needs import analyze as analyze_sdist

PKG_INFO = b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
MIB = 1024 * 1024
# Peak RSS of a reader process: python with wheelcast imported takes ~40 MiB.
RSS_BOUND_MIB = 160


def _header(name: str, kind: bytes, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = size
    return info.tobuf(format=tarfile.USTAR_FORMAT)


def write_record_bomb(path: Path, kind: bytes, record_size: int) -> None:
    """A .tar.gz whose first header is a ``kind`` record of ``record_size`` zero bytes
    (compressed ~1000:1), then ``demo-1.0/PKG-INFO``: built in chunks, never held whole."""
    deflate = zlib.compressobj(1, zlib.DEFLATED, 31)
    with path.open("wb") as out:
        out.write(deflate.compress(_header("././@Header", kind, record_size)))
        chunk = bytes(MIB)
        left = -(-record_size // 512) * 512
        while left > 0:
            out.write(deflate.compress(chunk[: min(left, MIB)]))
            left -= MIB
        member = _header("demo-1.0/PKG-INFO", tarfile.REGTYPE, len(PKG_INFO))
        out.write(deflate.compress(member + PKG_INFO.ljust(512, b"\0") + bytes(1024)))
        out.write(deflate.flush())


def peak_rss_mib(script: str) -> int:
    """Run ``script`` in a fresh interpreter; its peak RSS in MiB (it prints the outcome)."""
    # VmHWM, the peak RSS of this process image: getrusage's ru_maxrss would also count
    # the memory of the pytest process it was forked from (kept across exec).
    code = textwrap.dedent(script) + textwrap.dedent("""
        from pathlib import Path
        lines = Path("/proc/self/status").read_text().splitlines()
        print(next(int(l.split()[1]) for l in lines if l.startswith("VmHWM:")) // 1024)
    """)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    outcome, rss = done.stdout.strip().splitlines()
    assert "refused" in outcome, outcome
    assert "a tar header record of" in outcome, outcome
    return int(rss)


class TestHeaderRecords:
    """A 1.5 GB PAX record in a 1.4 MB sdist used to be read whole (past 4 GB of memory)."""

    @pytest.mark.parametrize(
        # "x": the fast reader refuses it; "g" (a global header) sends the archive to
        # tarfile, whose capped TarInfo refuses it.
        "kind",
        [tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.GNUTYPE_LONGNAME],
    )
    def test_refused_by_declared_size(self, tmp_path: Path, kind: bytes) -> None:
        path = tmp_path / "demo-1.0.tar.gz"
        write_record_bomb(path, kind, limits.TAR_MAX_HEADER_RECORD + 1)
        with pytest.raises(UnsafeArchive, match="a tar header record of 1048577 bytes"):
            read_sdist(path)
        with (
            path.open("rb") as handle,
            pytest.raises(IndexPageError, match="a tar header record of 1048577 bytes"),
        ):
            read_sdist_pkg_info(handle, path.name, "demo-1.0.tar.gz")

    @pytest.mark.parametrize(
        ("reader", "kind"),
        [
            ("read_sdist", tarfile.XHDTYPE),
            ("read_sdist", tarfile.XGLTYPE),
            ("read_sdist_pkg_info", tarfile.XHDTYPE),
        ],
    )
    @pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
    def test_memory_stays_bounded(self, tmp_path: Path, reader: str, kind: bytes) -> None:
        path = tmp_path / "demo-1.0.tar.gz"
        write_record_bomb(path, kind, 400 * MIB)  # uncapped, 800 MiB and more were held
        assert path.stat().st_size < 2 * MIB
        call = (
            f"read_sdist({str(path)!r})"
            if reader == "read_sdist"
            else f"read_sdist_pkg_info(open({str(path)!r}, 'rb'), 'demo-1.0.tar.gz', 'u')"
        )
        rss = peak_rss_mib(f"""
            from wheelcast.sdist.archive import read_sdist
            from wheelcast.index._dist import read_sdist_pkg_info
            from wheelcast.errors import WheelcastError
            try:
                {call}
            except WheelcastError as error:
                print(error.message)
        """)
        assert rss < RSS_BOUND_MIB, rss


class TestMetadataReader:
    """The PKG-INFO / METADATA reader: members, inflated bytes and zip directories capped."""

    def test_members_counted(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(limits, "ARCHIVE_MAX_MEMBERS", 1000)
        # PKG-INFO last (flit and hatch write it last): every member before it is counted.
        raw = _header("demo-1.0/f", tarfile.REGTYPE, 0) * 1500
        raw += _header("demo-1.0/PKG-INFO", tarfile.REGTYPE, len(PKG_INFO))
        raw += PKG_INFO.ljust(512, b"\0") + bytes(1024)
        data = zlib.compress(raw, wbits=31)
        with pytest.raises(IndexPageError, match="refused: more than 1000 members"):
            read_sdist_pkg_info(io.BytesIO(data), "demo-1.0.tar.gz", "demo-1.0.tar.gz")

    def test_inflated_bytes_capped(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        # A member of many GiB before PKG-INFO took minutes to inflate and skip.
        monkeypatch.setattr(limits, "ARCHIVE_MAX_INFLATED", 4 * MIB)
        data = tar_bytes([("demo-1.0/big", bytes(8 * MIB)), ("demo-1.0/PKG-INFO", PKG_INFO)])
        with pytest.raises(IndexPageError, match=r"refused: inflates past 4194304 bytes"):
            read_sdist_pkg_info(io.BytesIO(data), "demo-1.0.tar.gz", "demo-1.0.tar.gz")

    def test_under_the_caps_reads(self) -> None:
        data = tar_bytes([("demo-1.0/big", bytes(MIB)), ("demo-1.0/PKG-INFO", PKG_INFO)])
        assert read_sdist_pkg_info(io.BytesIO(data), "demo-1.0.tar.gz", "u") == PKG_INFO

    @pytest.mark.parametrize(
        ("cap", "value", "message"),
        [
            ("ARCHIVE_MAX_MEMBERS", 50, r"more than 50 members \(201 listed\)"),
            ("ZIP_MAX_DIRECTORY", 4000, r"a central directory of \d+ bytes, over the 4000"),
        ],
    )
    def test_zip_directory_checked_before_parsing(
        self, monkeypatch: pytest.MonkeyPatch, cap: str, value: int, message: str
    ) -> None:
        monkeypatch.setattr(limits, cap, value)
        entries = [(f"demo-1.0/f{i}", b"") for i in range(200)]
        sdist = zip_bytes([*entries, ("demo-1.0/PKG-INFO", PKG_INFO)])
        with pytest.raises(IndexPageError, match=message):
            read_sdist_pkg_info(io.BytesIO(sdist), "demo-1.0.zip", "demo-1.0.zip")
        wheel = zip_bytes([*entries, ("demo-1.0.dist-info/METADATA", PKG_INFO)])
        with pytest.raises(IndexPageError, match=message):
            read_wheel_metadata(io.BytesIO(wheel), "demo-1.0-py3-none-any.whl", "w")

    def test_build_reader_checks_the_zip_directory(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(limits, "ZIP_MAX_DIRECTORY", 4000)
        path = tmp_path / "demo-1.0.zip"
        path.write_bytes(zip_bytes([(f"demo-1.0/f{i}", b"") for i in range(200)]))
        with pytest.raises(UnsafeArchive, match=r"a central directory of .* over the 4000"):
            read_sdist(path)

    def test_zip_under_the_caps_reads(self) -> None:
        sdist = zip_bytes([("demo-1.0/a", b"x"), ("demo-1.0/PKG-INFO", PKG_INFO)])
        assert read_sdist_pkg_info(io.BytesIO(sdist), "demo-1.0.zip", "u") == PKG_INFO
        assert zipfile.is_zipfile(io.BytesIO(sdist))


def _sdist(folder: Path, name: str, files: dict[str, str]) -> Path:
    path = folder / f"{name}-1.0.tar.gz"
    path.write_bytes(
        tar_bytes(
            [
                (
                    f"{name}-1.0/PKG-INFO",
                    f"Metadata-Version: 2.2\nName: {name}\nVersion: 1.0\n".encode(),
                ),
                *((f"{name}-1.0/{member}", text.encode()) for member, text in files.items()),
            ]
        )
    )
    return path


@pytest.fixture
def hostile_index(tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
    """Three sdist-only projects: ``good`` (C by its setup.py), ``plus`` and ``minus``
    (setup.py nested past what CPython's parser takes)."""
    files = tmp_path / "files"
    files.mkdir()
    pages = tmp_path / "pages"
    extension = (
        "from setuptools import setup, Extension\nsetup(ext_modules=[Extension('g', ['g.c'])])\n"
    )
    setups = {
        "good": extension,
        "plus": "x = " + "1+" * 200_000 + "1\n" + extension,  # RecursionError in ast.parse
        "minus": "x = " + "-" * 200_000 + "1\n" + extension,  # MemoryError in ast.parse
    }
    for name, setup in setups.items():
        path = _sdist(files, name, {"setup.py": setup})
        write_page(pages, name, [file_entry(path.name, path.read_bytes())])
    return make_index_server(pages, tmp_path / "metadata", files)


def _check(index: IndexServer, cache: Path, *names: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = main(
        [
            "check",
            *names,
            "-i",
            index.url,
            "--cache-dir",
            str(cache),
            "--format",
            "json",
            "--target",
            "linux",
        ],
        out,
    )
    return code, json.loads(out.getvalue())


class TestOneBadSdist:
    """One sdist the readers cannot cope with costs its own cell's details, never the run."""

    def test_setup_py_nested_past_the_parser(
        self, hostile_index: IndexServer, tmp_path: Path
    ) -> None:
        code, doc = _check(hostile_index, tmp_path / "cache", "good", "plus", "minus")
        assert code == 1
        builds = _builds(doc)
        assert builds["good"]["languages"] == ["C"]
        for name in ("plus", "minus"):
            # Read by pattern instead: the Extension(...) after the nested line is still seen.
            assert builds[name]["languages"] == ["C"]
            assert (
                "setup.py is nested too deeply to parse: read by pattern" in builds[name]["notes"]
            )

    def test_any_error_of_one_reader_becomes_a_note(
        self, hostile_index: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        real = service.analyze

        def analyze(listing: SdistListing) -> Any:
            if listing.filename == "plus-1.0.tar.gz":
                raise RecursionError("maximum recursion depth exceeded")
            return real(listing)

        monkeypatch.setattr(service, "analyze", analyze)
        code, doc = _check(hostile_index, tmp_path / "cache", "good", "plus")
        assert code == 1
        builds = _builds(doc)
        assert builds["good"]["languages"] == ["C"]
        assert builds["plus"]["unknown"] == (
            "could not read the build needs of plus-1.0.tar.gz:"
            " RecursionError: maximum recursion depth exceeded"
        )

    def test_a_build_file_over_the_cap_is_noted(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = _sdist(tmp_path, "big", {"setup.py": "#" * (limits.BUILD_FILE_MAX_BYTES + 1)})
        needs = analyze_sdist(read_sdist(path))
        assert "setup.py is over the 1048576 byte cap for a build file: not read" in needs.notes


def _builds(doc: dict[str, Any]) -> dict[str, Any]:
    return {p["name"]: p["build"] for r in doc["results"] for p in r["packages"]}


def _sparse_bomb(extensions: int) -> bytes:
    """A GNU sparse member whose map is chained over ``extensions`` blocks."""
    info = tarfile.TarInfo("demo-1.0/sparse")
    info.type = tarfile.GNUTYPE_SPARSE
    header = bytearray(info.tobuf(format=tarfile.GNU_FORMAT))
    header[482] = 1  # isextended: another map block follows
    header[148:156] = b" " * 8
    header[148:156] = b"%06o\0 " % sum(header)
    extension = bytearray(512)
    extension[504] = 1
    return bytes(header) + bytes(extension) * extensions + bytes(512) + bytes(1024)


class TestSparse:
    """tarfile collects a sparse member's chained map without bound: refused up front."""

    def test_refused_by_both_readers(self, tmp_path: Path) -> None:
        path = tmp_path / "demo-1.0.tar.gz"
        path.write_bytes(zlib.compress(_sparse_bomb(1000), wbits=31))
        with pytest.raises(UnsafeArchive, match=r"'demo-1\.0/sparse' is a sparse file"):
            read_sdist(path)
        with pytest.raises(IndexPageError, match=r"'demo-1\.0/sparse' is a sparse file"):
            read_sdist_pkg_info(io.BytesIO(path.read_bytes()), path.name, path.name)

    def test_pax_sparse_map_refused(self, tmp_path: Path) -> None:
        info = tarfile.TarInfo("demo-1.0/sparse")
        info.pax_headers = {"GNU.sparse.major": "1", "GNU.sparse.minor": "0"}
        data = tar_bytes([info])
        path = tmp_path / "demo-1.0.tar.gz"
        path.write_bytes(data)
        with pytest.raises(UnsafeArchive, match="is a sparse file"):
            read_sdist(path)
