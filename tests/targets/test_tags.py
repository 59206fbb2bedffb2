"""Tests for wheelcast.targets.tags: platform ladders and tag order, checked against packaging."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from packaging import tags as ptags
from packaging.tags import Tag
from tests.indexserver import build_wheel
from tests.pretend import pretend_host

from wheelcast.cli import main
from wheelcast.targets import PRESETS, Platform, Python, Target, host_target, parse_target
from wheelcast.targets.tags import (
    NATIVE_LINUX_FIRST,
    compatible_tags,
    platform_tags,
    tag_priorities,
)

PY312 = Python(version=(3, 12))
PY313T = Python(version=(3, 13), free_threaded=True)
RUNNING = Python(version=(sys.version_info[0], sys.version_info[1]))


def _glibc(arch: str, major: int, minor: int) -> Platform:
    return Platform("linux", arch, "glibc", (major, minor))


def _target(plat: Platform, python: Python = PY312) -> Target:
    return Target(plat.tag, plat, python)


def _strs(tags: tuple[Tag, ...]) -> list[str]:
    return [str(tag) for tag in tags]


def _ladder(plat: Platform) -> tuple[str, ...]:
    """The ladder without the native linux_<arch> tag, checked to sit where packaging puts it."""
    ladder = platform_tags(plat)
    native = f"linux_{plat.arch}"
    assert ladder[0 if NATIVE_LINUX_FIRST else -1] == native
    return tuple(tag for tag in ladder if tag != native)


class TestPlatformTags:
    @pytest.mark.parametrize(
        ("preset", "tag"),
        [("win-amd64", "win_amd64"), ("win-arm64", "win_arm64"), ("win32", "win32")],
        ids=lambda value: value,
    )
    def test_windows_single_tag(self, preset: str, tag: str) -> None:
        assert platform_tags(PRESETS[preset]) == (tag,)

    def test_manylinux_2_28_aarch64(self) -> None:
        ladder = _ladder(_glibc("aarch64", 2, 28))
        assert ladder == (
            *(f"manylinux_2_{minor}_aarch64" for minor in range(28, 16, -1)),
            "manylinux2014_aarch64",
        )
        assert sum(tag.startswith("manylinux_") for tag in ladder) == 12

    def test_manylinux_x86_64_reaches_2_5_with_all_aliases(self) -> None:
        ladder = _ladder(_glibc("x86_64", 2, 28))
        assert ladder[0] == "manylinux_2_28_x86_64"
        assert ladder[-2:] == ("manylinux_2_5_x86_64", "manylinux1_x86_64")
        for alias, equal in [
            ("manylinux2014_x86_64", "manylinux_2_17_x86_64"),
            ("manylinux2010_x86_64", "manylinux_2_12_x86_64"),
            ("manylinux1_x86_64", "manylinux_2_5_x86_64"),
        ]:
            assert ladder.index(alias) == ladder.index(equal) + 1
        assert len(ladder) == 24 + 3

    @pytest.mark.parametrize(
        ("plat", "first", "length"),
        [
            (_glibc("aarch64", 2, 17), "manylinux_2_17_aarch64", 2),
            (_glibc("i686", 2, 12), "manylinux_2_12_i686", 8 + 2),
            (_glibc("riscv64", 2, 39), "manylinux_2_39_riscv64", 23 + 1),
            (_glibc("armv7l", 2, 31), "manylinux_2_31_armv7l", 15 + 1),
        ],
        ids=["aarch64-2.17", "i686-2.12", "riscv64-2.39", "armv7l-2.31"],
    )
    def test_manylinux_lengths(self, plat: Platform, first: str, length: int) -> None:
        ladder = _ladder(plat)
        assert (ladder[0], len(ladder)) == (first, length)

    def test_musllinux(self) -> None:
        assert _ladder(PRESETS["musllinux-x86_64"]) == (
            "musllinux_1_2_x86_64",
            "musllinux_1_1_x86_64",
            "musllinux_1_0_x86_64",
        )

    def test_plain_linux(self) -> None:
        assert platform_tags(Platform("linux", "s390x")) == ("linux_s390x",)

    @pytest.mark.parametrize(
        ("version", "arch"),
        [((13, 0), "arm64"), ((13, 0), "x86_64"), ((14, 2), "arm64"), ((10, 15), "x86_64")],
        ids=["13-arm64", "13-x86_64", "14.2-arm64", "10.15-x86_64"],
    )
    def test_macos_is_packaging(self, version: tuple[int, int], arch: str) -> None:
        ladder = platform_tags(Platform("macos", arch, macos_version=version))
        assert ladder == tuple(ptags.mac_platforms(version, arch))
        # From macOS 11 on, packaging (and so pip) names only the .0 of each major release.
        minor = version[1] if version[0] == 10 else 0
        assert ladder[0] == f"macosx_{version[0]}_{minor}_{arch}"
        assert f"macosx_{version[0]}_{minor}_universal2" in ladder

    def test_macos_arm64_13_ladder(self) -> None:
        ladder = platform_tags(PRESETS["macos-arm64"])
        assert ladder[:4] == (
            "macosx_13_0_arm64",
            "macosx_13_0_universal2",
            "macosx_12_0_arm64",
            "macosx_12_0_universal2",
        )
        assert "macosx_10_9_universal2" in ladder
        assert "macosx_10_9_x86_64" not in ladder


class TestCompatibleTags:
    def test_win_arm64_312(self) -> None:
        tags = _strs(compatible_tags(parse_target("win-arm64@3.12", [])[0]))
        assert tags[:6] == [
            "cp312-cp312-win_arm64",
            "cp312-abi3-win_arm64",
            "cp312-none-win_arm64",
            "cp311-abi3-win_arm64",
            "cp310-abi3-win_arm64",
            "cp39-abi3-win_arm64",
        ]
        assert tags[12] == "cp32-abi3-win_arm64"
        assert tags[13:16] == ["py312-none-win_arm64", "py3-none-win_arm64", "py311-none-win_arm64"]
        assert tags.index("cp312-none-any") < tags.index("py312-none-any")
        assert tags[-3:] == ["py32-none-any", "py31-none-any", "py30-none-any"]
        assert "py3-none-any" in tags
        assert len(tags) == 42
        assert not any("amd64" in tag or "manylinux" in tag for tag in tags)

    def test_free_threaded_has_no_abi3(self) -> None:
        tags = compatible_tags(_target(PRESETS["linux-aarch64"], PY313T))
        assert str(tags[1 if NATIVE_LINUX_FIRST else 0]) == "cp313-cp313t-manylinux_2_28_aarch64"
        assert not any(tag.abi == "abi3" for tag in tags)
        assert not any(tag.abi == "cp313" for tag in tags)
        assert Tag("py3", "none", "any") in tags

    def test_gil_build_has_no_free_threaded_abi(self) -> None:
        tags = compatible_tags(_target(PRESETS["linux-aarch64"], Python(version=(3, 13))))
        assert not any(tag.abi.endswith("t") for tag in tags)
        assert Tag("cp39", "abi3", "manylinux2014_aarch64") in tags

    def test_same_for_patch_versions(self) -> None:
        plat = PRESETS["macos-arm64"]
        assert compatible_tags(_target(plat, Python(version=(3, 12, 4)))) == compatible_tags(
            _target(plat)
        )

    def test_host_equals_sys_tags(self) -> None:
        assert list(compatible_tags(host_target())) == list(ptags.sys_tags())

    def test_foreign_target_ignores_the_host(self, monkeypatch: pytest.MonkeyPatch) -> None:
        target = _target(PRESETS["linux-aarch64"])
        before = compatible_tags(target)
        compatible_tags.cache_clear()
        pretend_host(monkeypatch, "Darwin", mac=("14.0", "arm64"))
        assert compatible_tags(target) == before


# A release build as python.org and the distributions ship it, for packaging's ABI probe:
# with pymalloc (which gave CPython <= 3.7 its m ABI flag), without debug or free threading.
_RELEASE_BUILD = {"WITH_PYMALLOC": 1, "Py_DEBUG": 0, "Py_GIL_DISABLED": 0}
_RECORDED_PIP_37 = (
    Path(__file__).parent.parent
    / "data"
    / "tags"
    / "pip-22.0.4-debug-cp37-manylinux_2_36_x86_64.txt"
)


class TestOldPythons:
    """Up to 3.7, CPython's ABI tag carries pymalloc's m (cp37m); 3.8 dropped it."""

    @pytest.mark.parametrize("minor", [3, 4, 5, 6, 7, 8, 9, 16])
    @pytest.mark.parametrize(
        "plat",
        [PRESETS["win-amd64"], PRESETS["linux-x86_64"], PRESETS["macos-x86_64"]],
        ids=lambda plat: plat.tag,
    )
    def test_equal_to_pips_python_version_tags(
        self, monkeypatch: pytest.MonkeyPatch, minor: int, plat: Platform
    ) -> None:
        # pip --python-version 3.X --platform P: cpython_tags with the ABIs packaging
        # derives for that version, then compatible_tags (pip's get_supported).
        monkeypatch.setattr(
            ptags, "_get_config_var", lambda name, _warn=False: _RELEASE_BUILD.get(name)
        )
        version = (3, minor)
        platforms = platform_tags(plat)
        expected = [
            *ptags.cpython_tags(version, platforms=platforms),
            *ptags.compatible_tags(version, f"cp3{minor}", platforms),
        ]
        assert list(compatible_tags(_target(plat, Python(version=version)))) == expected

    @pytest.mark.parametrize(
        ("target", "tag"),
        [
            ("linux-x86_64@3.7", "cp37-cp37m-manylinux_2_17_x86_64"),
            ("win-amd64@3.7", "cp37-cp37m-win_amd64"),
            ("macos-x86_64@3.6", "cp36-cp36m-macosx_10_9_x86_64"),
            ("win32@3.5", "cp35-cp35m-win32"),
        ],
        ids=lambda value: value,
    )
    def test_m_wheels_install(self, target: str, tag: str) -> None:
        # numpy 1.21.6 ships cp37-cp37m-manylinux_2_17_x86_64 and cp37-cp37m-win_amd64
        (parsed,) = parse_target(target, [])
        ranks = tag_priorities(parsed)
        (wheel_tag,) = ptags.parse_tag(tag)
        assert wheel_tag in ranks
        assert Tag(wheel_tag.interpreter, wheel_tag.interpreter, wheel_tag.platform) not in ranks

    def test_abi3_down_to_cp32(self) -> None:
        tags = _strs(compatible_tags(parse_target("win-amd64@3.6", [])[0]))
        assert tags[:6] == [
            "cp36-cp36m-win_amd64",
            "cp36-abi3-win_amd64",
            "cp36-none-win_amd64",
            "cp35-abi3-win_amd64",
            "cp34-abi3-win_amd64",
            "cp33-abi3-win_amd64",
        ]
        assert tags[6:8] == ["cp32-abi3-win_amd64", "py36-none-win_amd64"]

    def test_check_takes_the_m_wheel(self, tmp_path: Path) -> None:
        # numpy 1.21.6 as the index had it at the start of 2023, in small
        links = tmp_path / "links"
        links.mkdir()
        for tag in ["cp37-cp37m-manylinux_2_17_x86_64", "cp37-cp37m-win_amd64"]:
            build_wheel(links, "numpy", "1.21.6", tag=tag, requires_python=">=3.7")
        build_wheel(links, "numpy", "1.21.6", tag="cp38-cp38-manylinux_2_17_x86_64")
        out = io.StringIO()
        code = main(
            ["check", "numpy", "--python", "3.7", "-t", "linux-x86_64", "-t", "win-amd64",
             "--no-index", "-f", str(links), "--cache-dir", str(tmp_path / "cache"),
             "--format", "json"],
            out,
        )  # fmt: skip
        assert code == 0
        results = {r["target"]: r["packages"][0] for r in json.loads(out.getvalue())["results"]}
        assert {target: p["verdict"] for target, p in results.items()} == {
            "linux-x86_64@3.7": "binary",
            "win-amd64@3.7": "binary",
        }

    def test_equal_to_recorded_pip_on_python_37(self, monkeypatch: pytest.MonkeyPatch) -> None:
        lines = _RECORDED_PIP_37.read_text(encoding="utf-8").splitlines()
        recorded = [line for line in lines if not line.startswith("#")]
        # the recording's packaging (21.3) put linux_<arch> last: compare like with like
        monkeypatch.setattr("wheelcast.targets.tags.NATIVE_LINUX_FIRST", False)
        compatible_tags.cache_clear()
        try:
            target = _target(_glibc("x86_64", 2, 36), Python(version=(3, 7, 16)))
            assert _strs(compatible_tags(target)) == recorded
        finally:
            compatible_tags.cache_clear()


_PRETENDS = [
    pytest.param({"system": "Linux", "sysconfig_platform": "linux-aarch64", "glibc": (2, 28)},
                 _glibc("aarch64", 2, 28), id="linux-aarch64-glibc2.28"),
    pytest.param({"system": "Linux", "sysconfig_platform": "linux-x86_64", "glibc": (2, 17)},
                 _glibc("x86_64", 2, 17), id="linux-x86_64-glibc2.17"),
    pytest.param({"system": "Linux", "sysconfig_platform": "linux-x86_64", "glibc": (2, 5)},
                 _glibc("x86_64", 2, 5), id="linux-x86_64-glibc2.5"),
    pytest.param({"system": "Linux", "sysconfig_platform": "linux-i686", "glibc": (2, 31)},
                 _glibc("i686", 2, 31), id="linux-i686-glibc2.31"),
    pytest.param({"system": "Linux", "sysconfig_platform": "linux-armv7l", "glibc": (2, 35)},
                 _glibc("armv7l", 2, 35), id="linux-armv7l-glibc2.35"),
    pytest.param({"system": "Linux", "sysconfig_platform": "linux-s390x", "glibc": (2, 34)},
                 _glibc("s390x", 2, 34), id="linux-s390x-glibc2.34"),
    pytest.param({"system": "Linux", "sysconfig_platform": "linux-riscv64", "glibc": (2, 39)},
                 _glibc("riscv64", 2, 39), id="linux-riscv64-glibc2.39"),
    pytest.param({"system": "Linux", "sysconfig_platform": "linux-x86_64", "musl": (1, 2)},
                 PRESETS["musllinux-x86_64"], id="musllinux-x86_64-1.2"),
    pytest.param({"system": "Linux", "sysconfig_platform": "linux-aarch64", "musl": (1, 1)},
                 Platform("linux", "aarch64", "musl", (1, 1)), id="musllinux-aarch64-1.1"),
    pytest.param({"system": "Linux", "sysconfig_platform": "linux-ppc64le"},
                 Platform("linux", "ppc64le"), id="linux-ppc64le-no-libc"),
    pytest.param({"system": "Windows", "sysconfig_platform": "win-arm64"},
                 PRESETS["win-arm64"], id="win-arm64"),
    pytest.param({"system": "Windows", "sysconfig_platform": "win-amd64"},
                 PRESETS["win-amd64"], id="win-amd64"),
    pytest.param({"system": "Windows", "sysconfig_platform": "win32"},
                 PRESETS["win32"], id="win32"),
    pytest.param({"system": "Darwin", "mac": ("13.0", "arm64")},
                 PRESETS["macos-arm64"], id="macos-13-arm64"),
    pytest.param({"system": "Darwin", "mac": ("14.5", "x86_64")},
                 Platform("macos", "x86_64", macos_version=(14, 5)), id="macos-14.5-x86_64"),
    pytest.param({"system": "Darwin", "mac": ("10.15.7", "x86_64")},
                 Platform("macos", "x86_64", macos_version=(10, 15)), id="macos-10.15-x86_64"),
]  # fmt: skip


class TestAgainstPackaging:
    """packaging's sys_tags(), made to believe it runs on another machine, is the oracle."""

    @pytest.mark.parametrize(("pretend", "plat"), _PRETENDS)
    def test_foreign_ladder(
        self, monkeypatch: pytest.MonkeyPatch, pretend: dict[str, object], plat: Platform
    ) -> None:
        pretend_host(monkeypatch, **pretend)  # type: ignore[arg-type]
        expected = list(ptags.sys_tags())
        assert list(compatible_tags(_target(plat, RUNNING))) == expected
        assert list(platform_tags(plat)) == list(ptags.platform_tags())

    @pytest.mark.parametrize(("pretend", "plat"), _PRETENDS)
    def test_host_detection(
        self, monkeypatch: pytest.MonkeyPatch, pretend: dict[str, object], plat: Platform
    ) -> None:
        pretend_host(monkeypatch, **pretend)  # type: ignore[arg-type]
        host = host_target()
        assert host.platform == plat
        assert list(compatible_tags(host)) == list(ptags.sys_tags())


