"""Tests for wheelcast.targets: names, presets, parsing, host detection, markers."""

from __future__ import annotations

import platform
import sys

import pytest
from packaging import _manylinux
from packaging.markers import Marker, default_environment
from tests.pretend import pretend_host

from wheelcast.errors import UnknownTarget
from wheelcast.runtime.limits import shown
from wheelcast.targets import (
    DEFAULT_TARGETS,
    PRESETS,
    UNKNOWABLE_MARKERS,
    Platform,
    Python,
    Target,
    host_target,
    marker_environment,
    parse_python,
    parse_target,
)

PY312 = Python(version=(3, 12))
PY313T = Python(version=(3, 13), free_threaded=True)


class TestPlatform:
    @pytest.mark.parametrize(
        ("plat", "tag"),
        [
            (Platform("windows", "amd64"), "win_amd64"),
            (Platform("windows", "arm64"), "win_arm64"),
            (Platform("windows", "x86"), "win32"),
            (Platform("linux", "aarch64", "glibc", (2, 28)), "manylinux_2_28_aarch64"),
            (Platform("linux", "x86_64", "glibc", (2, 17)), "manylinux_2_17_x86_64"),
            (Platform("linux", "x86_64", "musl", (1, 2)), "musllinux_1_2_x86_64"),
            (Platform("linux", "riscv64"), "linux_riscv64"),
            (Platform("macos", "arm64", macos_version=(13, 0)), "macosx_13_0_arm64"),
            (Platform("macos", "x86_64", macos_version=(10, 9)), "macosx_10_9_x86_64"),
        ],
        ids=lambda value: value if isinstance(value, str) else "",
    )
    def test_tag(self, plat: Platform, tag: str) -> None:
        assert plat.tag == tag

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"os": "windows", "arch": "x86_64"}, "not one of"),
            ({"os": "linux", "arch": "amd64"}, "not one of"),
            ({"os": "macos", "arch": "universal2", "macos_version": (13, 0)}, "not one of"),
            ({"os": "windows", "arch": "amd64", "libc": "glibc", "libc_version": (2, 28)}, "libc"),
            ({"os": "linux", "arch": "x86_64", "libc": "glibc"}, "libc"),
            ({"os": "macos", "arch": "arm64"}, "macos_version"),
            ({"os": "linux", "arch": "x86_64", "macos_version": (13, 0)}, "macos_version"),
        ],
        ids=["win-x86_64", "linux-amd64", "mac-universal2", "win-libc", "no-libc-version",
             "mac-no-version", "linux-mac-version"],
    )  # fmt: skip
    def test_rejects_inconsistent(self, kwargs: dict[str, object], match: str) -> None:
        with pytest.raises(ValueError, match=match):
            Platform(**kwargs)  # type: ignore[arg-type]

    def test_frozen_and_hashable(self) -> None:
        plat = Platform("windows", "arm64")
        with pytest.raises(AttributeError):
            plat.arch = "amd64"  # type: ignore[misc]
        assert {plat, Platform("windows", "arm64")} == {plat}


