"""The doctor report as text and JSON: listing, schema, exit codes, and the story's build that
fails for want of a compiler (on this machine, with an empty PATH)."""

from __future__ import annotations

import argparse
import io
import json
import os
import stat
import sys
import tarfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from tests.doctor.fakes import FakeRunner, recorded
from tests.doctor.probes import completed

from wheelcast.cli import build_parser
from wheelcast.cli import run_doctor as run
from wheelcast.doctor import (
    Candidate,
    Interpreter,
    SubprocessRunner,
    Tool,
    Toolchains,
    find_interpreters,
)
from wheelcast.doctor.diagnose import Build, Outcome, default_forecast, diagnose, exit_status
from wheelcast.doctor.probe import SCRIPT
from wheelcast.doctor.toolchains import parse_vswhere
from wheelcast.forecast.check import IndexOptions
from wheelcast.report.doctor_json import SCHEMA, document
from wheelcast.report.doctor_text import render_text
from wheelcast.targets import Target

VSWHERE_X64 = Toolchains(msvc=tuple(parse_vswhere(recorded("vswhere-x64.json"))))
X64 = "C:\\Python312\\python.exe"
ARM64 = "C:\\Python312-arm64\\python.exe"


def story_runner() -> FakeRunner:
    """The story's machine: one x64 and one ARM64 CPython 3.12."""
    x64 = completed(
        executable=X64, realpath=X64, prefix="C:\\Python312", base_prefix="C:\\Python312",
        sysconfig_platform="win-amd64", machine="AMD64",
    )  # fmt: skip
    arm64 = completed(executable=ARM64, realpath=ARM64, prefix="C:\\Python312-arm64",
                      base_prefix="C:\\Python312-arm64")  # fmt: skip
    return FakeRunner(outputs={(X64, "-I", "-c", SCRIPT): x64, (ARM64, "-I", "-c", SCRIPT): arm64})


def story_interpreters() -> list[Interpreter]:
    candidates = [Candidate(X64, "py", "3.12-64"), Candidate(ARM64, "py", "3.12-arm64")]
    return list(find_interpreters(candidates, story_runner()))


def numpy_builds_on_arm(requirements: Sequence[str], targets: Sequence[Target]) -> list[Outcome]:
    assert list(requirements) == ["numpy"]
    return [
        Outcome(t, builds=(Build("numpy", ("C", "C++")),) if t.platform.arch == "arm64" else ())
        for t in targets
    ]


def parser() -> argparse.ArgumentParser:
    return build_parser()


class TestDiagnose:
    def test_story_without_arm64_build_tools(self) -> None:
        report = diagnose(
            ["numpy"],
            runner=story_runner(),
            forecast=numpy_builds_on_arm,
            interpreters=story_interpreters(),
            toolchains=VSWHERE_X64,
        )
        x64, arm = report.results
        assert x64.from_wheels
        assert x64.target.platform.tag == "win_amd64"
        (numpy,) = arm.builds
        assert not numpy.ok
        assert "Microsoft.VisualStudio.Component.VC.Tools.ARM64" in numpy.detail
        assert exit_status(report) == 2
        out = io.StringIO()
        render_text(report, out, color=False)
        text = " ".join(out.getvalue().split())
        assert "numpy would be built from source and fail here: no MSVC ARM64 build tools" in text
        assert f"{X64} installs everything from wheels" in text

    def test_too_narrow_for_the_paths_each_is_numbered_and_said_below(self) -> None:
        report = diagnose([], runner=story_runner(), interpreters=story_interpreters(),
                          toolchains=VSWHERE_X64)  # fmt: skip
        out = io.StringIO()
        render_text(report, out, color=False, width=60)
        lines = out.getvalue().splitlines()
        assert lines[1].split() == ["#", "python", "platform", "headers", "found", "by"]
        assert lines[2].split()[:4] == ["1", "cpython", "3.12.10", "win_amd64"]
        assert any(line.startswith(f"  [2] {ARM64}: cp312-cp312-win_arm64") for line in lines)
        out = io.StringIO()
        render_text(report, out, color=False, width=200)
        assert out.getvalue().splitlines()[2].split()[:3] == [X64, "cpython", "3.12.10"]

    def test_builds_that_succeed_exit_1(self) -> None:
        arm64 = Toolchains(msvc=tuple(parse_vswhere(recorded("vswhere-arm64.json"))))
        report = diagnose(
            ["numpy"],
            runner=story_runner(),
            forecast=numpy_builds_on_arm,
            interpreters=story_interpreters(),
            toolchains=arm64,
        )
        assert [r.can_install for r in report.results] == [True, True]
        assert exit_status(report) == 1

    def test_without_requirements_lists_and_exits_0(self) -> None:
        def never(requirements: Sequence[str], targets: Sequence[Target]) -> list[Outcome]:
            raise AssertionError("no forecast without requirements")

        report = diagnose(
            runner=story_runner(),
            forecast=never,
            interpreters=story_interpreters(),
            toolchains=VSWHERE_X64,
        )
        assert report.results == ()
        assert exit_status(report) == 0

    def test_missing_exits_2(self) -> None:
        def missing(requirements: Sequence[str], targets: Sequence[Target]) -> list[Outcome]:
            return [Outcome(t, missing=("numpy",)) for t in targets]

        report = diagnose(
            ["numpy"],
            runner=story_runner(),
            forecast=missing,
            interpreters=story_interpreters()[:1],
            toolchains=VSWHERE_X64,
        )
        assert exit_status(report) == 2


