"""Build toolchains: versions from recorded outputs, vswhere with and without the ARM64
build tools, can_build's answers, and on this machine gcc, g++ and cmake."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.doctor.fakes import FakeRunner, recorded

from wheelcast.doctor import Completed, SubprocessRunner, Tool, Toolchains
from wheelcast.doctor.toolchains import (
    MSVC_ARM64,
    MSVC_X64,
    can_build,
    find_toolchains,
    parse_version,
    parse_vswhere,
)
from wheelcast.targets import Platform

LINUX = Platform("linux", "x86_64", "glibc", (2, 36))
ALPINE = Platform("linux", "aarch64", "musl", (1, 2))
MAC = Platform("macos", "arm64", macos_version=(14, 0))
WIN_ARM64 = Platform("windows", "arm64")
WIN_AMD64 = Platform("windows", "amd64")
VSWHERE = "C:\\tools\\vswhere.exe"
VSWHERE_ARGV = (VSWHERE, "-products", "*", "-format", "json", "-utf8", "-include", "packages")

GCC = Tool("gcc", "/usr/bin/gcc", "12.2.0", flavour="gcc")
GXX = Tool("g++", "/usr/bin/g++", "12.2.0", flavour="gcc")


class TestParseVersion:
    @pytest.mark.parametrize(
        ("name", "version", "flavour"),
        [
            ("gcc", "12.2.0", "gcc"),
            ("g++", "12.2.0", "gcc"),
            ("cc", "12.2.0", "gcc"),
            ("cmake", "3.25.1", ""),
            ("ninja", "1.11.1", ""),
            ("pkg-config", "1.8.1", ""),
            ("rustc", "1.95.0", ""),
            ("cargo", "1.95.0", ""),
        ],
    )
    def test_recorded(self, name: str, version: str, flavour: str) -> None:
        found, first, kind = parse_version(name, recorded(f"{name}--version.txt"))
        assert (found, kind) == (version, flavour)
        assert first == recorded(f"{name}--version.txt").splitlines()[0].strip()

    @pytest.mark.parametrize(
        ("name", "output", "version", "flavour"),
        [
            ("cc", "Apple clang version 15.0.0 (clang-1500.1.0.2.5)\nTarget: arm64", "15.0.0",
             "clang"),
            ("clang", "Debian clang version 14.0.6\nTarget: x86_64-pc-linux-gnu", "14.0.6",
             "clang"),
            ("gfortran", "GNU Fortran (Debian 12.2.0-14) 12.2.0\n", "12.2.0", "gcc"),
            ("meson", "1.0.1\n", "1.0.1", ""),
            ("ninja", "", None, ""),
        ],
    )  # fmt: skip
    def test_other_formats(self, name: str, output: str, version: str | None, flavour: str) -> None:
        assert parse_version(name, output)[0::2] == (version, flavour)


class TestFindToolchains:
    def test_recorded_linux(self) -> None:
        names = ("gcc", "g++", "cc", "cmake", "ninja", "pkg-config", "rustc", "cargo")
        programs = {name: f"/usr/bin/{name}" for name in names} | {"rustup": "/r/rustup"}
        outputs: dict[tuple[str, ...], Completed | None] = {
            (f"/usr/bin/{name}", "--version"): Completed(0, recorded(f"{name}--version.txt"))
            for name in names
        }
        outputs[("/r/rustup", "target", "list", "--installed")] = Completed(
            0, recorded("rustup-target-list-installed.txt")
        )
        found = find_toolchains(FakeRunner(programs, outputs))
        assert [t.name for t in found.tools] == [
            "cc", "gcc", "g++", "rustc", "cargo", "cmake", "ninja", "pkg-config"
        ]  # fmt: skip
        gcc = found.get("gcc")
        assert gcc is not None
        assert (gcc.version, gcc.path) == ("12.2.0", "/usr/bin/gcc")
        assert found.c_compiler == gcc
        assert found.rust_targets == ("x86_64-unknown-linux-gnu",)
        assert found.msvc == ()
        assert found.notes == ()

    def test_failing_tool_is_a_note(self) -> None:
        found = find_toolchains(FakeRunner({"gcc": "/bin/gcc"}))
        assert found.tools == ()
        assert found.notes == ("gcc: found at /bin/gcc but 'gcc --version' failed",)

    @pytest.mark.parametrize(("recording", "arm64"), [("vswhere-x64.json", False),
                                                      ("vswhere-arm64.json", True)])  # fmt: skip
    def test_vswhere(self, recording: str, *, arm64: bool) -> None:
        runner = FakeRunner({"vswhere": VSWHERE}, {VSWHERE_ARGV: Completed(0, recorded(recording))})
        found = find_toolchains(runner, windows=True, env={})
        (install,) = found.msvc
        assert install.name == "Visual Studio Build Tools 2022"
        assert install.version == "17.9.34728.123"
        assert install.x64_tools
        assert install.arm64_tools is arm64
        assert install.windows_sdks == ("Microsoft.VisualStudio.Component.Windows11SDK.22621",)

    def test_no_vswhere(self) -> None:
        found = find_toolchains(FakeRunner(), windows=True, env={})
        assert found.notes == ("vswhere: not found, so no Visual Studio installation is known",)

    def test_vswhere_garbage(self) -> None:
        runner = FakeRunner({"vswhere": VSWHERE}, {VSWHERE_ARGV: Completed(0, "{}")})
        assert "vswhere: skipped" in find_toolchains(runner, windows=True, env={}).notes[0]


class TestCanBuild:
    def test_story_arm64_without_the_component(self) -> None:
        tools = Toolchains(msvc=tuple(parse_vswhere(recorded("vswhere-x64.json"))))
        ok, detail = can_build(["C"], tools, WIN_ARM64)
        assert not ok
        assert detail.startswith("no MSVC ARM64 build tools in Visual Studio Build Tools 2022")
        assert MSVC_ARM64 in detail
        assert can_build(["C"], tools, WIN_AMD64) == (
            True,
            "would build with MSVC (Visual Studio Build Tools 2022 17.9.34728.123)",
        )

    def test_story_arm64_with_the_component(self) -> None:
        tools = Toolchains(msvc=tuple(parse_vswhere(recorded("vswhere-arm64.json"))))
        assert can_build(["C++"], tools, WIN_ARM64)[0]

    def test_windows_without_visual_studio_or_sdk(self) -> None:
        ok, detail = can_build([], Toolchains(tools=(GCC,)), WIN_AMD64)
        assert not ok
        assert detail.startswith("no MSVC found")
        assert MSVC_X64 in detail
        install = parse_vswhere(recorded("vswhere-x64.json"))[0]
        no_sdk = Toolchains(
            msvc=(type(install)(install.name, "17", "C:\\vs", frozenset({MSVC_X64})),)
        )
        assert "no Windows SDK" in can_build(["C"], no_sdk, WIN_AMD64)[1]

    @pytest.mark.parametrize(
        ("languages", "expected"),
        [
            (["C"], "would build with gcc 12.2.0"),
            ([], "would build with gcc 12.2.0"),
            (["Cython"], "would build with gcc 12.2.0"),
            (["Go"], "would build with gcc 12.2.0"),
            (["C++"], "would build with gcc 12.2.0 / g++ 12.2.0"),
            (["C", "c++"], "would build with gcc 12.2.0 / g++ 12.2.0"),
        ],
    )
    def test_with_gcc(self, languages: list[str], expected: str) -> None:
        assert can_build(languages, Toolchains(tools=(GCC, GXX)), LINUX) == (True, expected)

    def test_cc_names_its_flavour(self) -> None:
        cc = Tool("cc", "/usr/bin/cc", "15.0.0", flavour="clang")
        assert can_build(["C"], Toolchains(tools=(cc,)), MAC) == (
            True,
            "would build with cc (clang 15.0.0)",
        )

    @pytest.mark.parametrize(
        ("languages", "platform", "expected"),
        [
            (["C"], LINUX, "no C compiler found: install gcc (Debian/Ubuntu: apt install "
             "build-essential python3-dev; Fedora: dnf install gcc python3-devel)"),
            (["C"], ALPINE, "no C compiler found: install gcc (Alpine: apk add build-base "
             "python3-dev)"),
            (["C"], MAC, "no C compiler found: install the Xcode Command Line Tools "
             "(xcode-select --install)"),
            (["Fortran"], LINUX, "gfortran"),
            (["Rust"], LINUX, "no Rust toolchain found (rustc and cargo missing)"),
        ],
    )  # fmt: skip
    def test_names_what_to_install(
        self, languages: list[str], platform: Platform, expected: str
    ) -> None:
        ok, detail = can_build(languages, Toolchains(), platform)
        assert not ok
        assert expected in detail

    def test_cxx_missing_only(self) -> None:
        ok, detail = can_build(["C++"], Toolchains(tools=(GCC,)), LINUX)
        assert not ok
        assert detail.startswith("no C++ compiler found: install g++")

    def test_rust(self) -> None:
        rust = (GCC, Tool("rustc", "/r/rustc", "1.95.0"), Tool("cargo", "/r/cargo", "1.95.0"))
        tools = Toolchains(tools=rust, rust_targets=("x86_64-unknown-linux-gnu",))
        assert can_build(["Rust"], tools, LINUX) == (
            True,
            "would build with gcc 12.2.0 / rustc 1.95.0 / cargo 1.95.0",
        )
        arm = Platform("linux", "aarch64", "glibc", (2, 28))
        ok, detail = can_build(["Rust"], tools, arm)
        assert not ok
        assert "rustup target add aarch64-unknown-linux-gnu" in detail

    def test_missing_headers(self) -> None:
        ok, detail = can_build(["C"], Toolchains(tools=(GCC,)), LINUX, headers=False)
        assert not ok
        assert detail.startswith("Python.h not found for this interpreter: install them")
        assert "python3-dev" in detail


class TestOnThisMachine:
    def test_gcc_gxx_and_cmake_with_versions(self) -> None:
        found = find_toolchains(SubprocessRunner())
        for name in ("gcc", "g++", "cmake"):
            tool = found.get(name)
            assert tool is not None, name
            assert tool.version is not None
            assert tool.version[0].isdigit()
        ok, detail = can_build(["C++"], found, LINUX)
        assert ok
        assert detail.startswith("would build with gcc ")

    def test_no_compiler_on_an_empty_path(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PATH", str(tmp_path))
        found = find_toolchains(SubprocessRunner(dict(os.environ)))
        assert found.tools == ()
        assert found.c_compiler is None
        ok, detail = can_build(["C"], found, LINUX)
        assert not ok
        assert detail.startswith("no C compiler found: install gcc (Debian/Ubuntu: apt install")