class TestPython:
    @pytest.mark.parametrize(
        ("python", "short", "full", "abi"),
        [
            (Python(), "3.12", "3.12.0", "cp312"),
            (Python(version=(3, 12, 4)), "3.12", "3.12.4", "cp312"),
            (Python(version=(3, 9)), "3.9", "3.9.0", "cp39"),
            (PY313T, "3.13t", "3.13.0", "cp313t"),
            (Python(version=(3, 14, 1), free_threaded=True), "3.14t", "3.14.1", "cp314t"),
            # CPython tagged its ABI with pymalloc's m until 3.8 dropped it
            (Python(version=(3, 7)), "3.7", "3.7.0", "cp37m"),
            (Python(version=(3, 6, 15)), "3.6", "3.6.15", "cp36m"),
            (Python(version=(3, 3)), "3.3", "3.3.0", "cp33m"),
            (Python(version=(3, 8)), "3.8", "3.8.0", "cp38"),
            (Python(version=(3, 16)), "3.16", "3.16.0", "cp316"),
        ],
        ids=["default", "patch", "3.9", "3.13t", "3.14.1t", "3.7", "3.6.15", "3.3", "3.8", "3.16"],
    )
    def test_properties(self, python: Python, short: str, full: str, abi: str) -> None:
        assert (python.short, python.full_version, python.abi) == (short, full, abi)

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"version": (3,)}, "Python 3 version"),
            ({"version": (2, 7)}, "Python 2 is not supported: wheelcast forecasts for Python 3"),
            ({"version": (3, 12, 1, 0)}, "Python 3 version"),
            ({"version": (3, 12), "free_threaded": True}, "3.13"),
            ({"version": (3, 17)}, r"there is no CPython 3\.17 .*3\.3 to 3\.16"),
            ({"version": (4, 1)}, "there is no CPython 4.1"),
            ({"version": (3, 2)}, "CPython 3.2 is older than wheelcast models"),
            ({"version": (3, 12, 100)}, "no patch release 100"),
        ],
        ids=["major-only", "python2", "four-parts", "free-threaded-3.12", "3.17", "4.1", "3.2",
             "patch-100"],
    )  # fmt: skip
    def test_rejects_invalid(self, kwargs: dict[str, object], match: str) -> None:
        with pytest.raises(ValueError, match=match):
            Python(**kwargs)  # type: ignore[arg-type]


class TestTarget:
    @pytest.mark.parametrize(
        ("target", "expected"),
        [
            (Target("win-arm64", PRESETS["win-arm64"], PY312), "win-arm64@3.12"),
            (Target("linux-x86_64", PRESETS["linux-x86_64"], PY313T), "linux-x86_64@3.13t"),
            (Target("host", PRESETS["linux-x86_64"], Python(version=(3, 11, 7))), "host@3.11"),
        ],
        ids=["win-arm64", "free-threaded", "host-with-patch"],
    )
    def test_id(self, target: Target, expected: str) -> None:
        assert target.id == expected


class TestPresets:
    def test_names(self) -> None:
        assert set(PRESETS) == {
            "win-amd64",
            "win-arm64",
            "win32",
            "linux-x86_64",
            "linux-aarch64",
            "musllinux-x86_64",
            "musllinux-aarch64",
            "macos-arm64",
            "macos-x86_64",
            "linux-i686",
            "linux-armv7l",
            "linux-ppc64le",
            "linux-s390x",
            "linux-riscv64",
            "musllinux-i686",
            "musllinux-armv7l",
            "ios-arm64",
            "ios-simulator-arm64",
            "ios-simulator-x86_64",
            "android-arm64_v8a",
            "android-x86_64",
            "android-armeabi_v7a",
            "android-x86",
            "pyodide-2024",
            "pyodide-2025",
            "pyemscripten-2026",
        }

    @pytest.mark.parametrize(
        ("name", "tag"),
        [
            ("win-amd64", "win_amd64"),
            ("win-arm64", "win_arm64"),
            ("win32", "win32"),
            ("linux-x86_64", "manylinux_2_28_x86_64"),
            ("linux-aarch64", "manylinux_2_28_aarch64"),
            ("musllinux-x86_64", "musllinux_1_2_x86_64"),
            ("musllinux-aarch64", "musllinux_1_2_aarch64"),
            ("macos-arm64", "macosx_13_0_arm64"),
            ("macos-x86_64", "macosx_13_0_x86_64"),
            ("linux-i686", "manylinux_2_28_i686"),
            ("linux-armv7l", "manylinux_2_31_armv7l"),
            ("linux-ppc64le", "manylinux_2_28_ppc64le"),
            ("linux-s390x", "manylinux_2_28_s390x"),
            ("linux-riscv64", "manylinux_2_39_riscv64"),
            ("musllinux-i686", "musllinux_1_2_i686"),
            ("musllinux-armv7l", "musllinux_1_2_armv7l"),
            ("ios-arm64", "ios_13_0_arm64_iphoneos"),
            ("ios-simulator-arm64", "ios_13_0_arm64_iphonesimulator"),
            ("ios-simulator-x86_64", "ios_13_0_x86_64_iphonesimulator"),
            ("android-arm64_v8a", "android_24_arm64_v8a"),
            ("android-x86_64", "android_24_x86_64"),
            ("android-armeabi_v7a", "android_24_armeabi_v7a"),
            ("android-x86", "android_24_x86"),
            ("pyodide-2024", "pyemscripten_2024_0_wasm32"),
            ("pyodide-2025", "pyemscripten_2025_0_wasm32"),
            ("pyemscripten-2026", "pyemscripten_2026_0_wasm32"),
        ],
        ids=lambda value: value,
    )
    def test_uv_defaults(self, name: str, tag: str) -> None:
        assert PRESETS[name].tag == tag

    def test_read_only(self) -> None:
        with pytest.raises(TypeError):
            PRESETS["win-amd64"] = Platform("windows", "x86")  # type: ignore[index]

    def test_default_targets_resolve(self) -> None:
        assert DEFAULT_TARGETS == (
            "host",
            "win-amd64",
            "win-arm64",
            "linux-x86_64",
            "linux-aarch64",
            "macos-arm64",
        )
        assert all(name == "host" or name in PRESETS for name in DEFAULT_TARGETS)


