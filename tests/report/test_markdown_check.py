"""``check --format markdown``: a GitHub table, a summary per target, folded details, the cap."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from packaging.requirements import Requirement
from packaging.utils import NormalizedName
from packaging.version import Version
from tests.indexserver import IndexServer, MakeIndexServer
from tests.seed_index import seed_server

from wheelcast.cli import main
from wheelcast.forecast.check import CheckResult
from wheelcast.forecast.resolve import Options
from wheelcast.forecast.verdict import BuildInfo, Forecast, NearbyWheel, TargetForecast, Verdict
from wheelcast.index.models import DistFile
from wheelcast.report.check_markdown import markdown
from wheelcast.report.shared_markdown import MAX_CHARS, code, escape, inline
from wheelcast.sdist import BuildNeeds
from wheelcast.sdist.needs import LibraryNeed
from wheelcast.targets import parse_python, parse_target

DATA = Path(__file__).parent.parent / "data"
PY312 = [parse_python("3.12")]
WIN_ARM64, WIN_AMD64, LINUX = (
    parse_target(name, PY312)[0] for name in ("win-arm64", "win-amd64", "linux-x86_64")
)


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def tables(text: str) -> list[list[list[str]]]:
    """Every table GitHub would draw, as rows of cell texts, checked strictly.

    markdown-it's table rule (GitHub's) quietly drops extra cells and pads missing ones,
    so each source line's unescaped pipes are counted too: a row has as many as the header.
    """
    parser = MarkdownIt("commonmark").enable("table")
    tokens = parser.parse(text)
    lines = text.splitlines()
    found: list[list[list[str]]] = []
    rows: list[list[str]] = []
    inside = False
    for token in tokens:
        if token.type == "table_open":
            assert token.map is not None
            start, end = token.map
            source = lines[start:end]
            assert len({_unescaped_pipes(line) for line in source}) == 1, source
            rows = []
            inside = True
        elif token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and inside:
            rows[-1].append(token.content)
        elif token.type == "table_close":
            found.append(rows)
            inside = False
    return found


def wheel(name: str, version: str, tag: str = "py3-none-any") -> DistFile:
    return DistFile(f"{name}-{version}-{tag}.whl", f"https://files.invalid/{name}.whl")


def sdist(name: str, version: str) -> DistFile:
    return DistFile(f"{name}-{version}.tar.gz", f"https://files.invalid/{name}.tar.gz")


def package(name: str, verdict: Verdict, version: str | None = "1.0", **fields: object) -> Forecast:
    return Forecast(
        name=NormalizedName(name),
        version=Version(version) if version else None,
        verdict=verdict,
        file=fields.pop("file", None),  # type: ignore[arg-type]
        required_by=("(requested)",),
        **fields,  # type: ignore[arg-type]
    )


NEEDS = BuildNeeds(
    backend="meson-python",
    build_backend="mesonpy",
    requires=("meson-python>=0.15",),
    languages=("C", "C++"),
    tools=("meson", "ninja"),
    evidence=(("C", "meson.build: project(... 'c')"),),
    libraries=(LibraryNeed("zlib", "meson.build: dependency('zlib')"),),
)


def build_package() -> Forecast:
    return package(
        "fastlib",
        Verdict.BUILD,
        "2.0",
        file=sdist("fastlib", "2.0"),
        detail="fastlib-2.0-cp312-cp312-win_amd64.whl: built for win_amd64",
        build=BuildInfo(NEEDS, advice=("C/C++: install `MSVC ARM64 build tools`",)),
        older_wheel=NearbyWheel(Version("1.9"), "2024-01-02", satisfies=True),
    )


def story() -> CheckResult:
    """fastlib builds on Windows on Arm, gone is missing everywhere, tiny is a pure wheel."""
    missing = package("gone", Verdict.MISSING, None, detail="no version matches '>=9'")
    tiny = package("tiny", Verdict.PURE, file=wheel("tiny", "1.0"))
    binary = package(
        "fastlib", Verdict.BINARY, "2.0", file=wheel("fastlib", "2.0", "cp312-cp312-win_amd64")
    )
    return CheckResult(
        requirements=(),
        forecasts=(
            TargetForecast(WIN_ARM64, (build_package(), missing, tiny)),
            TargetForecast(WIN_AMD64, (binary, missing, tiny)),
        ),
    )


class TestMatrix:
    def test_is_a_github_table_of_packages_by_targets(self) -> None:
        matrix, summary = tables(markdown(story()))
        assert matrix[0] == ["package", "win-arm64@3.12", "win-amd64@3.12"]
        assert matrix[1:] == [
            ["fastlib", "▲ 2.0 build", "● 2.0 binary"],
            ["gone", "✖ missing", "✖ missing"],
            ["tiny", "○ 1.0 pure", "○ 1.0 pure"],
        ]
        assert summary[0][:2] == ["target", "tags"]

    def test_a_package_absent_on_a_target_is_not_needed(self) -> None:
        linux_only = package("uvloop", Verdict.BINARY, file=wheel("uvloop", "1.0"))
        result = CheckResult(
            (), (TargetForecast(WIN_ARM64, ()), TargetForecast(LINUX, (linux_only,)))
        )
        matrix = tables(markdown(result))[0]
        assert matrix[1] == ["uvloop", "· not needed", "● 1.0 binary"]

    def test_summary_counts_each_verdict_per_target(self) -> None:
        summary = tables(markdown(story()))[1]
        header, arm, amd = summary
        arm_row = dict(zip(header, arm, strict=True))
        amd_row = dict(zip(header, amd, strict=True))
        assert arm_row["tags"] == "`cp312-win_arm64`"
        assert (arm_row["wheels"], arm_row["build"], arm_row["missing"]) == (
            "1",
            "1 (fastlib)",
            "1 (gone)",
        )
        assert arm_row["result"] == "✖ fails"
        assert (amd_row["wheels"], amd_row["build"]) == ("2", "0")

    def test_an_unresolvable_target_and_its_notes_are_listed(self) -> None:
        forecast = TargetForecast(WIN_ARM64, (), errors=("no version satisfies x",), notes=("n1",))
        text = markdown(CheckResult((), (forecast,)))
        assert "- **win-arm64@3.12** unresolvable: no version satisfies x" in text
        assert "- **win-arm64@3.12** note: n1" in text
        assert tables(text)[1][1][-1] == "✖ fails"


class TestDetails:
    def blocks(self, text: str) -> list[str]:
        return re.findall(r"<details><summary>.*?</details>", text, flags=re.DOTALL)

    def test_one_folded_block_per_build_or_missing_cell(self) -> None:
        blocks = self.blocks(markdown(story()))
        summaries = [b.split("</summary>")[0].removeprefix("<details><summary>") for b in blocks]
        assert summaries == [
            "▲ fastlib 2.0 on win-arm64@3.12: builds from the sdist",
            "✖ gone on win-arm64@3.12: nothing installs",
            "✖ gone on win-amd64@3.12: nothing installs",
        ]

    def test_a_build_says_file_reason_needs_and_what_to_install(self) -> None:
        block = self.blocks(markdown(story()))[0]
        assert "- **file**: `fastlib-2.0.tar.gz`" in block
        assert "- **why no wheel**: fastlib-2.0-cp312-cp312-win\\_amd64.whl: built for" in block
        assert "- **build backend**: meson-python (`mesonpy`)" in block
        assert "- **languages**: C, C++" in block
        assert "- **build tools**: meson, ninja" in block
        assert "- **system library**: zlib (required);" in block
        assert "vcpkg install zlib" in block  # the install line for Windows
        assert "- **install**: C/C++: install `MSVC ARM64 build tools`" in block
        assert "- **nearest wheels**: newest older: 1.9 (uploaded 2024-01-02)" in block
        assert "`wheelcast explain fastlib --target win-arm64@3.12`" in block

    def test_the_body_is_markdown_github_reads(self) -> None:
        # A blank line after <summary>: without it GitHub shows the body as raw HTML.
        block = self.blocks(markdown(story()))[0]
        assert block.split("\n")[1] == ""
        html = MarkdownIt("commonmark").render(markdown(story()))
        assert "<li><strong>file</strong>: <code>fastlib-2.0.tar.gz</code></li>" in html

    def test_the_explain_command_keeps_the_cutoff(self) -> None:
        result = story()
        cutoff = dt.datetime(2023, 11, 21, tzinfo=dt.UTC)
        result = dataclasses.replace(result, options=Options(exclude_newer=cutoff))
        text = markdown(result)
        assert "--exclude-newer 2023-11-21T00:00:00+00:00`" in text
        assert "Files uploaded before 2023-11-21T00:00:00+00:00 only." in text


class TestEscaping:
    @pytest.mark.parametrize(
        ("text", "shown"),
        [
            ("a|b", "a\\|b"),
            ("<script>x</script>", "\\<script\\>x\\</script\\>"),
            ("*not* _emphasis_ [link](x)", "\\*not\\* \\_emphasis\\_ \\[link\\](x)"),
            ("two\nlines", "two lines"),
            ("&amp;", "\\&amp;"),
        ],
    )
    def test_escape(self, text: str, shown: str) -> None:
        assert escape(text) == shown
        rendered = MarkdownIt("commonmark").renderInline(escape(text))
        assert rendered == MarkdownIt("commonmark").utils.escapeHtml(" ".join(text.split()))

    def test_code_spans_hold_any_backticks_and_pipes_in_a_cell(self) -> None:
        assert code("a`b") == "``a`b``"
        assert code("`x`") == "`` `x` ``"
        assert code("a|b", cell=True) == "`a\\|b`"

    def test_inline_keeps_code_spans_and_escapes_the_rest(self) -> None:
        assert inline("Debian: `apt install zlib1g-dev` <now>") == (
            "Debian: `apt install zlib1g-dev` \\<now\\>"
        )
        assert inline("odd ` tick") == "odd \\` tick"

    def test_hostile_text_keeps_every_table_intact(self) -> None:
        hostile = package("a|b", Verdict.MISSING, None, detail="x | y <b>bold</b>", facts=("f|g",))
        forecast = TargetForecast(WIN_ARM64, (hostile,), errors=("e | f",), notes=("<img>",))
        text = markdown(CheckResult((), (forecast,)))
        matrix, summary = tables(text)  # each parsed strictly: no extra column anywhere
        assert matrix[1] == ["a|b", "✖ missing"]  # one cell, shown as written
        assert summary[1][4] == "1 (a|b)"
        assert "<b>" not in text
        assert "<img>" not in text
        assert "<summary>✖ a|b on win-arm64@3.12: nothing installs</summary>" in text
        html = MarkdownIt("commonmark").enable("table").render(text)
        assert "&lt;b&gt;bold&lt;/b&gt;" in html


def big_result(packages: int) -> CheckResult:
    """``packages`` that build on one target, as many more that install from wheels."""
    builds = tuple(
        dataclasses.replace(build_package(), name=NormalizedName(f"build-{i:04}"))
        for i in range(packages)
    )
    wheels = tuple(
        package(f"wheel-{i:04}", Verdict.PURE, file=wheel(f"wheel-{i:04}", "1.0"))
        for i in range(packages)
    )
    return CheckResult((), (TargetForecast(WIN_ARM64, builds + wheels),))


class TestCap:
    def test_a_long_list_of_requirements_is_cut_in_the_head(self) -> None:
        """500 requirements named one by one would spend a tenth of the comment on them."""
        listed = tuple(Requirement(f"project-{i}>=1.0") for i in range(500))
        text = markdown(dataclasses.replace(story(), requirements=listed))
        head = text.splitlines()[2]
        assert head.startswith("Requirements: `project-0>=1.0`, `project-1>=1.0`, ")
        assert head.endswith(" and 488 more; 2 targets.")
        assert len(head) < 300
        few = markdown(dataclasses.replace(story(), requirements=listed[:12]))
        assert few.splitlines()[2].endswith("`project-11>=1.0`; 2 targets.")

    def test_a_small_report_is_whole(self) -> None:
        text = markdown(story())
        assert "Left out" not in text
        assert len(text) < MAX_CHARS

    def test_details_go_first_and_a_line_says_so(self) -> None:
        result = big_result(100)  # 100 details of ~700 characters: over the cap
        whole = markdown(result, limit=10**9)
        assert len(whole) > MAX_CHARS
        text = markdown(result)
        assert len(text) <= MAX_CHARS
        assert len(tables(text)[0]) == 1 + 200  # every row is still there
        kept = text.count("<details>")
        assert 0 < kept < 100
        assert f"Left out to stay under 65,536 characters: {100 - kept} of the details." in text
        assert "rows" not in text.rpartition("Left out")[2]

    def test_then_rows_that_install_from_wheels(self) -> None:
        text = markdown(big_result(1200))  # 2,400 rows of ~30 characters
        assert len(text) <= MAX_CHARS
        assert "<details>" not in text
        names = [row[0] for row in tables(text)[0][1:]]
        assert sum(name.startswith("build-") for name in names) == 1200  # problems stay
        dropped = 1200 - sum(name.startswith("wheel-") for name in names)
        assert dropped > 0
        assert (
            f"1200 of the details, {dropped} rows of packages that install from wheels"
            " everywhere." in text
        )

    def test_then_any_row_and_never_over_the_limit(self) -> None:
        result = big_result(2000)
        for limit in (4_000, 20_000, 40_000):
            text = markdown(result, limit=limit)
            assert len(text) <= limit
            assert "more rows" in text
            tables(text)  # still a whole, strict table

    @pytest.mark.parametrize("limit", range(3_000, 40_000, 1_237))
    def test_the_count_is_exact_at_any_limit(self, limit: int) -> None:
        result = big_result(40)
        whole = markdown(result, limit=10**9)
        text = markdown(result, limit=limit)
        assert len(text) <= limit
        # Nothing more would have fit: one detail or row more is over the limit.
        assert text == whole if len(whole) <= limit else len(text) > limit - 1_000


class TestCommand:
    def test_the_readme_example_as_markdown(
        self, tmp_path: Path, make_index_server: MakeIndexServer
    ) -> None:
        server = seed_server(tmp_path, make_index_server)
        out = io.StringIO()
        code_ = main(
            ["check", "numpy", "-p", "3.12", "-t", "win-arm64", "-t", "win-amd64",
             "--exclude-newer", "2023-11-20", "-i", server.url,
             "--cache-dir", str(tmp_path / "c"), "--format", "markdown"],
            out,
        )  # fmt: skip
        text = out.getvalue()
        assert code_ == 1
        matrix = tables(text)[0]
        assert matrix[1] == ["numpy", "▲ 1.26.2 build", "● 1.26.2 binary"]
        assert "<summary>▲ numpy 1.26.2 on win-arm64@3.12: builds from the sdist</summary>" in text
        assert "- **build backend**: meson-python" in text
        assert "MSVC" in text  # the toolchain to install on Windows on Arm
        assert "\x1b" not in text

    def test_fail_on_and_output_file_work_with_markdown(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        report = tmp_path / "summary.md"
        code_ = main(
            ["check", "numpy", "-p", "3.12", "-t", "win-arm64", "--exclude-newer", "2023-11-20",
             "-i", index_server.url, "--cache-dir", str(tmp_path / "c"), "--no-build-needs",
             "--format", "markdown", "-o", str(report), "--fail-on", "missing"],
            io.StringIO(),
        )  # fmt: skip
        assert code_ == 0  # a build only, and only missing fails
        assert tables(report.read_text())[0][1] == ["numpy", "▲ 1.26.2 build"]


class TestInput:
    """Markdown and HTML name the input as the terminal's header does: a lock file has no
    requirements of its own to list ("Requirements: none" said nothing)."""

    LOCK = DATA / "inputs" / "sample" / "uv.lock"

    def run(self, tmp_path: Path, *extra: str) -> str:
        out = io.StringIO()
        argv = ["check", str(self.LOCK), "-t", "win-arm64", "-p", "3.12", "--no-build-needs",
                "--cache-dir", str(tmp_path / "c"), *extra]  # fmt: skip
        main(argv, out)
        return out.getvalue()

    def test_markdown_names_the_lock(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(self.LOCK.parent)
        text = self.run(tmp_path, "--format", "markdown")
        assert text.splitlines()[2] == "Input: uv.lock (lock file, 29 packages); 1 target."
        assert "Requirements: none" not in text

    def test_html_names_the_lock_in_its_title(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(self.LOCK.parent)
        text = self.run(tmp_path, "--format", "html")
        title = "wheelcast check: uv.lock (lock file, 29 packages)"
        assert f"<title>{title}</title>" in text
        assert f'<h1 id="title">{title}</h1>' in text

    def test_requirements_are_listed_after_the_input(self, tmp_path: Path) -> None:
        out = io.StringIO()
        links = tmp_path / "links"
        links.mkdir()
        argv = ["check", "tiny", "-t", "win-arm64", "-p", "3.12", "--no-index", "-f",
                str(links), "--cache-dir", str(tmp_path / "c"), "--format", "markdown"]  # fmt: skip
        main(argv, out)
        lines = out.getvalue().splitlines()
        assert lines[2] == "Input: tiny (command line); 1 target."
        assert lines[3] == "Requirements: `tiny`."


class TestShow:
    """``--show problems`` keeps a pull-request comment to the rows that matter, as in a
    terminal; without it the Markdown matrix lists every package."""

    def test_problems_only_and_a_count_of_the_rest(self) -> None:
        text = markdown(story(), show_all=False)
        names = [row[0] for row in tables(text)[0][1:]]
        assert names == ["fastlib", "gone"]
        assert "_1 more install from wheels on every target (--show all)._" in text

    def test_all_by_default(self) -> None:
        names = [row[0] for row in tables(markdown(story()))[0][1:]]
        assert names == ["fastlib", "gone", "tiny"]
        assert "--show all" not in markdown(story())

    @pytest.mark.parametrize(
        ("flags", "rows"), [([], 2), (["--show", "problems"], 1), (["--show", "all"], 2)]
    )
    def test_on_the_command_line(
        self, flags: list[str], rows: int, index_server: IndexServer, tmp_path: Path
    ) -> None:
        out = io.StringIO()
        main(
            ["check", "numpy", "-p", "3.12", "-t", "win-amd64", "--exclude-newer", "2023-11-20",
             "-i", index_server.url, "--cache-dir", str(tmp_path / "c"), "--no-build-needs",
             "--format", "markdown", *flags],
            out,
        )  # fmt: skip
        assert len(tables(out.getvalue())[0]) == rows  # the header row, numpy's (a wheel)
