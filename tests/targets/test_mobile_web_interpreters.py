"""iOS, Android and Emscripten targets, PyPy and GraalPy interpreters (issue 21).

The expected values come from the PEPs (730 iOS, 738 Android, 783 Emscripten) and from uv
0.13.9's ``crates/uv-configuration/src/target_triple.rs`` (its platform and marker values
per ``--python-platform`` triple) and ``crates/uv-platform-tags/src/tags.rs`` (its tag
ladders); the tag order follows packaging's ``sys_tags``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from packaging import tags as ptags
from tests.indexserver import build_wheel
from tests.sdist.sdist_support import recorded

from wheelcast.cli import main
from wheelcast.errors import UnknownTarget
from wheelcast.sdist.needs import analyze
from wheelcast.sdist.toolchain_advice import toolchain_advice
from wheelcast.targets import (
    PRESETS,
    Platform,
    Python,
    Target,
    marker_environment,
    parse_python,
    parse_target,
)
from wheelcast.targets.tags import compatible_tags, platform_tags

PY311 = Python(version=(3, 11))
PY313 = Python(version=(3, 13))


def _one(text: str, python: Python = PY313) -> Target:
    (target,) = parse_target(text, [python])
    return target


class TestUvTriples:
    @pytest.mark.parametrize(
        ("triple", "preset", "tag"),
        [
            ("arm64-apple-ios", "ios-arm64", "ios_13_0_arm64_iphoneos"),
            ("arm64-apple-ios-simulator", "ios-simulator-arm64", "ios_13_0_arm64_iphonesimulator"),
            ("x86_64-apple-ios-simulator", "ios-simulator-x86_64",
             "ios_13_0_x86_64_iphonesimulator"),
            ("aarch64-linux-android", "android-arm64_v8a", "android_24_arm64_v8a"),
            ("x86_64-linux-android", "android-x86_64", "android_24_x86_64"),
            ("wasm32-pyodide2024", "pyodide-2024", "pyemscripten_2024_0_wasm32"),
            ("wasm32-pyodide2025", "pyodide-2025", "pyemscripten_2025_0_wasm32"),
        ],
        ids=lambda value: value,
    )  # fmt: skip
    def test_triple_is_its_preset(self, triple: str, preset: str, tag: str) -> None:
        python = _one(triple).python
        assert _one(triple, python).platform == PRESETS[preset]
        assert PRESETS[preset].tag == tag

    @pytest.mark.parametrize(
        ("text", "tag"),
        [
            ("ios_15_2_arm64_iphoneos", "ios_15_2_arm64_iphoneos"),
            ("ios_17_0_x86_64_iphonesimulator", "ios_17_0_x86_64_iphonesimulator"),
            ("android_21_armeabi_v7a", "android_21_armeabi_v7a"),
            ("android_30_x86", "android_30_x86"),
            ("pyodide_2024_0_wasm32", "pyemscripten_2024_0_wasm32"),
            ("pyemscripten_2026_0_wasm32", "pyemscripten_2026_0_wasm32"),
        ],
        ids=lambda value: value,
    )
    def test_exact_platform_tags(self, text: str, tag: str) -> None:
        assert parse_target(text, [Python(version=(3, 14))])[0].platform.tag == tag

    @pytest.mark.parametrize(
        ("variable", "value", "triple", "tag"),
        [
            ("IPHONEOS_DEPLOYMENT_TARGET", "15.2", "arm64-apple-ios", "ios_15_2_arm64_iphoneos"),
            ("IPHONEOS_DEPLOYMENT_TARGET", "16", "ios-simulator-arm64",
             "ios_16_0_arm64_iphonesimulator"),
            ("ANDROID_API_LEVEL", "27", "aarch64-linux-android", "android_27_arm64_v8a"),
            ("ANDROID_API_LEVEL", "21", "android-x86", "android_21_x86"),
        ],
        ids=["ios-15.2", "ios-16", "android-27", "android-21-preset"],
    )  # fmt: skip
    def test_uv_environment_variables_set_the_version(
        self, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, triple: str, tag: str
    ) -> None:
        monkeypatch.setenv(variable, value)
        assert _one(triple).platform.tag == tag

    @pytest.mark.parametrize(
        ("variable", "value", "triple"),
        [
            ("IPHONEOS_DEPLOYMENT_TARGET", "15.2.1", "arm64-apple-ios"),
            ("IPHONEOS_DEPLOYMENT_TARGET", "11.0", "arm64-apple-ios"),
            ("IPHONEOS_DEPLOYMENT_TARGET", "fifteen", "arm64-apple-ios"),
            ("ANDROID_API_LEVEL", "24.1", "aarch64-linux-android"),
            ("ANDROID_API_LEVEL", "15", "x86_64-linux-android"),
        ],
    )
    def test_bad_environment_variable_is_one_clear_error(
        self, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, triple: str
    ) -> None:
        monkeypatch.setenv(variable, value)
        with pytest.raises(UnknownTarget, match=f"{variable}={value}") as info:
            parse_target(triple, [PY313])
        assert variable in info.value.hint

    @pytest.mark.parametrize(
        ("value", "triple", "tag"),
        [
            ("14.2", "aarch64-apple-darwin", "macosx_14_2_arm64"),
            ("15", "macos", "macosx_15_0_arm64"),
            ("10.12", "x86_64-apple-darwin", "macosx_10_12_x86_64"),
            # arm64 Macs start at 11.0: a deployment target set for x86_64 builds means it
            ("10.9", "aarch64-apple-darwin", "macosx_11_0_arm64"),
        ],
    )
    def test_uv_reads_macosx_deployment_target_for_its_macos_triples(
        self, monkeypatch: pytest.MonkeyPatch, value: str, triple: str, tag: str
    ) -> None:
        # uv's target_triple.rs: macos_deployment_target() for macos, aarch64- and
        # x86_64-apple-darwin (`DEBUG Found macOS deployment target: 14.2`).
        monkeypatch.setenv("MACOSX_DEPLOYMENT_TARGET", value)
        assert _one(triple).platform.tag == tag

    @pytest.mark.parametrize(("value", "picked"), [(None, "macosx_11_0"), ("14.0", "macosx_14_0")])
    def test_macosx_deployment_target_picks_the_wheel_uv_picks(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str | None, picked: str
    ) -> None:
        # numpy 2.x's shape: an Accelerate build for macOS 14 beside one for 11; uv 0.13.9
        # with MACOSX_DEPLOYMENT_TARGET=14.0 picks the macOS 14 wheel, without it the other.
        for tag in ("cp313-cp313-macosx_11_0_arm64", "cp313-cp313-macosx_14_0_arm64"):
            build_wheel(tmp_path / "links", "accel", "1.0", tag=tag)
        if value is None:
            monkeypatch.delenv("MACOSX_DEPLOYMENT_TARGET", raising=False)
        else:
            monkeypatch.setenv("MACOSX_DEPLOYMENT_TARGET", value)
        out = io.StringIO()
        code = main(
            ["check", "accel", "-t", "aarch64-apple-darwin", "-p", "3.13", "--no-index",
             "-f", str(tmp_path / "links"), "--cache-dir", str(tmp_path / "cache"),
             "--format", "json"],
            out,
        )  # fmt: skip
        assert code == 0
        (package,) = json.loads(out.getvalue())["results"][0]["packages"]
        assert package["file"] == f"accel-1.0-cp313-cp313-{picked}_arm64.whl"

    def test_macosx_deployment_target_leaves_the_presets(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("MACOSX_DEPLOYMENT_TARGET", "10.9")
        assert _one("macos-arm64").platform.tag == "macosx_13_0_arm64"
        assert _one("macos-x86_64").platform.tag == "macosx_13_0_x86_64"

    @pytest.mark.parametrize("value", ["16.0", "fourteen", "14.2.1"])
    def test_bad_macosx_deployment_target_is_one_clear_error(
        self, monkeypatch: pytest.MonkeyPatch, value: str
    ) -> None:
        monkeypatch.setenv("MACOSX_DEPLOYMENT_TARGET", value)
        with pytest.raises(UnknownTarget, match=f"MACOSX_DEPLOYMENT_TARGET={value}") as info:
            parse_target("aarch64-apple-darwin", [PY313])
        assert "MACOSX_DEPLOYMENT_TARGET" in info.value.hint

    def test_the_variables_do_not_touch_exact_tags(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("IPHONEOS_DEPLOYMENT_TARGET", "17.0")
        assert _one("ios_14_0_arm64_iphoneos").platform.tag == "ios_14_0_arm64_iphoneos"

    @pytest.mark.parametrize(
        ("text", "why"),
        [
            ("ios_11_0_arm64_iphoneos", "there is no iOS 11.0"),
            ("ios_13_0_x86_64_iphoneos", "only iOS has a simulator, and iOS on x86_64"),
            ("android_15_arm64_v8a", "there is no Android API level 15"),
            ("pyodide_2023_0_wasm32", "there is no Pyodide ABI 2023_0"),
        ],
    )
    def test_platforms_that_do_not_exist(self, text: str, why: str) -> None:
        with pytest.raises(UnknownTarget, match=why):
            parse_target(text, [PY313])


class TestLadders:
    def test_ios_as_uv_builds_it(self) -> None:
        # uv: the requested X.Y, X.(Y-1)..X.0, then every earlier major's 9..0 down to 12.
        expected = ["ios_13_0_arm64_iphoneos"] + [
            f"ios_12_{minor}_arm64_iphoneos" for minor in range(9, -1, -1)
        ]
        assert list(platform_tags(PRESETS["ios-arm64"])) == expected

    def test_ios_minor_versions(self) -> None:
        plat = Platform("ios", "arm64", os_version=(14, 2), simulator=True)
        ladder = platform_tags(plat)
        assert ladder[:4] == (
            "ios_14_2_arm64_iphonesimulator",
            "ios_14_1_arm64_iphonesimulator",
            "ios_14_0_arm64_iphonesimulator",
            "ios_13_9_arm64_iphonesimulator",
        )
        assert ladder[-1] == "ios_12_0_arm64_iphonesimulator"
        assert len(ladder) == 3 + 10 + 10

    @pytest.mark.parametrize("abi", ["arm64_v8a", "x86_64", "armeabi_v7a", "x86"])
    def test_android_counts_down_to_api_16(self, abi: str) -> None:
        ladder = platform_tags(Platform("android", abi, os_version=(24,)))
        assert ladder == tuple(f"android_{api}_{abi}" for api in range(24, 15, -1))

    @pytest.mark.parametrize("preset", ["pyodide-2024", "pyodide-2025", "pyemscripten-2026"])
    def test_pyodide_accepts_its_own_abi_under_both_names(self, preset: str) -> None:
        year = preset[-4:]
        assert platform_tags(PRESETS[preset]) == (
            f"pyemscripten_{year}_0_wasm32",
            f"pyodide_{year}_0_wasm32",
        )

    def test_ios_wheel_order_is_packagings(self) -> None:
        target = Target("ios-arm64", PRESETS["ios-arm64"], PY313)
        platforms = list(ptags.ios_platforms((13, 0), "arm64_iphoneos"))
        expected = [
            *ptags.cpython_tags((3, 13), ["cp313"], platforms),
            *ptags.compatible_tags((3, 13), "cp313", platforms),
        ]
        assert list(compatible_tags(target)) == expected


class TestMarkers:
    # uv's target_triple.rs: os_name, sys_platform, platform_system, platform_machine,
    # platform_release, platform_version for each triple.
    @pytest.mark.parametrize(
        ("triple", "python", "expected"),
        [
            ("arm64-apple-ios", "3.13", ("posix", "ios", "iOS", "arm64", "", "")),
            ("arm64-apple-ios-simulator", "3.13", ("posix", "ios", "iOS", "arm64", "", "")),
            ("x86_64-apple-ios-simulator", "3.13", ("posix", "ios", "iOS", "x86_64", "", "")),
            ("aarch64-linux-android", "3.13",
             ("posix", "android", "Android", "aarch64", "", "")),
            ("x86_64-linux-android", "3.13", ("posix", "android", "Android", "x86_64", "", "")),
            ("wasm32-pyodide2024", "3.12",
             ("posix", "emscripten", "Emscripten", "wasm32", "3.1.58", "#1")),
            ("wasm32-pyodide2025", "3.13",
             ("posix", "emscripten", "Emscripten", "wasm32", "4.0.9", "#1")),
        ],
        ids=lambda value: value if isinstance(value, str) and "-" in value else "",
    )  # fmt: skip
    def test_as_uv_sets_them(self, triple: str, python: str, expected: tuple[str, ...]) -> None:
        env = marker_environment(_one(f"{triple}@{python}"))
        keys = (
            "os_name",
            "sys_platform",
            "platform_system",
            "platform_machine",
            "platform_release",
            "platform_version",
        )
        assert tuple(env[key] for key in keys) == expected

    @pytest.mark.parametrize(
        ("preset", "machine"),
        [("android-armeabi_v7a", "armv7l"), ("android-x86", "i686")],
    )
    def test_android_32_bit_machines_per_pep_738(self, preset: str, machine: str) -> None:
        assert marker_environment(_one(preset))["platform_machine"] == machine

    def test_pyemscripten_2026_markers(self) -> None:
        env = marker_environment(_one("pyemscripten-2026", Python(version=(3, 14))))
        assert (env["sys_platform"], env["platform_system"]) == ("emscripten", "Emscripten")
        # No Emscripten compiler is known for this ABI: unknowable, as for other targets.
        assert env["platform_release"] == ""


class TestPyodidePython:
    @pytest.mark.parametrize(
        ("preset", "python"),
        [("pyodide-2024", "3.12"), ("pyodide-2025", "3.13"), ("pyemscripten-2026", "3.14")],
    )
    def test_an_abi_runs_its_own_python(self, preset: str, python: str) -> None:
        # The run's Pythons that the ABI does not run are left out; its own one is used.
        targets = parse_target(preset, [PY311, Python(version=(3, 14), free_threaded=True)])
        assert [t.id for t in targets] == [f"{preset}@{python}"]

    def test_keeps_the_matching_python(self) -> None:
        targets = parse_target("wasm32-pyodide2024", [Python(version=(3, 12, 7)), PY313])
        assert [t.python.full_version for t in targets] == ["3.12.7"]

    def test_pinned_other_python_is_an_error(self) -> None:
        with pytest.raises(UnknownTarget) as info:
            parse_target("wasm32-pyodide2024@3.13", [])
        assert "the Pyodide ABI 2024_0 runs CPython 3.12" in str(info.value)
        assert "wasm32-pyodide2024@3.12" in info.value.hint


class TestInterpreters:
    @pytest.mark.parametrize(
        ("text", "implementation", "version", "abi", "short"),
        [
            ("pp311", "pypy", (3, 11), "pypy311_pp73", "pypy3.11"),
            ("pypy3.11", "pypy", (3, 11), "pypy311_pp73", "pypy3.11"),
            ("PyPy3.10", "pypy", (3, 10), "pypy310_pp73", "pypy3.10"),
            ("pypy311", "pypy", (3, 11), "pypy311_pp73", "pypy3.11"),
            ("pypy311_pp80", "pypy", (3, 11), "pypy311_pp80", "pypy311_pp80"),
            ("graalpy3.11", "graalpy", (3, 11), "graalpy242_311_native", "graalpy3.11"),
            ("graalpy312", "graalpy", (3, 12), "graalpy250_312_native", "graalpy3.12"),
            ("graalpy240_310_native", "graalpy", (3, 10), "graalpy240_310_native",
             "graalpy3.10"),
            ("graalpy241_311_native", "graalpy", (3, 11), "graalpy241_311_native",
             "graalpy241_311_native"),
        ],
        ids=lambda value: value if isinstance(value, str) and value[0] in "pgP" else "",
    )  # fmt: skip
    def test_parse(
        self, text: str, implementation: str, version: tuple[int, int], abi: str, short: str
    ) -> None:
        python = parse_python(text)
        assert (python.implementation, python.version, python.abi) == (
            implementation,
            version,
            abi,
        )
        assert python.short == short
        assert parse_python(python.short) == python

    @pytest.mark.parametrize(
        ("text", "why"),
        [
            ("pypy3.12", "wheelcast knows no PyPy release for Python 3.12"),
            ("graalpy3.9", "wheelcast knows no GraalPy release for Python 3.9"),
            ("pypy3.99", "there is no CPython 3.99"),
        ],
    )
    def test_unknown_release(self, text: str, why: str) -> None:
        with pytest.raises(UnknownTarget, match=why):
            parse_python(text)

    @pytest.mark.parametrize("text", ["pypy3.11t", "pp311t", "graalpy"])
    def test_no_such_interpreter(self, text: str) -> None:
        with pytest.raises(UnknownTarget, match="unknown Python version"):
            parse_python(text)

    def test_pypy_tags_follow_sys_tags(self) -> None:
        # sys_tags() on PyPy: generic_tags (its EXT_SUFFIX ABI, then none), then
        # compatible_tags with pp3-none-any.
        target = _one("linux-x86_64", parse_python("pp311"))
        platforms = list(platform_tags(target.platform))
        expected = [
            *ptags.generic_tags("pp311", ["pypy311_pp73"], platforms),
            *ptags.compatible_tags((3, 11), "pp3", platforms),
        ]
        tags = [str(tag) for tag in compatible_tags(target)]
        assert tags == [str(tag) for tag in expected]
        assert "pp311-pypy311_pp73-manylinux_2_28_x86_64" in tags
        assert "pp3-none-any" in tags
        assert not any(tag.startswith("cp") for tag in tags)

    def test_graalpy_tags_name_no_interpreter_any(self) -> None:
        target = _one("macos-arm64", parse_python("graalpy3.11"))
        tags = [str(tag) for tag in compatible_tags(target)]
        assert tags[0] == "graalpy311-graalpy242_311_native-macosx_13_0_arm64"
        assert "graalpy311-none-any" not in tags
        assert tags[-1] == "py30-none-any"

    @pytest.mark.parametrize(
        ("text", "name", "implementation", "version"),
        [
            ("pp311", "pypy", "PyPy", "7.3.0"),
            ("pypy311_pp80", "pypy", "PyPy", "8.0.0"),
            ("graalpy3.11", "graalpy", "GraalVM", "24.2.0"),
            ("3.12.4", "cpython", "CPython", "3.12.4"),
        ],
    )
    def test_implementation_markers(
        self, text: str, name: str, implementation: str, version: str
    ) -> None:
        python = parse_python(text)
        env = marker_environment(_one("linux-x86_64", python))
        assert env["implementation_name"] == name
        assert env["platform_python_implementation"] == implementation
        assert env["implementation_version"] == version
        assert env["python_version"] == f"{python.version[0]}.{python.version[1]}"

    def test_target_id_round_trips(self) -> None:
        (target,) = parse_target("linux-aarch64@pp311", [])
        assert target.id == "linux-aarch64@pypy3.11"
        assert parse_target(target.id, []) == [target]


class TestBuildAdvice:
    @pytest.mark.parametrize(
        ("preset", "says"),
        [
            ("ios-arm64", "cibuildwheel --platform ios"),
            ("android-x86_64", "Android NDK"),
            ("pyodide-2025", "pyodide build"),
        ],
    )
    def test_a_mobile_or_browser_build_is_a_cross_build(self, preset: str, says: str) -> None:
        needs = analyze(recorded("cryptography-46.0.4"))
        advice = toolchain_advice(needs, PRESETS[preset])
        assert advice[0].startswith("cross build:")
        assert says in advice[0]


class TestCurrentTagRules:
    @pytest.mark.parametrize(("version", "arch"), [((26, 0), "arm64"), ((27, 0), "x86_64")])
    def test_macos_26_ladder_is_packagings(self, version: tuple[int, int], arch: str) -> None:
        # pip's (packaging's mac_platforms) and uv's: every major down from the target's,
        # 25 to 16 included, then 15, 14, ...
        ladder = platform_tags(Platform("macos", arch, macos_version=version))
        assert ladder == tuple(ptags.mac_platforms(version, arch))
        majors = [int(tag.split("_")[1]) for tag in ladder if tag.endswith(f"_{arch}")]
        assert majors[: version[0] - 12] == list(range(version[0], 12, -1))

    def test_a_wheel_tagged_macos_16_installs_on_26(self, tmp_path: Path) -> None:
        # A Python built with an older SDK sees macOS 26 as 16.0 and tags its builds so;
        # pip 26.3 (--platform macosx_26_0_arm64) and uv 0.13.9 install such a wheel there.
        build_wheel(tmp_path / "links", "compat", "1.0", tag="cp313-cp313-macosx_16_0_arm64")
        out = io.StringIO()
        code = main(
            ["check", "compat", "-t", "macosx_26_0_arm64", "-p", "3.13", "--no-index", "-f",
             str(tmp_path / "links"), "--cache-dir", str(tmp_path / "cache"), "--format",
             "json"],
            out,
        )  # fmt: skip
        (package,) = json.loads(out.getvalue())["results"][0]["packages"]
        assert (code, package["verdict"]) == (0, "binary")
        assert package["file"] == "compat-1.0-cp313-cp313-macosx_16_0_arm64.whl"

    @pytest.mark.parametrize(
        "text", ["macosx_16_0_arm64", "macosx_20_0_x86_64", "macosx_25_1_arm64"]
    )
    def test_macos_16_to_25_do_not_exist(self, text: str) -> None:
        with pytest.raises(UnknownTarget, match="macOS went from 15 to 26"):
            parse_target(text, [PY313])

    def test_host_reporting_16_asks_for_the_real_version(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # A Python built against an older SDK sees macOS 26 as 16.0.
        from wheelcast.targets import _host  # noqa: PLC0415

        monkeypatch.setattr(_host.platform, "mac_ver", lambda: ("16.0", ("", "", ""), "arm64"))
        asked: list[dict[str, str]] = []

        class Done:
            stdout = "26.1\n"

        def run(*_args: object, env: dict[str, str], **_kwargs: object) -> Done:
            asked.append(env)
            return Done()

        monkeypatch.setattr(_host.subprocess, "run", run)
        assert _host._macos_version() == (26, 1)
        assert asked == [{"SYSTEM_VERSION_COMPAT": "0"}]

    @pytest.mark.parametrize(("python", "ok"), [("3.15t", True), ("3.16t", True), ("3.15", False)])
    def test_abi3t_wheel_installs_on_free_threaded_315(self, python: str, ok: bool) -> None:
        # PEP 803: cp315-abi3t-* is the stable ABI of free-threaded builds only.
        (target,) = parse_target(f"linux-x86_64@{python}", [])
        wheel = ptags.Tag("cp315", "abi3t", "manylinux_2_28_x86_64")
        assert (wheel in set(compatible_tags(target))) is ok

    @pytest.mark.parametrize("python", ["3.15t", "3.13t"])
    def test_free_threaded_takes_no_abi3(self, python: str) -> None:
        (target,) = parse_target(f"win-amd64@{python}", [])
        tags = set(compatible_tags(target))
        assert ptags.Tag("cp312", "abi3", "win_amd64") not in tags
        assert ptags.Tag("cp312", "abi3t", "win_amd64") in tags

    def test_abi3_abi3t_wheel_installs_on_both(self) -> None:
        # PEP 803 asks extension authors to tag both ABIs at once: cp315-abi3.abi3t-*.
        wheel = ptags.parse_tag("cp315-abi3.abi3t-macosx_11_0_arm64")
        for python in ("3.15", "3.15t"):
            (target,) = parse_target(f"macos-arm64@{python}", [])
            assert wheel & set(compatible_tags(target))

    @pytest.mark.parametrize(
        ("text", "abi"), [("3.15", "cp315"), ("3.16t", "cp316t"), ("cp316", "cp316")]
    )
    def test_python_315_and_316(self, text: str, abi: str) -> None:
        python = parse_python(text)
        (target,) = parse_target("linux-aarch64", [python])
        best = compatible_tags(target)[0]
        assert (best.interpreter, best.abi) == (python.interpreter, abi)


UV_PLATFORMS = [
    line.strip()
    for line in (Path(__file__).parent.parent / "data" / "targets" / "uv-python-platforms.txt")
    .read_text()
    .splitlines()
    if line.strip() and not line.startswith("#")
]
# uv's TargetTriple::platform() for every value that is not {arch}-manylinux*.
UV_PLATFORM_TAGS = {
    "windows": "win_amd64",
    "linux": "manylinux_2_28_x86_64",
    "macos": "macosx_13_0_arm64",
    "x86_64-pc-windows-msvc": "win_amd64",
    "aarch64-pc-windows-msvc": "win_arm64",
    "i686-pc-windows-msvc": "win32",
    "x86_64-unknown-linux-gnu": "manylinux_2_28_x86_64",
    "aarch64-apple-darwin": "macosx_13_0_arm64",
    "x86_64-apple-darwin": "macosx_13_0_x86_64",
    "aarch64-unknown-linux-gnu": "manylinux_2_28_aarch64",
    "aarch64-unknown-linux-musl": "musllinux_1_2_aarch64",
    "x86_64-unknown-linux-musl": "musllinux_1_2_x86_64",
    "riscv64-unknown-linux": "manylinux_2_39_riscv64",
    "aarch64-linux-android": "android_24_arm64_v8a",
    "x86_64-linux-android": "android_24_x86_64",
    "wasm32-pyodide2024": "pyemscripten_2024_0_wasm32",
    "wasm32-pyodide2025": "pyemscripten_2025_0_wasm32",
    "arm64-apple-ios": "ios_13_0_arm64_iphoneos",
    "arm64-apple-ios-simulator": "ios_13_0_arm64_iphonesimulator",
    "x86_64-apple-ios-simulator": "ios_13_0_x86_64_iphonesimulator",
}


def _uv_tag(value: str) -> str:
    if value in UV_PLATFORM_TAGS:
        return UV_PLATFORM_TAGS[value]
    arch, _, family = value.partition("-")
    return f"{'manylinux_2_17' if family == 'manylinux2014' else family}_{arch}"


class TestEveryUvPlatform:
    def test_the_recorded_list_is_uvs(self) -> None:
        assert len(UV_PLATFORMS) == 46
        assert set(UV_PLATFORM_TAGS) <= set(UV_PLATFORMS)

    @pytest.mark.parametrize("value", UV_PLATFORMS)
    def test_accepted_as_uv_maps_it(self, value: str) -> None:
        (target,) = parse_target(value, [Python(version=(3, 12))])
        assert target.platform.tag == _uv_tag(value)
        assert target.name == value

    @pytest.mark.parametrize(
        ("alias", "value"),
        [
            ("x8664-pc-windows-msvc", "x86_64-pc-windows-msvc"),
            ("arm64-pc-windows-msvc", "aarch64-pc-windows-msvc"),
            ("x8664-unknown-linux-gnu", "x86_64-unknown-linux-gnu"),
            ("x8664-unknown-linux-musl", "x86_64-unknown-linux-musl"),
            ("x8664-apple-darwin", "x86_64-apple-darwin"),
            ("x8664-manylinux2014", "x86_64-manylinux2014"),
            ("x8664-manylinux228", "x86_64-manylinux_2_28"),
            ("aarch64-manylinux231", "aarch64-manylinux_2_31"),
            ("manylinux_2_28_x86_64", "x86_64-manylinux_2_28"),
        ],
    )
    def test_uvs_aliases(self, alias: str, value: str) -> None:
        assert _one(alias).platform == _one(value).platform


class TestTargetsJson:
    def test_document(self) -> None:
        out = io.StringIO()
        assert main(["targets", "--format", "json", "--python", "3.13", "--tags", "2"], out) == 0
        document = json.loads(out.getvalue())
        assert document["schema"] == "wheelcast.targets/1"
        listed = {t["target"]["id"]: t for t in document["targets"]}
        web = {"pyodide-2024", "pyemscripten-2026"}  # these run their own Python
        assert set(listed) >= {f"{name}@3.13" for name in PRESETS if name not in web}
        ios = listed["ios-arm64@3.13"]
        assert ios["os_version"] == "13.0"
        assert ios["simulator"] is False
        assert ios["tags"] == ["cp313-cp313-ios_13_0_arm64_iphoneos",
                               "cp313-cp313-ios_12_9_arm64_iphoneos"]  # fmt: skip
        assert ios["tag_count"] == len(compatible_tags(_one("ios-arm64")))
        assert ios["markers"]["sys_platform"] == "ios"
        assert listed["android-x86_64@3.13"]["os_version"] == "24"
        # A Pyodide ABI lists its own Python.
        assert listed["pyodide-2024@3.12"]["target"]["platform"] == "pyemscripten_2024_0_wasm32"
        assert listed["linux-s390x@3.13"]["target"]["arch"] == "s390x"

    def test_pypy(self) -> None:
        out = io.StringIO()
        assert main(["targets", "--format", "json", "--python", "pp311"], out) == 0
        listed = {t["target"]["id"]: t for t in json.loads(out.getvalue())["targets"]}
        linux = listed["linux-x86_64@pypy3.11"]
        assert (linux["interpreter"], linux["abi"]) == ("pp311", "pypy311_pp73")
        assert linux["markers"]["implementation_name"] == "pypy"


def test_unknown_target_hint_stays_one_short_line() -> None:
    with pytest.raises(UnknownTarget) as info:
        parse_target("tvos-arm64", [PY313])
    hint = info.value.hint
    assert "ios-arm64" in hint
    assert "android-arm64_v8a" in hint
    assert "linux-s390x" not in hint  # `wheelcast targets` lists the rest
    assert len(hint) < 400