class TestParsePython:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("3.12", Python(version=(3, 12))),
            ("3.12.4", Python(version=(3, 12, 4))),
            (" 3.10 ", Python(version=(3, 10))),
            ("3.13t", PY313T),
            ("3.13.2t", Python(version=(3, 13, 2), free_threaded=True)),
            ("cp312", Python(version=(3, 12))),
            ("cp39", Python(version=(3, 9))),
            ("CP313t", PY313T),
        ],
        ids=lambda value: value if isinstance(value, str) else "",
    )
    def test_valid(self, text: str, expected: Python) -> None:
        assert parse_python(text) == expected

    @pytest.mark.parametrize(
        "text",
        ["", "3", "three", "3.12x", "py312", "cp3", "2.7", "3.12t", "cp312t", "3.12.4.1"],
    )
    def test_invalid(self, text: str) -> None:
        with pytest.raises(UnknownTarget, match="unknown Python version") as info:
            parse_python(text)
        assert info.value.hint

    @pytest.mark.parametrize(
        ("text", "why"),
        [
            ("3.99", "there is no CPython 3.99"),
            ("3.99999999", "there is no CPython 3.99999999"),
            ("3." + "9" * 5000, "999999999... is no version number"),
            ("3.0", "CPython 3.0 is older than wheelcast models"),
            ("4.1", "there is no CPython 4.1"),
            ("3.17", "there is no CPython 3.17"),
            ("cp399", "there is no CPython 3.99"),
            ("2.7", "Python 2 is not supported: wheelcast forecasts for Python 3"),
            ("cp27", "Python 2 is not supported"),
            ("3.12.999", "CPython 3.12 has no patch release 999"),
        ],
        ids=["3.99", "3.99999999", "5000-digits", "3.0", "4.1", "3.17", "cp399", "2.7", "cp27",
             "3.12.999"],
    )  # fmt: skip
    def test_refuses_what_does_not_exist(self, text: str, why: str) -> None:
        with pytest.raises(UnknownTarget) as info:
            parse_python(text)
        # The input is quoted cut to a bounded length (5000 digits are not echoed).
        assert str(info.value).startswith(f"unknown Python version '{shown(text)}': {why}")
        assert "3.3 to 3.16" in info.value.hint

    @pytest.mark.parametrize(
        ("text", "version"), [("3.3", (3, 3)), ("3.16", (3, 16)), ("cp37", (3, 7))]
    )
    def test_known_range(self, text: str, version: tuple[int, ...]) -> None:
        assert parse_python(text).version == version


