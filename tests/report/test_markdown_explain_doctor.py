"""``explain`` and ``doctor`` with ``--format markdown``: the same values as text and JSON."""

from __future__ import annotations

import io
from pathlib import Path

from tests.doctor.fakes import FakeRunner
from tests.indexserver import IndexServer, MakeIndexServer
from tests.report.test_doctor_output import (
    VSWHERE_X64,
    X64,
    numpy_builds_on_arm,
    story_interpreters,
    story_runner,
)
from tests.report.test_markdown_check import seed_server, tables

from wheelcast.cli import build_parser, main, run_doctor
from wheelcast.doctor import Tool, Toolchains
from wheelcast.doctor.diagnose import diagnose
from wheelcast.forecast.check import IndexOptions
from wheelcast.forecast.explanation import explain as run_explain
from wheelcast.report.doctor_markdown import markdown as doctor_markdown
from wheelcast.report.explain_markdown import markdown as explain_markdown
from wheelcast.targets import parse_python, parse_target

SEED = ["--target", "win-arm64", "--python", "3.12", "--exclude-newer", "2023-11-20"]


def explain(server: IndexServer, cache: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(
        ["explain", *args, "-i", server.url, "--cache-dir", str(cache), "--format", "markdown"],
        out,
    )
    return code, out.getvalue()


class TestExplain:
    def test_the_seed_case_with_its_build_needs(
        self, tmp_path: Path, make_index_server: MakeIndexServer
    ) -> None:
        code, text = explain(
            seed_server(tmp_path, make_index_server), tmp_path / "c", "numpy", *SEED
        )
        assert code == 1
        assert text.startswith("## wheelcast explain `numpy` on win-arm64@3.12\n")
        assert "▲ pip picks **numpy 1.26.2**: `numpy-1.26.2.tar.gz` (build)" in text
        (files,) = tables(text)
        assert files[0] == ["file", "verdict", "tag or reason"]
        assert files[1] == ["`numpy-1.26.2.tar.gz`", "→ pip's pick", "sdist (a build)"]
        assert [
            "`numpy-1.26.2-cp312-cp312-win_amd64.whl`",
            "✗ platform",
            "built for win\\_amd64",
        ] in (files)
        assert "### Building it from source" in text
        assert "- **build backend**: meson-python" in text
        assert "MSVC" in text
        assert "### Alternative" in text  # an x64 Python under emulation

    def test_files_are_cut_to_the_limit_and_a_line_says_so(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        (target,) = parse_target("win-arm64", [parse_python("3.12")])
        explanation = run_explain(
            "numpy",
            target,
            index=IndexOptions(index_url=index_server.url, cache_dir=tmp_path),
            build_needs=False,
        )
        whole = explain_markdown(explanation)
        rows = len(tables(whole)[0]) - 1
        assert rows > 20
        text = explain_markdown(explanation, limit=len(whole) - 500)
        assert len(text) <= len(whole) - 500
        kept = len(tables(text)[0]) - 1
        assert 0 < kept < rows
        assert (
            f"Left out to stay under {len(whole) - 500:,} characters: {rows - kept} files." in text
        )
        assert "### Versions with a wheel for this target" in text  # the rest stays

    def test_a_marker_for_another_platform_says_so(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        code, text = explain(index_server, tmp_path, "numpy; sys_platform == 'darwin'", *SEED)
        assert code == 0
        assert text.endswith(
            "\n\nthe requirement's marker does not hold on this target: pip skips it\n"
        )
        assert "### Files" not in text


class TestDoctor:
    def test_interpreters_toolchains_and_results(self) -> None:
        gcc = Tool("gcc", "/usr/bin/gcc", "12.2.0")
        report = diagnose(
            ["numpy"],
            runner=story_runner(),
            forecast=numpy_builds_on_arm,
            interpreters=story_interpreters(),
            toolchains=Toolchains(tools=(gcc,), msvc=VSWHERE_X64.msvc),
        )
        text = doctor_markdown(report)
        interpreters, toolchains = tables(text)
        assert interpreters[0] == ["interpreter", "python", "platform", "headers", "found by"]
        assert [row[2] for row in interpreters[1:]] == ["`win_amd64`", "`win_arm64`"]
        assert toolchains[1] == ["gcc", "12.2.0", "`/usr/bin/gcc`"]
        assert toolchains[2][0] == "MSVC"
        assert f"- `{X64}`: ● installs everything from wheels" in text
        assert "  - numpy: would be built from source and fail here, no MSVC ARM64" in text

    def test_the_command_writes_markdown(self) -> None:
        args = build_parser().parse_args(["doctor", "numpy", "--format", "markdown"])
        out = io.StringIO()
        runner: FakeRunner = story_runner()
        run_doctor(args, out, forecast=numpy_builds_on_arm, runner=runner)
        assert out.getvalue().startswith("## wheelcast doctor\n")
        assert tables(out.getvalue())  # the interpreters at least, as a table
