"""``--installer pip==X|uv==Y``: the tags an older pip or uv knows (wheelcast.targets.installers).

The release each tag family arrived in is pip's vendored packaging (vendor.txt at each
pip tag: 20.2.4 has packaging 20.4 without PEP 600, 20.3 has 20.7 with it; 21.2 has 21.0,
the first with musllinux; 25.0 has 24.2, the first with iOS; 25.1 has 25.0 with Android;
26.1 has 26.2 with abi3t) and uv's changelogs.
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest
from packaging.tags import Tag, parse_tag
from packaging.version import Version
from tests.indexserver import build_wheel
from tests.test_cli import sdist as build_sdist

from wheelcast.cli import main
from wheelcast.errors import InvalidOption
from wheelcast.targets import parse_target
from wheelcast.targets.installers import Installer, parse_installer, refusal
from wheelcast.targets.tags import compatible_tags, installer_refusals, tag_priorities


def _tag(text: str) -> Tag:
    (tag,) = parse_tag(text)
    return tag


class TestParse:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("pip==20.2", Installer("pip", Version("20.2"))),
            (" PIP == 24.0 ", Installer("pip", Version("24.0"))),
            ("uv==0.8.0", Installer("uv", Version("0.8.0"))),
        ],
    )
    def test_valid(self, text: str, expected: Installer) -> None:
        assert parse_installer(text) == expected

    @pytest.mark.parametrize("text", ["pip", "pip>=20", "poetry==1.8", "pip==twenty", ""])
    def test_invalid_is_one_clear_error(self, text: str) -> None:
        with pytest.raises(InvalidOption, match="unknown installer") as info:
            parse_installer(text)
        assert "pip==20.2" in info.value.hint


class TestRefusal:
    @pytest.mark.parametrize(
        ("installer", "tag", "refused"),
        [
            ("pip==20.2", "cp312-cp312-manylinux_2_28_x86_64", True),
            ("pip==20.2", "cp312-cp312-manylinux2014_x86_64", False),
            ("pip==20.3", "cp312-cp312-manylinux_2_28_x86_64", False),
            ("pip==19.2", "cp37-cp37m-manylinux2014_x86_64", True),
            ("pip==19.2", "cp37-cp37m-manylinux2010_x86_64", False),
            ("pip==18.1", "cp37-cp37m-manylinux2010_x86_64", True),
            ("pip==21.1", "cp39-cp39-musllinux_1_1_x86_64", True),
            ("pip==21.2", "cp39-cp39-musllinux_1_1_x86_64", False),
            ("pip==20.2", "cp39-cp39-macosx_11_0_arm64", True),
            ("pip==20.2", "cp39-cp39-macosx_10_9_universal2", True),
            ("pip==20.2", "cp39-cp39-macosx_10_9_x86_64", False),
            ("pip==24.3", "cp313-cp313-ios_13_0_arm64_iphoneos", True),
            ("pip==25.0", "cp313-cp313-ios_13_0_arm64_iphoneos", False),
            ("pip==25.0", "cp313-cp313-android_24_arm64_v8a", True),
            ("pip==25.1", "cp313-cp313-android_24_arm64_v8a", False),
            ("pip==26.0", "cp315-abi3t-manylinux_2_28_x86_64", True),
            ("pip==26.1", "cp315-abi3t-manylinux_2_28_x86_64", False),
            ("uv==0.8.15", "cp313-cp313-android_24_x86_64", True),
            ("uv==0.8.16", "cp313-cp313-android_24_x86_64", False),
            ("uv==0.7.10", "cp312-cp312-pyodide_2024_0_wasm32", True),
            ("uv==0.7.11", "cp312-cp312-pyodide_2024_0_wasm32", False),
            # uv learnt PEP 783's name in 0.11.19 (uv-platform-tags' PyEmscripten tag)
            ("uv==0.11.18", "cp313-cp313-pyemscripten_2025_0_wasm32", True),
            ("uv==0.11.19", "cp313-cp313-pyemscripten_2025_0_wasm32", False),
            ("uv==0.11.18", "cp313-cp313-pyodide_2025_0_wasm32", False),
            ("uv==0.11.2", "cp315-abi3t-win_amd64", True),
            ("uv==0.1.0", "cp312-cp312-manylinux_2_28_x86_64", False),
            ("pip==1.0", "py3-none-any", False),
        ],
    )
    def test_first_release_of_each_family(self, installer: str, tag: str, refused: bool) -> None:
        assert (refusal(parse_installer(installer), _tag(tag)) is not None) is refused

    def test_reason_names_the_release_that_knows_it(self) -> None:
        why = refusal(parse_installer("pip==20.2"), _tag("cp312-cp312-manylinux_2_28_x86_64"))
        assert why == (
            "pip 20.2 does not know manylinux_x_y tags (PEP 600):"
            " pip 20.3 or newer installs manylinux_2_28_x86_64"
        )


class TestTargetTags:
    def test_pip_20_2_keeps_the_legacy_manylinux_ladder(self) -> None:
        (target,) = parse_target("linux-x86_64@3.9", [])
        old = dataclasses.replace(target, installer=parse_installer("pip==20.2"))
        platforms = {tag.platform for tag in compatible_tags(old)}
        assert "manylinux2014_x86_64" in platforms
        assert "manylinux1_x86_64" in platforms
        assert not any(p.startswith("manylinux_") for p in platforms)
        # The order among what is left is the full ladder's, ranks re-counted from 0.
        full = [t for t in compatible_tags(target) if t in set(compatible_tags(old))]
        assert list(compatible_tags(old)) == full
        assert sorted(tag_priorities(old).values()) == list(range(len(set(full))))

    def test_refusals_are_what_the_release_drops(self) -> None:
        (target,) = parse_target("linux-x86_64@3.12", [])
        old = dataclasses.replace(target, installer=parse_installer("pip==20.2"))
        refused = installer_refusals(old)
        assert set(refused) == set(compatible_tags(target)) - set(compatible_tags(old))
        assert installer_refusals(target) == {}

    def test_current_pip_changes_nothing(self) -> None:
        (target,) = parse_target("ios-arm64@3.13", [])
        new = dataclasses.replace(target, installer=parse_installer("pip==26.2"))
        assert compatible_tags(new) == compatible_tags(target)


def _check(links: Path, tmp_path: Path, *argv: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = main(
        ["check", "modern", "-p", "3.12", "-t", "linux-x86_64", "--no-index", "-f", str(links),
         "--cache-dir", str(tmp_path / "cache"), "--format", "json", *argv],
        out,
    )  # fmt: skip
    (package,) = json.loads(out.getvalue())["results"][0]["packages"]
    return code, package


class TestCheck:
    @pytest.fixture
    def links(self, tmp_path: Path) -> Path:
        folder = tmp_path / "links"
        build_wheel(folder, "modern", "1.0", tag="cp312-cp312-manylinux_2_28_x86_64")
        return folder

    def test_current_pip_installs_the_wheel(self, links: Path, tmp_path: Path) -> None:
        code, package = _check(links, tmp_path)
        assert (code, package["verdict"]) == (0, "binary")

    def test_pip_20_2_misses_it_and_says_why(self, links: Path, tmp_path: Path) -> None:
        # The bar: a base image's pip 20.2 refuses a manylinux_2_28-only wheel.
        code, package = _check(links, tmp_path, "--installer", "pip==20.2")
        assert code == 2
        assert package["verdict"] == "missing"
        assert "pip 20.2 does not know manylinux_x_y tags (PEP 600)" in package["detail"]
        assert "pip 20.3 or newer" in package["detail"]

    def test_bad_installer_is_exit_3(
        self, links: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        out = io.StringIO()
        code = main(["check", "modern", "--no-index", "-f", str(links), "--installer", "pip"], out)
        assert code == 3
        err = capsys.readouterr().err
        assert "unknown installer 'pip'" in err
        assert len(err.strip().splitlines()) <= 2


class TestRefusedAmongOthers:
    """pyarrow 21.0.0's shape: the target's own wheel is manylinux_2_28, beside wheels for
    other platforms and an sdist. The refused wheel is the closest miss, not a musllinux
    one, and explain says the target's wheel is refused rather than that there is none."""

    @pytest.fixture
    def links(self, tmp_path: Path) -> Path:
        folder = tmp_path / "links"
        for tag in (
            "cp312-cp312-musllinux_1_2_x86_64",
            "cp312-cp312-manylinux_2_28_aarch64",
            "cp312-cp312-manylinux_2_28_x86_64",
            "cp312-cp312-win_amd64",
        ):
            build_wheel(folder, "modern", "1.0", tag=tag)
        build_sdist(folder, "modern", "1.0")
        return folder

    def test_the_refused_wheel_is_the_closest_miss(self, links: Path, tmp_path: Path) -> None:
        code, package = _check(links, tmp_path, "--installer", "pip==20.2", "--no-build-needs")
        assert (code, package["verdict"]) == (1, "build")
        assert package["detail"].startswith("modern-1.0-cp312-cp312-manylinux_2_28_x86_64.whl")
        assert "pip 20.2 does not know manylinux_x_y tags" in package["detail"]

    def test_explain_names_the_refusal(self, links: Path, tmp_path: Path) -> None:
        out = io.StringIO()
        main(
            ["explain", "modern", "-p", "3.12", "-t", "linux-x86_64", "--no-index", "-f",
             str(links), "--cache-dir", str(tmp_path / "cache"), "--installer", "pip==20.2",
             "--no-build-needs", "--color", "never"],
            out,
        )  # fmt: skip
        text = out.getvalue()
        assert "the wheel for this target is refused: modern-1.0-cp312-cp312-manylinux_2_28" in text
        assert "has no wheel for" not in text