def _tag_of(text: str) -> str:
    return parse_target(text, [PY312])[0].platform.tag


class TestParseTarget:
    @pytest.mark.parametrize(
        ("text", "tag"),
        [
            # presets
            ("win-arm64", "win_arm64"),
            ("musllinux-aarch64", "musllinux_1_2_aarch64"),
            ("macos-x86_64", "macosx_13_0_x86_64"),
            # exact platform tags
            ("manylinux_2_17_aarch64", "manylinux_2_17_aarch64"),
            ("manylinux_2_34_x86_64", "manylinux_2_34_x86_64"),
            ("manylinux2014_x86_64", "manylinux_2_17_x86_64"),
            ("manylinux2014_aarch64", "manylinux_2_17_aarch64"),
            ("manylinux2010_i686", "manylinux_2_12_i686"),
            ("manylinux1_x86_64", "manylinux_2_5_x86_64"),
            ("musllinux_1_1_x86_64", "musllinux_1_1_x86_64"),
            ("macosx_14_0_arm64", "macosx_14_0_arm64"),
            ("macosx_10_9_x86_64", "macosx_10_9_x86_64"),
            ("win_arm64", "win_arm64"),
            ("win_amd64", "win_amd64"),
            ("win32", "win32"),
            ("linux_armv7l", "linux_armv7l"),
            # uv --python-platform values
            ("windows", "win_amd64"),
            ("linux", "manylinux_2_28_x86_64"),
            ("macos", "macosx_13_0_arm64"),
            ("x86_64-pc-windows-msvc", "win_amd64"),
            ("aarch64-pc-windows-msvc", "win_arm64"),
            ("i686-pc-windows-msvc", "win32"),
            ("x86_64-unknown-linux-gnu", "manylinux_2_28_x86_64"),
            ("aarch64-unknown-linux-gnu", "manylinux_2_28_aarch64"),
            ("s390x-unknown-linux-gnu", "manylinux_2_28_s390x"),
            ("powerpc64le-unknown-linux-gnu", "manylinux_2_28_ppc64le"),
            ("riscv64-unknown-linux", "manylinux_2_39_riscv64"),
            ("x86_64-unknown-linux-musl", "musllinux_1_2_x86_64"),
            ("aarch64-unknown-linux-musl", "musllinux_1_2_aarch64"),
            ("aarch64-apple-darwin", "macosx_13_0_arm64"),
            ("x86_64-apple-darwin", "macosx_13_0_x86_64"),
            ("x86_64-manylinux_2_28", "manylinux_2_28_x86_64"),
            ("x86_64-manylinux_2_40", "manylinux_2_40_x86_64"),
            ("aarch64-manylinux_2_31", "manylinux_2_31_aarch64"),
            ("x86_64-manylinux2014", "manylinux_2_17_x86_64"),
            ("aarch64-manylinux2014", "manylinux_2_17_aarch64"),
            ("ppc64le-manylinux_2_17", "manylinux_2_17_ppc64le"),
        ],
        ids=lambda value: value,
    )
    def test_platform(self, text: str, tag: str) -> None:
        assert _tag_of(text) == tag

    def test_one_target_per_python(self) -> None:
        targets = parse_target("win-arm64", [PY312, PY313T])
        assert [t.id for t in targets] == ["win-arm64@3.12", "win-arm64@3.13t"]
        assert {t.platform for t in targets} == {PRESETS["win-arm64"]}
        assert all(t.environment is None for t in targets)

    @pytest.mark.parametrize(
        ("text", "ids"),
        [
            ("win-arm64@3.13", ["win-arm64@3.13"]),
            ("aarch64-pc-windows-msvc@cp313t", ["aarch64-pc-windows-msvc@3.13t"]),
            ("manylinux_2_17_aarch64@3.10.2", ["manylinux_2_17_aarch64@3.10"]),
        ],
        ids=["preset", "triple-cp-tag", "platform-tag-with-patch"],
    )
    def test_python_suffix_overrides(self, text: str, ids: list[str]) -> None:
        assert [t.id for t in parse_target(text, [PY312, PY313T])] == ids

    def test_name_is_the_platform_part(self) -> None:
        (target,) = parse_target(" X86_64-Unknown-Linux-GNU@3.12 ", [])
        assert target.name == "x86_64-unknown-linux-gnu"
        assert target.python == PY312

    @pytest.mark.parametrize(
        "text",
        [
            "win-arm",
            "freebsd",
            "manylinux_2_28_sparc",
            "macosx_13_0_universal2",
            "musllinux_2_0_x86_64",
            "arm64-apple-tvos",
            "riscv64-linux-android",
            "wasm32-pyodide2023",
            "ios_13_0_x86_64",
            "android_24_aarch64",
            "host2",
        ],
    )
    def test_unknown(self, text: str) -> None:
        with pytest.raises(UnknownTarget, match=f"unknown target '{text}'") as info:
            parse_target(text, [PY312])
        assert "win-arm64" in info.value.hint
        assert "musllinux-aarch64" in info.value.hint
        assert "`wheelcast targets`" in info.value.hint

    @pytest.mark.parametrize(
        ("text", "hint"),
        [
            ("manylinux_2_12_aarch64", "manylinux_2_17_aarch64"),
            ("manylinux1_aarch64", "manylinux_2_17_aarch64"),
            ("manylinux_2_4_x86_64", "manylinux_2_5_x86_64"),
            ("macosx_10_15_arm64", "macosx_11_0_arm64"),
        ],
        ids=lambda value: value,
    )
    def test_below_floor(self, text: str, hint: str) -> None:
        with pytest.raises(UnknownTarget, match="unknown target") as info:
            parse_target(text, [PY312])
        assert hint in info.value.hint

    @pytest.mark.parametrize(
        ("text", "why"),
        [
            ("manylinux_2_99999999_x86_64", "there is no glibc 2.99999999"),
            ("manylinux_2_100_x86_64", "there is no glibc 2.100"),
            ("manylinux_3_0_x86_64", "there is no glibc 3.0"),
            ("x86_64-manylinux_2_123", "there is no glibc 2.123"),
            ("manylinux_2_" + "9" * 5000 + "_x86_64", "999999999... is no version number"),
            ("musllinux_1_100_x86_64", "there is no musl 1.100"),
            ("macosx_99999999_0_arm64", "there is no macOS 99999999.0"),
            ("macosx_100_0_arm64", "there is no macOS 100.0"),
            ("macosx_14_100_arm64", "there is no macOS 14.100"),
            ("macosx_10_99999999_x86_64", "there is no macOS 10.99999999"),
            ("macosx_10_17_x86_64", "there is no macOS 10.17"),
            ("macosx_9_0_x86_64", "there is no macOS 9.0"),
        ],
        ids=lambda value: value[:40],
    )
    def test_version_past_its_bound(self, text: str, why: str) -> None:
        with pytest.raises(UnknownTarget) as info:
            parse_target(text, [PY312])
        assert str(info.value).startswith(f"unknown target '{shown(text)}': {why}")
        assert info.value.hint

    @pytest.mark.parametrize(
        ("text", "tag"),
        [
            ("manylinux_2_99_x86_64", "manylinux_2_99_x86_64"),
            ("musllinux_1_99_aarch64", "musllinux_1_99_aarch64"),
            ("macosx_99_0_arm64", "macosx_99_0_arm64"),
            ("macosx_10_16_x86_64", "macosx_10_16_x86_64"),
            ("macosx_10_0_x86_64", "macosx_10_0_x86_64"),
        ],
        ids=lambda value: value,
    )
    def test_version_at_its_bound(self, text: str, tag: str) -> None:
        assert _tag_of(text) == tag

    def test_bad_python_suffix(self) -> None:
        with pytest.raises(UnknownTarget, match="unknown Python version 'x'"):
            parse_target("win-arm64@x", [PY312])

    def test_foreign_target_needs_a_python(self) -> None:
        with pytest.raises(UnknownTarget, match="no Python version") as info:
            parse_target("win-arm64", [])
        assert "win-arm64@3.12" in info.value.hint

    def test_host(self) -> None:
        (target,) = parse_target("host", [])
        assert target == host_target()
        assert [t.id for t in parse_target("host@3.13", [])] == ["host@3.13"]
        assert [t.python for t in parse_target("host", [PY312, PY313T])] == [PY312, PY313T]


