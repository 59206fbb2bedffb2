"""Per-target build needs as check and explain show them: optional languages, libraries."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import IndexServer, MakeIndexServer, build_wheel, file_entry, write_page
from tests.sdist.sdist_support import tar_bytes

from wheelcast.cli import main

PYPROJECT = """\
[build-system]
requires = ["scikit-build-core"]
build-backend = "scikit_build_core.build"

[project]
name = "gbm"
version = "1.0"
"""
# lightgbm's and opencv's shapes: CUDA behind an option off by default, Objective-C++ on
# macOS alone, in a subdirectory the top project (LANGUAGES NONE) adds.
TOP = "project(gbm-py LANGUAGES NONE)\nadd_subdirectory(cpp)\n"
CPP = """\
project(gbm LANGUAGES C CXX)
option(USE_CUDA "Enable CUDA" OFF)
if(USE_CUDA)
  enable_language(CUDA)
endif()
if(APPLE)
  enable_language(OBJCXX)
endif()
find_package(ZLIB REQUIRED)
"""


@pytest.fixture
def index(tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
    files = tmp_path / "files"
    files.mkdir()
    wheel = build_wheel(files, "gbm", "1.0", tag="cp312-cp312-manylinux_2_17_x86_64")
    source = files / "gbm-1.0.tar.gz"
    members = {
        "pyproject.toml": PYPROJECT,
        "CMakeLists.txt": TOP,
        "cpp/CMakeLists.txt": CPP,
        "cpp/src/a.cpp": "int a() { return 0; }\n",
        "cpp/src/k.cu": "__global__ void k() {}\n",
        "PKG-INFO": "Metadata-Version: 2.2\nName: gbm\nVersion: 1.0\n\n",
    }
    source.write_bytes(tar_bytes([(f"gbm-1.0/{k}", v.encode()) for k, v in members.items()]))
    pages = tmp_path / "pages"
    write_page(pages, "gbm", [file_entry(p.name, p.read_bytes()) for p in (wheel, source)])
    return make_index_server(pages, tmp_path / "metadata", files)


def run(index: IndexServer, cache: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main([*args, "-i", index.url, "--cache-dir", str(cache)], out)
    return code, out.getvalue()


def builds(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    names = {t["id"]: t["name"] for t in doc["targets"]}
    return {names[r["target"]]: r["packages"][0]["build"] for r in doc["results"]}


class TestCheck:
    def test_json_languages_per_target_optional_and_libraries(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        code, out = run(
            index, tmp_path / "c", "check", "gbm", "-p", "3.12",
            "-t", "win-arm64", "-t", "macos-arm64", "--format", "json",
        )  # fmt: skip
        assert code == 1
        build = builds(json.loads(out))
        windows, macos = build["win-arm64"], build["macos-arm64"]
        assert windows["languages"] == ["C", "C++"]
        assert macos["languages"] == ["C", "C++", "Objective-C++"]
        for one in (windows, macos):
            assert one["optional_languages"] == [
                {
                    "language": "CUDA",
                    "when": "USE_CUDA",
                    "evidence": "cpp/CMakeLists.txt: enable_language(CUDA)",
                }
            ]
            assert not any(line.startswith("CUDA:") for line in one["advice"])
            assert (
                "optional: CUDA (USE_CUDA): not used by a default build, nothing to install"
                in (one["advice"])
            )
        assert windows["system_libraries"] == [
            {
                "key": "zlib",
                "name": "zlib",
                "required": True,
                "evidence": "cpp/CMakeLists.txt: find_package(ZLIB REQUIRED)",
                "install": "vcpkg: `vcpkg install zlib:arm64-windows`",
            }
        ]
        assert macos["system_libraries"][0]["install"] == "Homebrew: `brew install zlib`"
        assert "zlib: Homebrew: `brew install zlib`" in macos["advice"]

    def test_text_cell_names_the_libraries(self, index: IndexServer, tmp_path: Path) -> None:
        code, out = run(index, tmp_path / "c", "check", "gbm", "-p", "3.12", "-t", "win-arm64")
        assert code == 1
        assert "gbm 1.0: build: C, C++ + zlib" in out  # a footnote below the table
        assert "CUDA" not in out


class TestExplain:
    def test_optional_and_per_system_languages_and_libraries(
        self, index: IndexServer, tmp_path: Path
    ) -> None:
        code, out = run(index, tmp_path / "c", "explain", "gbm", "-p", "3.12", "-t", "win-arm64")
        assert code == 1
        assert "languages: C, C++\n" in out
        assert "optional: CUDA (USE_CUDA), not used by a default build" in out
        assert "on macos only: Objective-C++" in out
        assert "system library: zlib" in out
        assert "install: zlib: vcpkg: `vcpkg install zlib:arm64-windows`" in out

    def test_json(self, index: IndexServer, tmp_path: Path) -> None:
        code, out = run(
            index, tmp_path / "c", "explain", "gbm", "-p", "3.12", "-t", "macos-arm64",
            "--format", "json",
        )  # fmt: skip
        assert code == 1
        build = json.loads(out)["package"]["build"]
        assert build["languages"] == ["C", "C++", "Objective-C++"]
        assert build["system_libraries"][0]["install"] == "Homebrew: `brew install zlib`"
