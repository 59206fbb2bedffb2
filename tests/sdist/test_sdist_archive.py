from __future__ import annotations

import gzip
import io
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.sdist.sdist_support import special, tar_bytes, tree, zip_bytes

from wheelcast.errors import ArchiveError, UnsafeArchive
from wheelcast.sdist import archive
from wheelcast.sdist.archive import SdistListing, is_ancillary, is_build_file, read_sdist

PYPROJECT = b'[build-system]\nrequires = ["flit_core"]\nbuild-backend = "flit_core.buildapi"\n'


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private system temp folder: the reader must leave it empty."""
    folder = tmp_path / "systemp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    assert tree(folder) == []


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


class TestReadSdist:
    @pytest.mark.parametrize(
        ("suffix", "mode"), [(".tar.gz", "w:gz"), (".tar.bz2", "w:bz2"), (".tar.xz", "w:xz")]
    )
    def test_tar_formats(self, tmp_path: Path, temp_dir: Path, suffix: str, mode: str) -> None:
        entries = [
            special("demo-1.0", tarfile.DIRTYPE),
            ("demo-1.0/pyproject.toml", PYPROJECT),
            ("demo-1.0/src/demo/__init__.py", b"x = 1\n"),
            ("demo-1.0/src/demo/meson.build", b"project('x', 'c')\n"),
            ("demo-1.0/tests/meson.build", b"project('t', 'fortran')\n"),
            ("demo-1.0/README", b"hello"),
        ]
        path = write(tmp_path, "demo-1.0" + suffix, tar_bytes(entries, mode))
        listing = read_sdist(path)
        assert listing.top == "demo-1.0"
        assert listing.members == (
            ("pyproject.toml", len(PYPROJECT)),
            ("src/demo/__init__.py", 6),
            ("src/demo/meson.build", 18),
            ("tests/meson.build", 24),
            ("README", 5),
        )
        assert listing.text("pyproject.toml") == PYPROJECT.decode()
        assert listing.texts("meson.build") == (("src/demo/meson.build", "project('x', 'c')\n"),)
        assert listing.text("README") is None
        assert tree(tmp_path / "in") == ["demo-1.0" + suffix]

    def test_zip(self, tmp_path: Path, temp_dir: Path) -> None:
        entries = [("demo-1.0/setup.py", b"from setuptools import setup\n"), ("demo-1.0/a.c", b"")]
        listing = read_sdist(write(tmp_path, "demo-1.0.zip", zip_bytes(entries)))
        assert listing.members == (("setup.py", 29), ("a.c", 0))
        assert listing.text("setup.py") == "from setuptools import setup\n"

    def test_build_file_over_the_read_cap_is_listed_unread(self, tmp_path: Path) -> None:
        data = tar_bytes([("demo-1.0/setup.py", b"#" * 100)])
        listing = read_sdist(write(tmp_path, "demo-1.0.tar.gz", data), max_read=90)
        assert listing.members == (("setup.py", 100),)
        assert listing.unread == ("setup.py",)
        assert listing.text("setup.py") is None

    def test_unknown_format(self, tmp_path: Path) -> None:
        with pytest.raises(ArchiveError, match=r"demo-1\.0\.rar: not a \.tar\.gz"):
            read_sdist(write(tmp_path, "demo-1.0.rar", b"x"))

    def test_damaged(self, tmp_path: Path) -> None:
        with pytest.raises(ArchiveError, match="not a readable sdist") as info:
            read_sdist(write(tmp_path, "demo-1.0.tar.gz", b"not gzip at all"))
        assert not isinstance(info.value, UnsafeArchive)
        assert info.value.reference == "sdist-unreadable"


def pax_bomb() -> bytes:
    # A header whose PAX record alone inflates to 900 KiB (under the record cap): caught on
    # the decompressed stream.
    info = tarfile.TarInfo("demo-1.0/a")
    info.pax_headers = {"comment": "0" * (900 * 1024)}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        archive.addfile(info, io.BytesIO(b""))
    return buffer.getvalue()


HOSTILE_TARS = {
    "traversal": ([("demo-1.0/../../x", b"evil")], r"'demo-1\.0/\.\./\.\./x' escapes .*traversal"),
    "absolute": ([("/etc/x", b"evil")], r"'/etc/x' has an absolute path"),
    "drive": ([("C:/x", b"evil")], r"'C:/x' has an absolute path"),
    "symlink": (
        [special("demo-1.0/link", tarfile.SYMTYPE, "/etc/passwd")],
        r"'demo-1\.0/link' is a symbolic link \(to '/etc/passwd'\)",
    ),
    "hardlink": (
        [special("demo-1.0/hard", tarfile.LNKTYPE, "/etc/passwd")],
        r"'demo-1\.0/hard' is a hard link",
    ),
    "chardev": ([special("demo-1.0/dev", tarfile.CHRTYPE)], r"'demo-1\.0/dev' is a device"),
    "fifo": ([special("demo-1.0/fifo", tarfile.FIFOTYPE)], r"'demo-1\.0/fifo' is a device or FIFO"),
    "bomb": (
        [("demo-1.0/zeros", bytes(2 * 1024 * 1024))],
        r"more than 1048576 bytes uncompressed .*decompression bomb",
    ),
    "members": (
        [(f"demo-1.0/f{i}", b"") for i in range(60)],
        r"more than 50 members",
    ),
}


class TestHostile:
    @pytest.mark.parametrize("case", sorted(HOSTILE_TARS))
    def test_tar_refused(self, tmp_path: Path, temp_dir: Path, case: str) -> None:
        entries, message = HOSTILE_TARS[case]
        data = tar_bytes(entries)
        path = write(tmp_path, "demo-1.0.tar.gz", data)
        if case == "bomb":
            assert len(data) < 10_000  # small compressed, huge uncompressed
        before = tree(tmp_path)
        with pytest.raises(
            UnsafeArchive, match=rf"^demo-1\.0\.tar\.gz: refused: (member )?{message}"
        ) as info:
            read_sdist(path, max_uncompressed=1024 * 1024, max_members=50)
        assert info.value.reference == "unsafe-sdist"
        assert info.value.hint
        assert tree(tmp_path) == before
        assert not (tmp_path / "x").exists()

    def test_bomb_in_a_header_is_caught_while_inflating(
        self, tmp_path: Path, temp_dir: Path
    ) -> None:
        path = write(tmp_path, "demo-1.0.tar.gz", pax_bomb())
        with pytest.raises(UnsafeArchive, match="inflates past 524288 bytes"):
            read_sdist(path, max_uncompressed=512 * 1024)

    def test_compressed_cap(self, tmp_path: Path) -> None:
        path = write(tmp_path, "demo-1.0.tar.gz", tar_bytes([("demo-1.0/a", b"x" * 1000)]))
        with pytest.raises(UnsafeArchive, match=r"the file is \d+ bytes, over the 10 byte cap"):
            read_sdist(path, max_compressed=10)

    @pytest.mark.parametrize(
        ("name", "message"),
        [("../x", "escapes"), ("/etc/x", "absolute"), ("demo-1.0\\..\\..\\x", "escapes")],
    )
    def test_zip_paths_refused(
        self, tmp_path: Path, temp_dir: Path, name: str, message: str
    ) -> None:
        path = write(tmp_path, "demo-1.0.zip", zip_bytes([("demo-1.0/ok", b""), (name, b"e")]))
        with pytest.raises(UnsafeArchive, match=message):
            read_sdist(path)

    def test_zip_symlink_refused(self, tmp_path: Path, temp_dir: Path) -> None:
        link = zipfile.ZipInfo("demo-1.0/link")
        link.external_attr = 0o120777 << 16
        path = write(tmp_path, "demo-1.0.zip", zip_bytes([link]))
        with pytest.raises(UnsafeArchive, match=r"'demo-1\.0/link' is a symbolic link"):
            read_sdist(path)

    def test_zip_bomb_by_declared_size(self, tmp_path: Path, temp_dir: Path) -> None:
        path = write(tmp_path, "demo-1.0.zip", zip_bytes([("demo-1.0/z", bytes(2 * 1024 * 1024))]))
        with pytest.raises(UnsafeArchive, match="decompression bomb"):
            read_sdist(path, max_uncompressed=1024 * 1024)

    def test_zip_too_many_members(self, tmp_path: Path, temp_dir: Path) -> None:
        path = write(tmp_path, "demo-1.0.zip", zip_bytes([(f"d/{i}", b"") for i in range(11)]))
        with pytest.raises(UnsafeArchive, match="more than 10 members"):
            read_sdist(path, max_members=10)


class TestPaths:
    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            ("numpy/core/meson.build", False),
            ("numpy/core/tests/x.c", True),
            ("vendored-meson/meson/x.c", True),
            ("doc/source/f2py/code/meson.build", True),
            ("numpy/random/_examples/cython/meson.build", True),
            ("third_party/zlib/inflate.c", True),
            ("src/lib.rs", False),
            ("setup.py", False),
        ],
    )
    def test_is_ancillary(self, path: str, expected: bool) -> None:
        assert is_ancillary(path) is expected

    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            ("pyproject.toml", True),
            ("sub/pyproject.toml", False),
            ("PKG-INFO", True),
            ("a/b/c/meson.build", True),
            ("tests/meson.build", False),
            ("CMakeLists.txt", True),
            ("src/CMakeLists.txt", True),
            ("src/deep/CMakeLists.txt", True),
            ("src/cmake/Utils.cmake", True),
            ("tests/deep/CMakeLists.txt", False),
            ("third_party/x/x.cmake", False),
            ("meson.options", True),
            ("src/rust/Cargo.toml", True),
            ("docs/x/Cargo.toml", False),
            ("src/demo.c", False),
        ],
    )
    def test_is_build_file(self, path: str, expected: bool) -> None:
        assert is_build_file(path) is expected


LONG = "demo-1.0/src/" + "/".join(["deep"] * 30) + "/meson.build"


def entries_for_every_reader() -> list[tarfile.TarInfo | tuple[str, bytes]]:
    return [
        special("demo-1.0", tarfile.DIRTYPE),
        ("demo-1.0/pyproject.toml", PYPROJECT),
        ("demo-1.0/setup.py", b"#" * 100),  # over the read cap below
        (LONG, b"project('x', 'cpp')\n"),  # GNU long name, PAX path or ustar prefix
        ("demo-1.0/src/d\u00e9j\u00e0.c", b"int x;\n"),  # a PAX path when not ASCII
        ("./demo-1.0/PKG-INFO", b"Name: demo\n"),
        (f"demo-1.0/{'x' * 99}", bytes(1500)),  # data spanning blocks
        special("demo-1.0/empty/", tarfile.DIRTYPE),
        ("demo-1.0/zero", b""),
    ]


def tarfile_listing(path: Path, monkeypatch: pytest.MonkeyPatch, **options: int) -> object:
    """What ``tarfile`` alone answers: the fast reader gives up at its first header."""
    with monkeypatch.context() as patch:

        def give_up(*_: object) -> None:
            raise archive._Unusual

        patch.setattr(archive, "_read_tar_fast", give_up)
        try:
            return read_sdist(path, **options)
        except ArchiveError as error:
            return (type(error), str(error))


def fast_listing(path: Path, monkeypatch: pytest.MonkeyPatch, **options: int) -> object:
    """What the fast reader answers: tarfile is not allowed to run."""
    with monkeypatch.context() as patch:

        def refuse(*_: object) -> None:
            raise AssertionError("the fast reader gave up")

        patch.setattr(archive, "_read_tar", refuse)
        try:
            return read_sdist(path, **options)
        except ArchiveError as error:
            return (type(error), str(error))


class TestFastTarReader:
    @pytest.mark.parametrize("mode", ["w:gz", "w:bz2", "w:xz", "w:"])
    @pytest.mark.parametrize("fmt", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
    def test_answers_as_tarfile_does(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, fmt: int
    ) -> None:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode=mode, format=fmt) as out:  # type: ignore[call-overload]
            for entry in entries_for_every_reader():
                if isinstance(entry, tarfile.TarInfo):
                    out.addfile(entry)
                else:
                    info = tarfile.TarInfo(entry[0])
                    info.size = len(entry[1])
                    out.addfile(info, io.BytesIO(entry[1]))
        suffix = {"w:gz": ".tar.gz", "w:bz2": ".tar.bz2", "w:xz": ".tar.xz", "w:": ".tar"}[mode]
        path = write(tmp_path, "demo-1.0" + suffix, buffer.getvalue())
        fast = fast_listing(path, monkeypatch, max_read=90)
        assert fast == tarfile_listing(path, monkeypatch, max_read=90)
        assert isinstance(fast, SdistListing)
        assert ("src/" + LONG.split("/src/", 1)[1], 20) in fast.members
        assert fast.text("pyproject.toml") == PYPROJECT.decode()
        assert fast.unread == ("setup.py",)

    def test_pax_size_and_old_folder(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        folder = tarfile.TarInfo("demo-1.0/old/")
        folder.type = tarfile.AREGTYPE  # a V7 tar's folder: a file whose name ends in '/'
        sized = tarfile.TarInfo("demo-1.0/setup.py")  # the header says 0, the PAX record 5
        sized.pax_headers = {"size": "5"}
        data = folder.tobuf(tarfile.PAX_FORMAT) + sized.tobuf(tarfile.PAX_FORMAT)
        data += b"hello".ljust(512, b"\0") + bytes(1024)
        path = write(tmp_path, "demo-1.0.tar", data)
        fast = fast_listing(path, monkeypatch)
        assert fast == tarfile_listing(path, monkeypatch)
        assert isinstance(fast, SdistListing)
        assert fast.members == (("setup.py", 5),)
        assert fast.text("setup.py") == "hello"

    def test_a_second_gzip_member_is_read_by_tarfile(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        plain = tar_bytes([("demo-1.0/setup.py", b"x" * 3000), ("demo-1.0/b.c", b"")], "w")
        data = gzip.compress(plain[:1024]) + gzip.compress(plain[1024:])
        path = write(tmp_path, "demo-1.0.tar.gz", data)
        listing = read_sdist(path)
        assert listing.members == (("setup.py", 3000), ("b.c", 0))
        with pytest.raises(AssertionError, match="gave up"):
            fast_listing(path, monkeypatch)

    @pytest.mark.parametrize("mode", ["w:gz", "w:bz2", "w:"])
    def test_a_link_is_refused_by_tarfile_after_the_fast_reader(
        self, tmp_path: Path, mode: str
    ) -> None:
        entries = [("demo-1.0/a.c", b""), special("demo-1.0/link", tarfile.SYMTYPE, "/etc")]
        suffix = {"w:gz": ".tar.gz", "w:bz2": ".tar.bz2", "w:": ".tar"}[mode]
        path = write(tmp_path, "demo-1.0" + suffix, tar_bytes(entries, mode))
        with pytest.raises(UnsafeArchive, match=r"'demo-1\.0/link' is a symbolic link"):
            read_sdist(path)

    @pytest.mark.parametrize("damage", ["checksum", "truncated", "pax-charset", "garbage"])
    def test_damage_is_judged_by_tarfile(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
    ) -> None:
        entries: list[tarfile.TarInfo | tuple[str, bytes]] = [
            ("demo-1.0/a.c", b"int a;\n"),
            ("demo-1.0/b.c", b"int b;\n"),
        ]
        if damage == "pax-charset":
            odd = tarfile.TarInfo("demo-1.0/c.c")
            odd.pax_headers = {"hdrcharset": "BINARY"}
            entries.append(odd)
        plain = bytearray(tar_bytes(entries, "w"))
        if damage == "checksum":
            plain[1024 + 1] ^= 1  # the second header's name: tarfile ends the listing there
        elif damage == "truncated":
            del plain[1024 + 600 :]
        elif damage == "garbage":
            plain[:512] = b"\x01" * 512
        path = write(tmp_path, "demo-1.0.tar.gz", gzip.compress(bytes(plain)))
        expected = tarfile_listing(path, monkeypatch)
        assert read_sdist_or_error(path) == expected
        with pytest.raises(AssertionError, match="gave up"):
            fast_listing(path, monkeypatch)


def read_sdist_or_error(path: Path) -> object:
    try:
        return read_sdist(path)
    except ArchiveError as error:
        return (type(error), str(error))