class TestJson:
    def test_schema(self) -> None:
        report = diagnose(
            ["numpy"],
            runner=story_runner(),
            forecast=numpy_builds_on_arm,
            interpreters=story_interpreters(),
            toolchains=VSWHERE_X64,
        )
        doc = json.loads(json.dumps(document(report)))
        assert doc["schema"] == SCHEMA == "wheelcast.doctor/1"
        assert doc["requirements"] == ["numpy"]
        x64, arm = doc["interpreters"]
        assert arm["platform"] == "win_arm64"
        assert arm["target"] == f"{ARM64}@3.12"
        assert arm["tags"][0] == "cp312-cp312-win_arm64"
        assert arm["tag_count"] > len(arm["tags"]) == 10
        assert arm["environment"]["platform_machine"] == "ARM64"
        assert arm["headers"]["include_dir"].endswith("pythoncore-3.12-arm64\\Include")
        assert arm["headers"]["python_h"] is True
        assert x64["arch"] == "amd64"
        assert doc["toolchains"]["msvc"][0]["arm64_tools"] is False
        assert doc["toolchains"]["msvc"][0]["x64_tools"] is True
        assert doc["results"][1]["builds"][0]["ok"] is False
        assert doc["results"][1]["can_install"] is False


def story_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeRunner:
    """PATH holds one 'python3' whose probe says it is the story's ARM64 Python;
    no compiler anywhere; no pyenv, uv, conda or venv."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python3"
    python.write_text("#!/bin/sh\n")
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    for name in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYENV_ROOT", "UV_PYTHON_INSTALL_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    return FakeRunner(outputs={(str(python), "-I", "-c", SCRIPT): completed()})


class TestRun:
    @pytest.fixture
    def machine(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeRunner:
        return story_machine(tmp_path, monkeypatch)

    def test_text(self, machine: FakeRunner) -> None:
        out = io.StringIO()
        args = parser().parse_args(["doctor"])
        assert run(args, out, runner=machine) == 0
        text = " ".join(out.getvalue().split())
        assert "cpython 3.12.10" in text
        assert "win_arm64" in text
        assert "cp312-cp312-win_arm64, cp312-abi3-win_arm64, cp312-none-win_arm64" in text
        assert "no compiler or build tool found" in text

    def test_json_with_a_forecast(self, machine: FakeRunner) -> None:
        out = io.StringIO()
        args = parser().parse_args(["doctor", "numpy", "--format", "json"])
        assert run(args, out, runner=machine, forecast=numpy_builds_on_arm) == 2
        doc = json.loads(out.getvalue())
        (result,) = doc["results"]
        assert result["builds"][0]["name"] == "numpy"
        assert "no C compiler" not in result["builds"][0]["detail"]  # Windows asks for MSVC
        assert result["builds"][0]["detail"].startswith("no MSVC found")

    def test_help_lists_the_exit_codes(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit):
            parser().parse_args(["doctor", "--help"])
        text = capsys.readouterr().out
        assert "exit codes:" in text
        for code in (0, 1, 2, 3, 4, 5, 130):
            assert f"\n  {code} " in text
        assert "some interpreter needs a build, and each would succeed here" in text

    def test_verbose_shows_markers(self, machine: FakeRunner) -> None:
        out = io.StringIO()
        assert run(parser().parse_args(["doctor", "-v"]), out, runner=machine) == 0
        assert "platform_machine = 'ARM64'" in out.getvalue()


# -- the acceptance test: this machine, no compiler visible, an sdist-only requirement --


def sdist(folder: Path, name: str, version: str) -> None:
    pkg_info = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n".encode()
    with tarfile.open(folder / f"{name}-{version}.tar.gz", "w:gz") as archive:
        info = tarfile.TarInfo(f"{name}-{version}/PKG-INFO")
        info.size = len(pkg_info)
        archive.addfile(info, io.BytesIO(pkg_info))


def test_sdist_only_fails_to_build_without_a_compiler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    links = tmp_path / "links"
    links.mkdir()
    sdist(links, "onlysource", "1.0")
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    index = IndexOptions(find_links=(str(links),), no_index=True, cache_dir=tmp_path / "cache")

    def forecast(requirements: Sequence[str], targets: Sequence[Target]) -> list[Outcome]:
        return default_forecast(requirements, targets, index=index)

    report = diagnose(
        ["onlysource"],
        runner=SubprocessRunner(dict(os.environ)),
        forecast=forecast,
        interpreters=find_interpreters([Candidate(sys.executable, "PATH")], SubprocessRunner()),
        windows=False,
    )
    assert report.toolchains.tools == ()
    (result,) = report.results
    (build,) = result.builds
    assert build.name == "onlysource"
    assert not build.ok
    assert build.detail.startswith("no C compiler found: install gcc (Debian/Ubuntu: apt install")
    assert exit_status(report) == 2
    out = io.StringIO()
    render_text(report, out, color=False)
    text = " ".join(out.getvalue().split())
    assert "onlysource would be built from source and fail here: no C compiler found" in text


def test_the_same_requirement_builds_with_gcc(tmp_path: Path) -> None:
    links = tmp_path / "links"
    links.mkdir()
    sdist(links, "onlysource", "1.0")
    index = IndexOptions(find_links=(str(links),), no_index=True, cache_dir=tmp_path / "cache")
    gcc = Toolchains(tools=(Tool("gcc", "/usr/bin/gcc", "12.2.0", flavour="gcc"),))
    report = diagnose(
        ["onlysource"],
        forecast=lambda r, t: default_forecast(r, t, index=index),
        interpreters=find_interpreters([Candidate(sys.executable, "PATH")], SubprocessRunner()),
        toolchains=gcc,
    )
    assert report.results[0].builds[0].detail == "would build with gcc 12.2.0"
    assert exit_status(report) == 1
