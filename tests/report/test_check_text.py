"""The terminal matrix: fits the width without wrapping a cell, details below, --show, -q."""

from __future__ import annotations

import io
import re
import tarfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from tests.indexserver import build_wheel

from wheelcast.cli import main
from wheelcast.forecast.check import CheckResult
from wheelcast.forecast.verdict import BuildInfo, Forecast, NearbyWheel, TargetForecast, Verdict
from wheelcast.inputs import Origin, ProjectInput, RequirementItem
from wheelcast.inputs.locks import read_lock
from wheelcast.report.check_text import UNLISTED, Show, TextReporter, input_header
from wheelcast.sdist import BuildNeeds
from wheelcast.targets import parse_python, parse_target

PY312 = parse_python("3.12")
SIX = ("win-amd64", "win-arm64", "linux-x86_64", "linux-aarch64", "macos-arm64",
       "musllinux-aarch64")  # fmt: skip
NEEDS = BuildNeeds("meson-python", "mesonpy", (), ("C", "C++", "Cython"))
LONG_NAMES = ("opentelemetry-instrumentation-asgi", "types-python-dateutil", "zope-interface")


def package(name: str, version: str, verdict: Verdict, **extra: object) -> Forecast:
    return Forecast(
        name=canonicalize_name(name),
        version=Version(version) if verdict is not Verdict.MISSING else None,
        verdict=verdict,
        file=None,
        required_by=("(requested)",),
        **extra,  # type: ignore[arg-type]
    )


def build(name: str, version: str) -> Forecast:
    return package(
        name,
        version,
        Verdict.BUILD,
        build=BuildInfo(NEEDS),
        newer_wheel=NearbyWheel(Version("2.3.0"), None, satisfies=True),
    )


def large_result(rows: int = 130) -> CheckResult:
    """``rows`` packages on six targets: long names and versions, builds on win-arm64 and
    musllinux, a package missing on macOS, one not needed on Windows."""
    names = [*LONG_NAMES, *(f"package-{n:03d}" for n in range(rows - len(LONG_NAMES)))]
    versions = ["2024.10.0", "1.26.2", "0.1", "10.4.0.post1"]
    forecasts = []
    for target_name in SIX:
        target = parse_target(target_name, [PY312])[0]
        packages = []
        for number, name in enumerate(names):
            version = versions[number % len(versions)]
            if number % 7 == 0 and target_name in {"win-arm64", "musllinux-aarch64"}:
                packages.append(build(name, version))
            elif number % 11 == 0 and target_name == "macos-arm64":
                packages.append(package(name, version, Verdict.MISSING))
            elif number % 13 == 0 and target_name.startswith("win"):
                continue  # a marker leaves it out here
            else:
                verdict = Verdict.PURE if number % 3 == 0 else Verdict.BINARY
                packages.append(package(name, version, verdict))
        forecasts.append(TargetForecast(target, tuple(packages)))
    requirements = tuple(Requirement(n) for n in names)
    return CheckResult(requirements, tuple(forecasts))


def render(result: CheckResult, width: int = 80, **options: object) -> str:
    out = io.StringIO()
    TextReporter(color=False, width=width, **options).render(result, out)  # type: ignore[arg-type]
    return out.getvalue()


