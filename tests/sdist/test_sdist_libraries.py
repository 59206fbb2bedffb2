from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from tests.sdist.sdist_support import listing, tar_bytes

from wheelcast.sdist.archive import read_sdist
from wheelcast.sdist.libraries import LIBRARIES, Library, install_line, library, lookup
from wheelcast.sdist.needs import BuildNeeds, analyze
from wheelcast.sdist.reach import OSES
from wheelcast.sdist.toolchain_advice import toolchain_advice
from wheelcast.targets import PRESETS, Platform

PACKAGE = re.compile(r"[a-z0-9][a-z0-9+.@-]*")
WINGET = re.compile(r"[A-Za-z0-9-]+\.[A-Za-z0-9.-]+")
LINUX = Platform("linux", "x86_64", "glibc", (2, 28))
MUSL = Platform("linux", "x86_64", "musl", (1, 2))
MACOS = Platform("macos", "arm64", macos_version=(14, 0))
WIN_ARM64 = Platform("windows", "arm64")


class TestTable:
    @pytest.mark.parametrize("entry", LIBRARIES, ids=lambda e: e.key)
    def test_each_entry_is_well_formed(self, entry: Library) -> None:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", entry.key)
        assert entry.name
        assert entry.cmake or entry.pkgconfig or entry.link or entry.headers or entry.programs
        for package in (entry.apt, entry.apk, entry.brew, entry.vcpkg):
            assert package is None or PACKAGE.fullmatch(package), package
        assert entry.winget is None or WINGET.fullmatch(entry.winget)
        assert set(entry.bundled) <= set(OSES)
        # every target gets a way to install it, or is told the toolchain has it
        assert entry.apt or "linux" in entry.bundled
        assert entry.apk or "linux" in entry.bundled
        assert entry.brew or "macos" in entry.bundled
        assert entry.vcpkg or entry.winget or "windows" in entry.bundled
        for header in entry.headers:
            assert header.endswith((".h", "/")), header
        assert lookup("cmake", entry.cmake[0]) is entry if entry.cmake else True

    def test_keys_and_names_are_unique(self) -> None:
        assert len({e.key for e in LIBRARIES}) == len(LIBRARIES)
        for kind in ("cmake", "pkgconfig", "link", "headers", "programs"):
            names = Counter(n.lower() for e in LIBRARIES for n in getattr(e, kind))
            assert [n for n, count in names.items() if count > 1] == [], kind

    def test_lookup(self) -> None:
        assert lookup("header", "libxml/tree.h") is library("libxml2")
        assert lookup("header", "openssl/ssl.h") is library("openssl")
        assert lookup("header", "stdio.h") is None
        assert lookup("cmake", "zlib") is library("zlib")  # find_package is case-blind here
        assert lookup("program", "pg_config") is library("libpq")

    @pytest.mark.parametrize(
        ("platform", "expected"),
        [
            (LINUX, "Debian/Ubuntu: `apt install portaudio19-dev`"),
            (MUSL, "Alpine: `apk add portaudio-dev`"),
            (MACOS, "Homebrew: `brew install portaudio`"),
            (WIN_ARM64, "vcpkg: `vcpkg install portaudio:arm64-windows`"),
            (Platform("windows", "amd64"), "vcpkg: `vcpkg install portaudio:x64-windows`"),
        ],
    )
    def test_install_line_per_target(self, platform: Platform, expected: str) -> None:
        assert install_line(library("portaudio"), platform) == expected

    def test_winget_and_bundled(self) -> None:
        assert "winget install PostgreSQL.PostgreSQL" in install_line(library("libpq"), WIN_ARM64)
        assert install_line(library("openmp"), LINUX).startswith("ships with the compiler")
        assert install_line(library("openmp"), MACOS) == "Homebrew: `brew install libomp`"


SETUPTOOLS = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'


def keys(needs: BuildNeeds) -> dict[str, bool]:
    return {lib.key: lib.required for lib in needs.libraries}