class TestHostTarget:
    def test_running_interpreter(self) -> None:
        target = host_target()
        assert target.name == "host"
        assert target.python.version == tuple(sys.version_info[:3])
        assert target.python.short == f"{sys.version_info[0]}.{sys.version_info[1]}"
        assert target.environment is not None
        assert dict(target.environment) == default_environment()

    @pytest.mark.skipif(sys.platform != "linux", reason="reads this Linux machine's glibc")
    def test_linux_glibc_host(self) -> None:
        version = _manylinux._get_glibc_version()
        plat = host_target().platform
        assert (plat.os, plat.arch) == ("linux", platform.machine())
        assert plat.libc == "glibc"
        assert plat.libc_version == (version.major, version.minor)

    @pytest.mark.parametrize(
        ("pretend", "expected"),
        [
            ({"system": "Linux", "sysconfig_platform": "linux-aarch64", "glibc": (2, 28)},
             Platform("linux", "aarch64", "glibc", (2, 28))),
            ({"system": "Linux", "sysconfig_platform": "linux-x86_64", "musl": (1, 2)},
             Platform("linux", "x86_64", "musl", (1, 2))),
            ({"system": "Linux", "sysconfig_platform": "linux-riscv64"},
             Platform("linux", "riscv64")),
            ({"system": "Windows", "sysconfig_platform": "win-arm64"},
             Platform("windows", "arm64")),
            ({"system": "Windows", "sysconfig_platform": "win-amd64"},
             Platform("windows", "amd64")),
            ({"system": "Windows", "sysconfig_platform": "win32"}, Platform("windows", "x86")),
            ({"system": "Darwin", "mac": ("14.2.1", "arm64")},
             Platform("macos", "arm64", macos_version=(14, 2))),
            ({"system": "Darwin", "mac": ("10.15.7", "x86_64")},
             Platform("macos", "x86_64", macos_version=(10, 15))),
        ],
        ids=["linux-aarch64", "musl", "no-libc", "win-arm64", "win-amd64", "win32", "mac-arm64",
             "mac-catalina"],
    )  # fmt: skip
    def test_detects_platform(
        self, monkeypatch: pytest.MonkeyPatch, pretend: dict[str, object], expected: Platform
    ) -> None:
        pretend_host(monkeypatch, **pretend)  # type: ignore[arg-type]
        assert host_target().platform == expected

    def test_unsupported_system(self, monkeypatch: pytest.MonkeyPatch) -> None:
        pretend_host(monkeypatch, "FreeBSD")
        with pytest.raises(UnknownTarget, match="FreeBSD"):
            host_target()

    def test_unmodelled_arch(self, monkeypatch: pytest.MonkeyPatch) -> None:
        pretend_host(monkeypatch, "Linux", sysconfig_platform="linux-sparc64", glibc=(2, 28))
        with pytest.raises(UnknownTarget, match="sparc64") as info:
            host_target()
        assert "wheelcast targets" in info.value.hint

    def test_same_minor_is_the_running_interpreter(self) -> None:
        running = host_target()
        same = Python(version=tuple(sys.version_info[:2]))
        assert host_target(same) == running

    def test_other_python_keeps_host_platform_markers(self) -> None:
        other = Python(version=(3, 8, 1)) if sys.version_info[:2] != (3, 8) else PY312
        target = host_target(other)
        env = marker_environment(target)
        real = default_environment()
        assert target.python == other
        assert env["python_version"] == f"3.{other.version[1]}"
        assert env["python_full_version"] == other.full_version
        assert env["implementation_version"] == other.full_version
        for key in ("platform_release", "platform_version", "platform_machine", "sys_platform"):
            assert env[key] == real[key]


