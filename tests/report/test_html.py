"""The HTML reports without a browser: the embedded document, its escaping, what the page
may load, the size of a large check, and the command line (-o, a pipe, a terminal)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.doctor.fakes import FakeRunner
from tests.indexserver import IndexServer, MakeIndexServer
from tests.report.html_pages import (
    README_FIRST,
    REALISTIC,
    embedded,
    run,
    scripts,
    small_index,
)
from tests.report.test_doctor_output import (
    VSWHERE_X64,
    numpy_builds_on_arm,
    story_interpreters,
    story_machine,
    story_runner,
)

from wheelcast.cli import build_parser, main, run_doctor
from wheelcast.doctor.diagnose import diagnose
from wheelcast.report.doctor_html import render_html as doctor_html
from wheelcast.report.doctor_json import document as doctor_document
from wheelcast.report.page_html import render_page, script_json

HOSTILE = [
    "</script><script>window.pwned = 1</script>",
    "</SCRIPT >",
    "<!--<script>",
    "a & b &amp; <b>bold</b>",
    "line\u2028separator\u2029paragraph",
    "caf\u00e9 \U0001f40d",
]


def page_of(template: str, document: dict[str, Any]) -> str:
    out = io.StringIO()
    render_page(template, document, out, title="t")
    return out.getvalue()


class TestScriptJson:
    @pytest.mark.parametrize("text", HOSTILE)
    def test_reads_back_as_the_same_document(self, text: str) -> None:
        document = {"schema": "wheelcast.check/1", "detail": text, text: [text]}
        assert json.loads(script_json(document)) == document

    @pytest.mark.parametrize("text", HOSTILE)
    def test_holds_no_character_that_could_end_the_script(self, text: str) -> None:
        encoded = script_json({"detail": text})
        assert not set(encoded) & {"<", ">", "&", "\u2028", "\u2029"}
        assert encoded.isascii()


class TestPage:
    def test_data_in_a_script_cannot_break_out_of_it(self) -> None:
        document = {"schema": "wheelcast.check/1", "requirements": HOSTILE, "note": HOSTILE[0]}
        page = page_of("check.html.j2", document)
        found = scripts(page)
        # The data and the page's own script, as a parser splits them: nothing injected.
        assert [attrs.get("type") for attrs, _ in found] == ["application/json", None]
        assert embedded(page) == document
        assert page.lower().count("</script") == 2

    def test_the_title_is_text(self) -> None:
        out = io.StringIO()
        render_page("check.html.j2", {"schema": "x"}, out, title="<b>&")
        assert "<title>&lt;b&gt;&amp;</title>" in out.getvalue()

    @pytest.mark.parametrize("template", ["check.html.j2", "explain.html.j2", "doctor.html.j2"])
    def test_loads_nothing_from_anywhere(self, template: str) -> None:
        page = page_of(template, {"schema": "wheelcast.check/1"})
        shell = page.replace(page.split('id="wheelcast-data">', 1)[1].split("</script>")[0], "")
        loading = r"<[a-z][^>]*\s(?:src|srcset|action|poster|data|background)\s*="
        assert re.findall(loading, shell, flags=re.IGNORECASE) == []
        # nor does the script create an element that loads
        assert re.findall(r'el\("(?:img|link|iframe|script|object|embed|video|audio)"', shell) == []
        assert re.findall(r'href="([^"]*)"', shell) == ["#main"]
        assert "<link" not in shell
        assert "<iframe" not in shell
        assert "@import" not in shell
        assert "url(" not in shell
        assert "@font-face" not in shell
        assert re.findall(r"https?://", shell) == []
        # and the browser is told so: whatever the page would try, nothing loads
        assert "default-src 'none'" in shell

    @pytest.mark.parametrize("template", ["check.html.j2", "explain.html.j2", "doctor.html.j2"])
    def test_light_and_dark(self, template: str) -> None:
        page = page_of(template, {"schema": "wheelcast.check/1"})
        assert "prefers-color-scheme: dark" in page
        assert '<meta name="color-scheme" content="light dark">' in page


@pytest.fixture(scope="module")
def realistic_page(
    index_server: IndexServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, Path]:
    folder = tmp_path_factory.mktemp("realistic")
    report = folder / "report.html"
    code, _ = run(
        [*REALISTIC, "-i", index_server.url, "--cache-dir", str(folder / "cache"),
         "--format", "html", "-o", str(report)]
    )  # fmt: skip
    return code, report


class TestLargeCheck:
    def test_130_packages_on_six_targets_stay_under_2_mb(
        self, realistic_page: tuple[int, Path]
    ) -> None:
        code, report = realistic_page
        assert code == 1  # win-arm64 builds part of the set
        doc = embedded(report.read_text(encoding="utf-8"))
        assert len(doc["targets"]) == 6
        assert min(len(r["packages"]) for r in doc["results"]) >= 130
        assert report.stat().st_size < 2 * 1024 * 1024


class TestCheckCommand:
    @pytest.fixture
    def index(self, tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
        return small_index(tmp_path, make_index_server)

    def argv(self, index: IndexServer, tmp_path: Path) -> list[str]:
        return [
            "check", "fastlib", "-p", "3.12", "-t", "win-arm64", "-t", "win-amd64",
            "-i", index.url, "--cache-dir", str(tmp_path / "cache"),
        ]  # fmt: skip

    def test_the_file_holds_the_json_report(self, index: IndexServer, tmp_path: Path) -> None:
        report = tmp_path / "report.html"
        code, out = run([*self.argv(index, tmp_path), "--format", "html", "-o", str(report)])
        json_code, json_out = run([*self.argv(index, tmp_path), "--format", "json"])
        assert (code, out) == (json_code, "") == (1, "")
        page = report.read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>")
        assert embedded(page) == json.loads(json_out)

    def test_without_o_it_goes_to_a_pipe(self, index: IndexServer, tmp_path: Path) -> None:
        code, out = run([*self.argv(index, tmp_path), "--format", "html"])
        assert code == 1
        assert embedded(out)["schema"] == "wheelcast.check/1"

    def test_a_terminal_gets_one_error_line_and_no_run(
        self, index: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        out = Terminal()
        code = main([*self.argv(index, tmp_path), "--format", "html"], out)
        err = capsys.readouterr().err
        assert code == 3
        assert err.count("\n") == 1
        assert "--format html" in err
        assert "-o report.html" in err
        assert out.getvalue() == ""
        assert index.requests == {}  # refused before anything was fetched

    def test_a_report_that_cannot_be_written_is_one_error_line(
        self, index: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        target = tmp_path / "no" / "report.html"
        code, _ = run([*self.argv(index, tmp_path), "--format", "html", "-o", str(target)])
        err = capsys.readouterr().err
        assert code == 3
        assert err.count("\n") == 1
        assert "cannot write the report to" in err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class TestExplainCommand:
    @pytest.fixture
    def argv(self, tmp_path: Path, make_index_server: MakeIndexServer) -> list[str]:
        index = small_index(tmp_path, make_index_server)
        return [
            "explain", "fastlib", "-p", "3.12", "-t", "win-arm64",
            "-i", index.url, "--cache-dir", str(tmp_path / "cache"),
        ]  # fmt: skip

    def test_html_file_holds_the_json_report(self, argv: list[str], tmp_path: Path) -> None:
        report = tmp_path / "explain.html"
        code, out = run([*argv, "--format", "html", "-o", str(report)])
        json_code, json_out = run([*argv, "--format", "json"])
        assert (code, out) == (json_code, "") == (1, "")
        assert embedded(report.read_text(encoding="utf-8")) == json.loads(json_out)

    @pytest.mark.parametrize("kind", ["text", "json"])
    def test_o_writes_the_other_formats_too(
        self, argv: list[str], tmp_path: Path, kind: str
    ) -> None:
        report = tmp_path / f"explain.{kind}"
        code, out = run([*argv, "--format", kind, "-o", str(report)])
        _, shown = run([*argv, "--format", kind])
        assert (code, out) == (1, "")
        assert report.read_text(encoding="utf-8") == shown

    def test_a_terminal_gets_one_error_line(
        self, argv: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main([*argv, "--format", "html"], Terminal()) == 3
        assert "-o report.html" in capsys.readouterr().err


class TestDoctor:
    @pytest.fixture
    def machine(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeRunner:
        return story_machine(tmp_path, monkeypatch)

    def test_the_page_holds_the_json_report(self) -> None:
        report = diagnose(
            ["numpy"],
            runner=story_runner(),
            forecast=numpy_builds_on_arm,
            interpreters=story_interpreters(),
            toolchains=VSWHERE_X64,
        )
        out = io.StringIO()
        doctor_html(report, out)
        assert embedded(out.getvalue()) == json.loads(json.dumps(doctor_document(report)))
        assert "<title>wheelcast doctor: numpy</title>" in out.getvalue()

    def test_format_html_o(self, machine: FakeRunner, tmp_path: Path) -> None:
        report = tmp_path / "doctor.html"
        args = build_parser().parse_args(["doctor", "numpy", "--format", "html", "-o", str(report)])
        out = io.StringIO()
        assert run_doctor(args, out, runner=machine, forecast=numpy_builds_on_arm) == 2
        assert out.getvalue() == ""
        (result,) = embedded(report.read_text(encoding="utf-8"))["results"]
        assert result["builds"][0]["name"] == "numpy"

    def test_o_writes_text_too(self, machine: FakeRunner, tmp_path: Path) -> None:
        report = tmp_path / "doctor.txt"
        out = io.StringIO()
        assert run_doctor(build_parser().parse_args(["doctor", "-o", str(report)]), out,
                          runner=machine) == 0  # fmt: skip
        assert out.getvalue() == ""
        assert "cpython 3.12.10" in report.read_text(encoding="utf-8")

    def test_a_terminal_gets_one_error_line_before_any_probe(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        def never(*args: object, **kwargs: object) -> None:
            raise AssertionError("probed before refusing")

        monkeypatch.setattr("wheelcast.doctor.diagnose.diagnose", never)
        assert main(["doctor", "--format", "html"], Terminal()) == 3
        assert "-o report.html" in capsys.readouterr().err


def test_readme_first_example_as_html(index_server: IndexServer, tmp_path: Path) -> None:
    report = tmp_path / "numpy.html"
    code, _ = run(
        [*README_FIRST, "-i", index_server.url, "--cache-dir", str(tmp_path), "--format",
         "html", "-o", str(report)]
    )  # fmt: skip
    assert code == 1
    doc = embedded(report.read_text(encoding="utf-8"))
    arm, x64 = doc["results"]
    assert (arm["packages"][0]["verdict"], x64["packages"][0]["verdict"]) == ("build", "binary")


def test_without_chromium_the_browser_tests_skip_saying_why(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    environ = {k: v for k, v in os.environ.items() if k != "WHEELCAST_CHROMIUM"}
    environ["PATH"] = str(empty)  # no chromium to find, nor anything else
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         str(Path(__file__).with_name("test_html_browser.py"))],
        env=environ, capture_output=True, text=True, timeout=120, check=False,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\b\d+ skipped\b", done.stdout), done.stdout
    assert "passed" not in done.stdout
    assert "failed" not in done.stdout
    assert "no Chromium found" in done.stdout


@pytest.mark.parametrize("command", [["check", "numpy"], ["explain", "numpy", "-t", "win-arm64"]])
@pytest.mark.parametrize("form", ["text", "json", "html"])
def test_a_missing_output_folder_is_said_before_the_run(
    command: list[str], form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before anything is fetched (the index here would refuse: exit 4), not after a long run."""
    target = tmp_path / "no" / "report.out"
    argv = [*command, "-i", "http://127.0.0.1:9/simple", "--cache-dir", str(tmp_path / "c"),
            "--format", form, "-o", str(target)]  # fmt: skip
    assert main(argv, io.StringIO()) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"wheelcast: error: cannot write the report to {target}:")
    assert "no such folder" in err