class TestTagPriorities:
    def test_ranks_follow_compatible_tags(self) -> None:
        target = _target(PRESETS["linux-x86_64"])
        ranks = tag_priorities(target)
        ordered = compatible_tags(target)
        assert ranks[ordered[0]] == 0
        first = 1 if NATIVE_LINUX_FIRST else 0
        assert ranks[Tag("cp312", "cp312", "manylinux_2_28_x86_64")] == first
        assert ranks[Tag("cp312", "cp312", "manylinux_2_27_x86_64")] == first + 1
        assert ranks[Tag("py3", "none", "any")] == ordered.index(Tag("py3", "none", "any"))
        assert sorted(ranks, key=ranks.__getitem__) == list(ordered)
        assert len(ranks) == len(ordered)

    @pytest.mark.parametrize(
        "tag",
        [
            Tag("cp312", "cp312", "win_amd64"),
            Tag("cp313", "cp313", "manylinux_2_28_x86_64"),
            Tag("cp312", "cp312", "manylinux_2_29_x86_64"),
            Tag("cp312", "cp312", "musllinux_1_2_x86_64"),
            Tag("pp310", "pypy310_pp73", "manylinux_2_28_x86_64"),
        ],
        ids=str,
    )
    def test_incompatible_tags_absent(self, tag: Tag) -> None:
        assert tag not in tag_priorities(_target(PRESETS["linux-x86_64"]))

    def test_cached_per_target(self) -> None:
        target = _target(PRESETS["win-arm64"])
        assert tag_priorities(target) is tag_priorities(_target(PRESETS["win-arm64"]))
        assert tag_priorities(target) is not tag_priorities(_target(PRESETS["win-amd64"]))

    def test_read_only(self) -> None:
        ranks = tag_priorities(_target(PRESETS["win-arm64"]))
        with pytest.raises(TypeError):
            ranks[Tag("py3", "none", "any")] = 0  # type: ignore[index]