class TestMarkerEnvironment:
    @pytest.mark.parametrize(
        ("preset", "os_name", "sys_platform", "system", "machine"),
        [
            ("win-amd64", "nt", "win32", "Windows", "AMD64"),
            ("win-arm64", "nt", "win32", "Windows", "ARM64"),
            ("win32", "nt", "win32", "Windows", "x86"),
            ("linux-x86_64", "posix", "linux", "Linux", "x86_64"),
            ("linux-aarch64", "posix", "linux", "Linux", "aarch64"),
            ("musllinux-aarch64", "posix", "linux", "Linux", "aarch64"),
            ("macos-arm64", "posix", "darwin", "Darwin", "arm64"),
            ("macos-x86_64", "posix", "darwin", "Darwin", "x86_64"),
        ],
        ids=lambda value: value,
    )
    def test_platform_markers(
        self, preset: str, os_name: str, sys_platform: str, system: str, machine: str
    ) -> None:
        env = marker_environment(Target(preset, PRESETS[preset], PY312))
        assert env["os_name"] == os_name
        assert env["sys_platform"] == sys_platform
        assert env["platform_system"] == system
        assert env["platform_machine"] == machine

    @pytest.mark.parametrize(
        ("python", "version", "full"),
        [
            (PY312, "3.12", "3.12.0"),
            (Python(version=(3, 12, 4)), "3.12", "3.12.4"),
            (PY313T, "3.13", "3.13.0"),
            (Python(version=(3, 7)), "3.7", "3.7.0"),
            (Python(version=(3, 6, 15)), "3.6", "3.6.15"),
        ],
        ids=["3.12", "3.12.4", "3.13t", "3.7", "3.6.15"],
    )
    def test_python_markers(self, python: Python, version: str, full: str) -> None:
        env = marker_environment(Target("win-arm64", PRESETS["win-arm64"], python))
        assert env["python_version"] == version
        assert env["python_full_version"] == full
        assert env["implementation_version"] == full
        assert env["implementation_name"] == "cpython"
        assert env["platform_python_implementation"] == "CPython"

    def test_same_keys_as_packaging(self) -> None:
        env = marker_environment(Target("linux-x86_64", PRESETS["linux-x86_64"], PY312))
        assert set(env) == set(default_environment())

    def test_unknowable_are_empty(self) -> None:
        assert {"platform_release", "platform_version"} == UNKNOWABLE_MARKERS
        env = marker_environment(Target("macos-arm64", PRESETS["macos-arm64"], PY312))
        assert {key: env[key] for key in UNKNOWABLE_MARKERS} == dict.fromkeys(
            UNKNOWABLE_MARKERS, ""
        )

    def test_host_uses_real_values(self) -> None:
        assert marker_environment(host_target()) == default_environment()

    @pytest.mark.parametrize(
        ("marker", "preset", "expected"),
        [
            ('sys_platform == "win32" and platform_machine == "ARM64"', "win-arm64", True),
            ('platform_machine == "AMD64"', "win-arm64", False),
            ('sys_platform == "linux" and python_version >= "3.12"', "linux-aarch64", True),
            ('platform_system == "Darwin" and platform_machine == "x86_64"', "macos-arm64", False),
            ('os_name == "nt"', "win32", True),
        ],
        ids=["win-arm64", "not-amd64", "linux", "mac-arch", "nt"],
    )
    def test_evaluates_with_packaging(self, marker: str, preset: str, expected: bool) -> None:
        env = marker_environment(Target(preset, PRESETS[preset], PY312))
        assert Marker(marker).evaluate(env) is expected