def table_lines(text: str) -> list[str]:
    """The header rows and the rows: from the line starting ``package`` to the legend."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("package"))
    end = next(i for i, line in enumerate(lines) if line.startswith("● binary wheel"))
    return lines[start:end]


class TestFitsTheWidth:
    @pytest.mark.parametrize("show", [Show.ALL, Show.PROBLEMS])
    @pytest.mark.parametrize("width", [80, 100, 130])
    def test_130_rows_on_six_targets_no_line_over_the_width_no_cell_wrapped(
        self, width: int, show: Show
    ) -> None:
        result = large_result()
        text = render(result, width, show=show)
        assert max(len(line) for line in text.splitlines()) <= width
        lines = table_lines(text)
        shown = sorted({p.name for f in result.forecasts for p in f.packages})
        if show is Show.PROBLEMS:
            shown = sorted(
                {
                    p.name
                    for f in result.forecasts
                    for p in f.packages
                    if p.verdict in {Verdict.BUILD, Verdict.MISSING}
                }
            )
        # Two or three header rows, then one line per package: a wrapped cell would add
        # a line, a cut one change what a row starts with.
        first = next(i for i, line in enumerate(lines) if not line.startswith(("package", " ")))
        assert first <= 3
        rows = lines[first : first + len(shown)]
        for line, name in zip(rows, shown, strict=True):
            cell = line.split()[0]
            assert cell == name or (cell.endswith("…") and name.startswith(cell[:-1]))
        assert all(not re.match(r"[a-z]", line) for line in lines[first + len(shown) :])
        # No version split: each row's versions appear whole on its line.
        for line in rows:
            for word in line.split()[1:]:
                if word[0].isdigit():
                    assert word in {"2024.10.0", "1.26.2", "0.1", "10.4.0.post1"}

    def test_at_80_columns_the_version_has_a_column_and_targets_are_letters(self) -> None:
        text = render(large_result(), 80, show=Show.ALL)
        lines = table_lines(text)
        assert lines[0].split()[:3] == ["package", "version", "A"]
        assert "A win-amd64@3.12  B win-arm64@3.12" in text
        row = next(line for line in lines if line.startswith("package-007"))
        assert row.split() == ["package-007", "0.1", "●", "●", "●", "●", "●", "●"]
        row = next(line for line in lines if line.startswith("package-008"))
        assert row.split() == ["package-008", "10.4.0.post1", "●", "●", "●", "●", "✖", "●"]

    def test_wide_enough_each_cell_has_its_version_and_headers_two_rows(self) -> None:
        result = large_result(rows=20)
        text = render(result, 200, show=Show.ALL)
        lines = table_lines(text)
        assert lines[0].split() == ["package", *SIX]
        assert lines[1].split() == ["3.12"] * 6
        row = next(line for line in lines if line.startswith("package-007"))
        assert row.split()[1:3] == ["●", "0.1"]

    def test_long_names_are_cut_last_never_a_cell(self) -> None:
        text = render(large_result(rows=20), 60, show=Show.ALL)
        assert max(len(line) for line in text.splitlines()) <= 60
        assert any(
            line.startswith("opentelemetry-inst") and "…" in line for line in text.splitlines()
        )


class TestDetailsBelow:
    def test_a_build_cell_is_one_line_and_its_needs_a_numbered_line_below(self) -> None:
        result = large_result(rows=10)
        text = render(result, 200, show=Show.ALL)
        row = next(line for line in table_lines(text) if line.startswith("opentelemetry"))
        assert "▲ 2024.10.0 [1]" in row
        assert "[1] opentelemetry-instrumentation-asgi 2024.10.0: build: C, C++, Cython;" \
            " 2.3.0+ has a wheel" in text  # fmt: skip

    def test_the_same_detail_on_two_targets_is_one_footnote(self) -> None:
        text = render(large_result(rows=10), 200, show=Show.ALL)
        row = next(line for line in table_lines(text) if line.startswith("opentelemetry"))
        assert row.count("[1]") == 2  # win-arm64 and musllinux-aarch64
        assert [line for line in text.splitlines() if line.startswith("[1] ")] == [
            "[1] opentelemetry-instrumentation-asgi 2024.10.0: build: C, C++, Cython;"
            " 2.3.0+ has a wheel"
        ]

    def test_a_build_with_nothing_more_to_say_has_no_footnote(self) -> None:
        target = parse_target("win-arm64", [PY312])[0]
        built = package("nmupy", "1.0", Verdict.BUILD)  # --no-build-needs: needs not read
        text = render(CheckResult((), (TargetForecast(target, (built,)),)))
        assert re.search(r"^nmupy +▲ 1\.0$", text, re.MULTILINE)
        assert "[1]" not in text

    def test_verbose_adds_the_closest_miss_of_a_missing_package(self) -> None:
        target = parse_target("win-arm64", [PY312])[0]
        missing = package("nope", "1.0", Verdict.MISSING, detail="nope-1.0.whl: wrong platform")
        result = CheckResult((), (TargetForecast(target, (missing,)),))
        assert "wrong platform" not in render(result)
        assert "[1] nope: nope-1.0.whl: wrong platform" in render(result, verbose=True)


class TestShow:
    def test_problems_by_default_with_a_count_of_the_rest(self) -> None:
        result = large_result(rows=20)
        text = render(result, 200)
        assert "package-006" not in text  # a wheel everywhere
        assert "package-004" in text  # builds on win-arm64
        problems = 3  # 0, 7, 14 build; 11 is missing on macOS
        assert f"{20 - problems - 1} more install from wheels on every target (--show all)" in text

    def test_all_lists_every_row(self) -> None:
        text = render(large_result(rows=20), 200, show=Show.ALL)
        assert "package-006" in text
        assert "--show all" not in text

    def test_nothing_to_show_says_so_without_a_table(self) -> None:
        target = parse_target("win-arm64", [PY312])[0]
        result = CheckResult((), (TargetForecast(target, (package("a", "1", Verdict.BINARY),)),))
        text = render(result)
        assert "package" not in text
        assert "1 install from wheels on its target (--show all)" in text


class TestQuiet:
    def test_q_keeps_the_summary_lines_only(self) -> None:
        result = large_result(rows=10)
        text = render(result, width=200, quiet=1)
        assert text.splitlines() == [
            line
            for line in render(result, width=200).splitlines()
            if re.match(r"[\w-]+ \(cp312\): ", line)
        ]
        assert len(text.splitlines()) == 6

    def test_qq_writes_nothing(self) -> None:
        assert render(large_result(rows=10), quiet=2) == ""

    def test_a_note_on_every_target_is_said_once(self) -> None:
        targets = [parse_target(name, [PY312])[0] for name in SIX[:3]]
        forecasts = tuple(
            TargetForecast(t, (), notes=("platform_release is empty",)) for t in targets
        )
        text = render(CheckResult((), forecasts))
        assert text.count("platform_release is empty") == 1


class TestHeader:
    def test_names_files_extras_and_groups(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        item = RequirementItem(Requirement("numpy"), Origin(Path("<command line>")))
        inputs = [
            ProjectInput("pyproject", tmp_path / "pyproject.toml", (item, item)),
            ProjectInput("requirements", tmp_path / "dev" / "requirements.txt", (item,)),
            ProjectInput("requirements", Path("<command line>"), (item,)),
        ]
        header = input_header(inputs, extras=["fast"], groups=["dev", "docs"])
        assert header == (
            "input: pyproject.toml (2 dependencies), dev/requirements.txt (1 requirement),"
            " numpy (command line); extras: fast; groups: dev, docs"
        )

    def test_a_lock_counts_its_packages(self, tmp_path: Path) -> None:
        lock = ProjectInput("lock", tmp_path / "uv.lock")
        assert input_header([lock], all_extras=True) == (
            f"input: {tmp_path / 'uv.lock'} (lock file, 0 packages); all extras"
        )

    def test_a_uv_workspace_lock_names_its_root(self) -> None:
        lock = read_lock(Path(__file__).parents[1] / "data" / "inputs" / "workspace" / "uv.lock")
        header = input_header([lock], extras=["examples"])
        assert header.startswith("input: ")
        assert header.endswith(" packages; workspace root app); extras: examples")

    def test_is_the_first_line(self) -> None:
        text = render(large_result(rows=10), header="input: requirements.txt (10 requirements)")
        assert text.splitlines()[0] == "input: requirements.txt (10 requirements)"


@pytest.fixture
def links(tmp_path: Path) -> Path:
    """alpha (pure) needs beta, which only win-amd64 gets a wheel of; win-arm64 builds it."""
    folder = tmp_path / "links"
    folder.mkdir()
    build_wheel(folder, "alpha", "1.0", requires_dist=["beta>=2"])
    build_wheel(folder, "beta", "2.0", tag="cp312-cp312-win_amd64")
    name = "beta-2.0"
    pkg_info = b"Metadata-Version: 2.1\nName: beta\nVersion: 2.0\n\n"
    with tarfile.open(folder / f"{name}.tar.gz", "w:gz") as archive:
        info = tarfile.TarInfo(f"{name}/PKG-INFO")
        info.size = len(pkg_info)
        archive.addfile(info, io.BytesIO(pkg_info))
    return folder


class TestCommandLine:
    def run(self, links: Path, tmp_path: Path, *extra: str) -> tuple[int, str]:
        out = io.StringIO()
        argv = ["check", "alpha", "-p", "3.12", "-t", "win-arm64", "-t", "win-amd64",
                "--no-index", "-f", str(links), "--cache-dir", str(tmp_path / "c"),
                *extra]  # fmt: skip
        return main(argv, out), out.getvalue()

    def test_problems_by_default(self, links: Path, tmp_path: Path) -> None:
        code, text = self.run(links, tmp_path)
        assert code == 1
        assert text.splitlines()[0] == "input: alpha (command line)"
        assert re.search(r"^beta +▲ 2\.0 \[1\] +● 2\.0$", text, re.MULTILINE)
        assert not re.search(r"^alpha ", text, re.MULTILINE)
        assert "1 more install from wheels on every target (--show all)" in text

    def test_show_all(self, links: Path, tmp_path: Path) -> None:
        text = self.run(links, tmp_path, "--show", "all")[1]
        assert re.search(r"^alpha +○ 1\.0 +○ 1\.0$", text, re.MULTILINE)

    def test_quiet(self, links: Path, tmp_path: Path) -> None:
        code, text = self.run(links, tmp_path, "-q")
        assert code == 1
        assert text.splitlines() == [
            "win-arm64 (cp312): 1 needs a build (beta), 0 missing, 1 from wheels",
            "win-amd64 (cp312): 0 need a build, 0 missing, 2 from wheels",
        ]

    def test_qq_only_the_exit_code(
        self, links: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert self.run(links, tmp_path, "-qq") == (1, "")
        assert capsys.readouterr().err == ""

    def test_verbose_times_the_run(
        self, links: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.run(links, tmp_path, "-v")
        assert re.fullmatch(
            r"wheelcast: 2 packages on 2 targets in \d+\.\d s\n", capsys.readouterr().err
        )

    def test_columns_sets_the_width_in_a_pipe(
        self, links: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COLUMNS", "56")
        targets = [f"{name}@3.12" for name in SIX]
        argv = [arg for name in targets for arg in ("-t", name)]
        text = self.run(links, tmp_path, *argv, "--show", "all")[1]
        assert max(len(line) for line in text.splitlines()) <= 56
        # win-arm64 and win-amd64 first (self.run names them), then the four others.
        assert re.search(r"^beta +2\.0 +▲ \[1\] +● +(▲ \[1\] +){3}▲ \[1\]$", text, re.MULTILINE)
        assert "A win-arm64@3.12  B win-amd64@3.12" in text

    def test_the_header_names_the_file(
        self, links: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (tmp_path / "requirements.txt").write_text("alpha\n")
        monkeypatch.chdir(tmp_path)
        text = self.run(links, tmp_path, "-r", "requirements.txt")[1]
        assert text.splitlines()[0] == (
            "input: requirements.txt (1 requirement), alpha (command line)"
        )


class TestUnknownPackage:
    def result(self, name: str, detail: str) -> CheckResult:
        target = parse_target("win-amd64", [PY312])[0]
        missing = package(name, "1", Verdict.MISSING, detail=detail)
        return CheckResult((), (TargetForecast(target, (missing,)),))

    def test_an_import_name_names_its_project(self) -> None:
        text = render(self.result("yaml", UNLISTED))
        assert "[1] yaml: not on the index; did you mean pyyaml? (yaml is its import name)" in text

    def test_another_name_is_said_to_be_unknown(self) -> None:
        text = render(self.result("nmupy", UNLISTED))
        assert "[1] nmupy: not on the index: check the name" in text

    def test_a_project_without_a_fitting_file_is_no_unknown_name(self) -> None:
        text = render(self.result("yaml", "1.0: yaml-1.0-cp39-cp39-win_amd64.whl: wrong Python"))
        assert "did you mean" not in text
        assert "[1]" not in text  # the closest miss is for -v

    def test_on_the_command_line(self, links: Path, tmp_path: Path) -> None:
        out = io.StringIO()
        argv = ["check", "yaml", "-p", "3.12", "-t", "win-amd64", "--no-index", "-f",
                str(links), "--cache-dir", str(tmp_path / "c")]  # fmt: skip
        assert main(argv, out) == 2
        assert "did you mean pyyaml?" in out.getvalue()

    @pytest.mark.parametrize(
        ("command", "form"), [("explain", "text"), ("explain", "markdown"), ("check", "markdown")]
    )
    def test_explain_and_markdown_say_it_too(
        self, links: Path, tmp_path: Path, command: str, form: str
    ) -> None:
        out = io.StringIO()
        argv = [command, "yaml", "-p", "3.12", "-t", "win-amd64", "--no-index", "-f",
                str(links), "--cache-dir", str(tmp_path / "c"), "--format", form]  # fmt: skip
        assert main(argv, out) == 2
        text = " ".join(out.getvalue().split())
        assert "not on the index; did you mean pyyaml? (yaml is its import name)" in text
        assert "no yaml release has a wheel" not in text  # no release at all: no platform gap

    def test_fix_counts_it_missing_not_as_a_build(self, links: Path, tmp_path: Path) -> None:
        out = io.StringIO()
        argv = ["fix", "yaml", "-p", "3.12", "-t", "win-amd64", "--no-index", "-f",
                str(links), "--cache-dir", str(tmp_path / "c")]  # fmt: skip
        main(argv, out)
        last = out.getvalue().splitlines()[-1]
        assert last == "as it stands: 0 builds, 1 missing on 1 target (win-amd64@3.12: yaml)"


class TestExplainQuiet:
    def run(self, links: Path, tmp_path: Path, *extra: str) -> tuple[int, str]:
        out = io.StringIO()
        argv = ["explain", "beta", "-p", "3.12", "-t", "win-arm64", "--no-index", "-f",
                str(links), "--cache-dir", str(tmp_path / "c"), *extra]  # fmt: skip
        return main(argv, out), out.getvalue()

    def test_q_what_pip_picks_only(self, links: Path, tmp_path: Path) -> None:
        code, text = self.run(links, tmp_path, "-q")
        assert code == 1
        assert text.splitlines() == [
            "beta on win-arm64@3.12 (win_arm64)",
            "▲ pip picks beta 2.0: beta-2.0.tar.gz  [build]",
        ]
        assert len(self.run(links, tmp_path)[1].splitlines()) > 2

    def test_qq_nothing(self, links: Path, tmp_path: Path) -> None:
        assert self.run(links, tmp_path, "-qq") == (1, "")
