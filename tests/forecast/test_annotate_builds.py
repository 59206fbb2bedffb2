"""Build verdicts end to end: what the sdist's build needs, and whether it builds here."""

from __future__ import annotations

import io
import json
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import IndexServer, MakeIndexServer, build_wheel, file_entry, write_page

from wheelcast.cli import main

MESON_PYPROJECT = """\
[build-system]
requires = ["meson-python>=0.15"]
build-backend = "mesonpy"

[project]
name = "fastlib"
version = "1.0"
"""
MESON_BUILD = "project('fastlib', 'c', 'cpp')\npy = import('python').find_installation()\n"


def sdist(folder: Path, name: str, version: str, files: dict[str, str]) -> Path:
    path = folder / f"{name}-{version}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for member, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{name}-{version}/{member}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def index(tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
    """fastlib 1.0: a win_amd64 wheel and a meson-python sdist (C, C++)."""
    files = tmp_path / "files"
    files.mkdir()
    wheel = build_wheel(files, "fastlib", "1.0", tag="cp312-cp312-win_amd64")
    source = sdist(
        files,
        "fastlib",
        "1.0",
        {
            "pyproject.toml": MESON_PYPROJECT,
            "meson.build": MESON_BUILD,
            "src/fast.c": "int f(void) { return 1; }\n",
            "PKG-INFO": "Metadata-Version: 2.2\nName: fastlib\nVersion: 1.0\n\n",
        },
    )
    pages = tmp_path / "pages"
    write_page(pages, "fastlib", [file_entry(p.name, p.read_bytes()) for p in (wheel, source)])
    return make_index_server(pages, tmp_path / "metadata", files)


def check(index: IndexServer, cache: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    out = io.StringIO()
    code = main(
        ["check", *args, "-i", index.url, "--cache-dir", str(cache), "--format", "json"], out
    )
    doc = json.loads(out.getvalue())
    return code, doc, out.getvalue()


class TestBuildNeedsInCheck:
    def test_build_cell_names_the_languages_and_the_toolchain(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        code, doc, _ = check(index, tmp_path / "c", "fastlib", "-p", "3.12", "-t", "win-arm64")
        assert code == 1
        (package,) = doc["results"][0]["packages"]
        assert package["verdict"] == "build"
        build = package["build"]
        assert build["backend"] == "meson-python"
        assert build["languages"] == ["C", "C++"]
        assert any("ARM64 build tools" in line for line in build["advice"])
        assert build["here"] is None  # win-arm64 is not this machine

    def test_text_cell(self, index: IndexServer, tmp_path: Path) -> None:
        out = io.StringIO()
        code = main(
            ["check", "fastlib", "-p", "3.12", "-t", "win-arm64", "-i", index.url,
             "--cache-dir", str(tmp_path / "c")],
            out,
        )  # fmt: skip
        assert code == 1
        assert "fastlib 1.0: build: C, C++" in out.getvalue()  # a footnote below the table

    def test_the_sdist_is_read_once_and_then_cached(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        check(
            index, tmp_path / "c", "fastlib", "-p", "3.12", "-t", "win-arm64", "-t", "linux-x86_64"
        )
        check(index, tmp_path / "c", "fastlib", "-p", "3.12", "-t", "win-arm64")
        assert index.requests["/files/fastlib-1.0.tar.gz"] == 1

    def test_no_build_needs_skips_the_download(self, index: IndexServer, tmp_path: Path) -> None:
        code, doc, _ = check(
            index, tmp_path / "c", "fastlib", "-p", "3.12", "-t", "win-arm64", "--no-build-needs"
        )
        assert code == 1
        assert doc["results"][0]["packages"][0]["build"] is None
        assert index.requests["/files/fastlib-1.0.tar.gz"] == 0


class TestBuildHere:
    def test_without_a_compiler_the_build_fails_here(
        self,
        index: IndexServer,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        empty = tmp_path / "empty-path"
        empty.mkdir()
        monkeypatch.setenv("PATH", str(empty))
        code, doc, _ = check(
            index,
            tmp_path / "c",
            "fastlib",
            "--interpreter",
            sys.executable,
            "--only-binary",
            ":none:",
        )
        (result,) = doc["results"]
        assert result["target"].startswith(sys.executable)
        (package,) = result["packages"]
        # This machine is Linux: fastlib's only wheel is for Windows, so pip builds it.
        assert package["verdict"] == "build"
        here = package["build"]["here"]
        assert here["ok"] is False
        assert "no C compiler" in here["detail"]
        assert "install" in here["detail"]
        assert code == 2  # the install would fail here

    def test_with_gcc_the_build_works_here(self, index: IndexServer, tmp_path: Path) -> None:
        code, doc, _ = check(index, tmp_path / "c", "fastlib", "--interpreter", sys.executable)
        here = doc["results"][0]["packages"][0]["build"]["here"]
        assert here["ok"] is True
        assert "would build with" in here["detail"]
        assert code == 1