class TestSetupPy:
    def test_extension_libraries(self) -> None:
        setup = (
            "from setuptools import setup, Extension\n"
            "setup(ext_modules=[Extension('_pa', ['src/pa.c'],"
            " libraries=['portaudio', 'm', 'frobnicate'])])\n"
        )
        needs = analyze(listing({"pyproject.toml": SETUPTOOLS, "setup.py": setup}))
        assert keys(needs) == {"portaudio": True}
        assert any("frobnicate" in n for n in needs.notes)
        assert not any("links against C libraries m" in n for n in needs.notes)

    def test_a_module_level_list_and_a_config_program(self) -> None:
        setup = (
            "import subprocess\nfrom setuptools import setup\nfrom mybuild import build_ext\n"
            "libraries = ['ffi']\n"
            "def pg():\n    return subprocess.check_output(['pg_config', '--includedir'])\n"
            "setup(ext_modules=make_extensions(), cmdclass={'build_ext': build_ext})\n"
        )
        needs = analyze(
            listing({"pyproject.toml": SETUPTOOLS, "setup.py": setup}, members=["src/x.c"])
        )
        assert needs.languages == ("C",)
        assert keys(needs) == {"libffi": True, "libpq": True}

    @pytest.mark.parametrize(
        "asks",
        [
            "subprocess.check_output(['pkg-config', '--cflags', 'libffi'])",
            "__import__('os').environ.get('PKG_CONFIG', 'pkg-config'), 'libffi'",
        ],
    )
    def test_modules_passed_to_pkg_config(self, asks: str) -> None:
        setup = f"import subprocess\nflags = [{asks}]\nsetup(ext_modules=find())\n"
        needs = analyze(
            listing({"pyproject.toml": SETUPTOOLS, "setup.py": setup}, members=["c/x.c"])
        )
        assert keys(needs) == {"libffi": True}

    def test_pure_packages_name_no_library(self) -> None:
        setup = "from setuptools import setup\nlibraries = ['ffi']\nsetup(name='x')\n"
        needs = analyze(listing({"pyproject.toml": SETUPTOOLS, "setup.py": setup}))
        assert needs.languages == ()
        assert needs.libraries == ()

    def test_scikit_build_cmake_source_dir(self) -> None:
        # opencv-python: setup.py names the CMake project's folder in a variable
        pyproject = (
            '[build-system]\nrequires = ["scikit-build", "setuptools"]\n'
            'build-backend = "setuptools.build_meta"\n'
        )
        setup = (
            "from skbuild import setup\ncmake_source_dir = 'opencv'\n"
            "setup(name='x', cmake_source_dir=cmake_source_dir, cmake_args=['-DWITH_X=ON'])\n"
        )
        cmake = (
            "project(OpenCV CXX C)\noption(WITH_X '' OFF)\noption(WITH_CUDA '' OFF)\n"
            "if(WITH_X)\n  find_package(ZLIB REQUIRED)\nendif()\n"
            "if(WITH_CUDA)\n  enable_language(CUDA)\nendif()\n"
        )
        needs = analyze(
            listing(
                {"pyproject.toml": pyproject, "setup.py": setup, "opencv/CMakeLists.txt": cmake},
                members=[f"opencv/modules/m{i}.cu" for i in range(40)]
                + [f"opencv/modules/m{i}.mm" for i in range(60)],
            )
        )
        assert needs.languages == ("C", "C++")
        assert [lang for lang, _, _ in needs.optional] == ["CUDA"]
        assert keys(needs) == {"zlib": True}


HATCH_CUSTOM = (
    '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "packager.pep517"\n'
    'backend-path = ["."]\n[tool.hatch.build.hooks.custom]\n'
)


class TestBackendsThatRunCode:
    def test_the_cmake_project_a_folder_down_decides_over_the_census(self) -> None:
        # xgboost 3.2: an in-tree backend runs CMake on cpp_src; the census counted the
        # CUDA sources that only USE_CUDA=ON compiles.
        cmake = (
            "project(xgboost LANGUAGES CXX C)\noption(USE_CUDA '' OFF)\n"
            "if(USE_CUDA)\n  enable_language(CUDA)\nendif()\n"
        )
        needs = analyze(
            listing(
                {"pyproject.toml": HATCH_CUSTOM, "cpp_src/CMakeLists.txt": cmake},
                members=[f"cpp_src/src/k{i}.cu" for i in range(60)] + ["cpp_src/src/a.cc"],
            )
        )
        assert needs.languages == ("C", "C++")
        assert [lang for lang, _, _ in needs.optional] == ["CUDA"]
        assert any("cpp_src/CMakeLists.txt" in n for n in needs.notes)
        advice = "\n".join(toolchain_advice(needs, PRESETS["win-arm64"]))
        assert "cmake: not a build requirement" in advice
        assert "CUDA: the NVIDIA" not in advice


class TestIncludes:
    def sdist(self, tmp_path: Path, files: dict[str, bytes]) -> Path:
        path = tmp_path / "demo-1.0.tar.gz"
        path.write_bytes(tar_bytes([(f"demo-1.0/{name}", data) for name, data in files.items()]))
        return path

    def test_a_known_header_names_the_library(self, tmp_path: Path) -> None:
        setup = b"from setuptools import setup\nsetup(ext_modules=find_them())\n"
        source = b'#include <Python.h>\n#include "portaudio.h"\n#  include <libpq-fe.h>\n'
        path = self.sdist(
            tmp_path,
            {
                "setup.py": setup,
                "src/pa.c": source,
                "src/ssl.c": b"#include <openssl/ssl.h>\n#include <zlib.h>\n",
                "src/zlib.h": b"/* vendored zlib */\n",
                "tests/t.c": b"#include <jpeglib.h>\n",
            },
        )
        found = read_sdist(path)
        assert dict(found.includes) == {
            "libpq-fe.h": "src/pa.c",
            "openssl/ssl.h": "src/ssl.c",
            "portaudio.h": "src/pa.c",
            "zlib.h": "src/ssl.c",
        }
        needs = analyze(found)
        # zlib.h ships in the sdist; tests/ is not the build
        assert keys(needs) == {"libpq": True, "openssl": True, "portaudio": True}
        assert {lib.key: lib.evidence for lib in needs.libraries}["portaudio"] == (
            "src/pa.c: #include <portaudio.h>"
        )
        advice = toolchain_advice(needs, MACOS)
        assert "PortAudio: Homebrew: `brew install portaudio`" in advice

    def test_round_trip_with_libraries_optional_and_per_os(self) -> None:
        needs = BuildNeeds(
            backend="scikit-build-core",
            build_backend="scikit_build_core.build",
            requires=("scikit-build-core",),
            languages=("C",),
            optional=(("CUDA", "USE_CUDA", "CMakeLists.txt: enable_language(CUDA)"),),
            only_on=(("Objective-C++", "macos", "CMakeLists.txt: enable_language(OBJCXX)"),),
            libraries=analyze(
                listing(
                    {
                        "pyproject.toml": SETUPTOOLS,
                        "setup.py": "setup(ext_modules=[Extension('a', ['a.c'], libraries=['z'])])",
                    }
                )
            ).libraries,
        )
        assert BuildNeeds.from_dict(needs.to_dict()) == needs
