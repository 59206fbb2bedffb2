"""The command line over local sources: find-links folders, file:// indexes, options."""

from __future__ import annotations

import ctypes
import datetime as dt
import io
import json
import tarfile
import time
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import build_wheel

from wheelcast import cli
from wheelcast.cli import main


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, out), out.getvalue()


def sdist(directory: Path, name: str, version: str) -> Path:
    path = directory / f"{name}-{version}.tar.gz"
    pkg_info = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n".encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo(f"{name}-{version}/PKG-INFO")
        info.size = len(pkg_info)
        archive.addfile(info, io.BytesIO(pkg_info))
    return path


def colour_environment(monkeypatch: pytest.MonkeyPatch, environ: dict[str, str]) -> None:
    """Only ``environ`` of NO_COLOR and FORCE_COLOR is set, whatever the caller's shell has."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def links(tmp_path: Path) -> Path:
    folder = tmp_path / "links"
    folder.mkdir()
    build_wheel(folder, "alpha", "1.0", requires_dist=["beta>=2", "gamma; sys_platform == 'linux'"])
    build_wheel(folder, "beta", "1.0", tag="cp312-cp312-win_arm64")
    build_wheel(folder, "beta", "2.0", tag="cp312-cp312-win_amd64")
    sdist(folder, "beta", "2.0")
    build_wheel(folder, "gamma", "0.1")
    return folder


def forecast(argv: list[str]) -> tuple[int, dict[str, dict[str, Any]]]:
    code, out = run([*argv, "--format", "json"])
    doc = json.loads(out)
    return code, {
        result["target"]: {p["name"]: p for p in result["packages"]} for result in doc["results"]
    }


class TestFindLinks:
    def test_folder_of_wheels_and_sdists(self, links: Path, tmp_path: Path) -> None:
        code, results = forecast(
            ["check", "alpha", "-p", "3.12", "-t", "win-arm64", "-t", "win-amd64",
             "-t", "linux-x86_64", "--no-index", "-f", str(links), "--cache-dir", str(tmp_path)]
        )  # fmt: skip
        assert code == 1  # beta 2.0 has only a win_amd64 wheel: elsewhere it is built
        arm = results["win-arm64@3.12"]
        x64 = results["win-amd64@3.12"]
        linux = results["linux-x86_64@3.12"]
        assert linux["beta"]["verdict"] == "build"
        assert (arm["beta"]["version"], arm["beta"]["verdict"]) == ("2.0", "build")
        assert arm["beta"]["older_wheel"]["version"] == "1.0"
        assert arm["beta"]["older_wheel"]["satisfies_requirements"] is False
        assert (x64["beta"]["version"], x64["beta"]["verdict"]) == ("2.0", "binary")
        assert arm["alpha"]["verdict"] == "pure"
        assert "gamma" in linux
        assert "gamma" not in arm
        assert arm["beta"]["required_by"] == ["alpha"]

    def test_only_binary_turns_the_build_into_missing(self, links: Path, tmp_path: Path) -> None:
        code, results = forecast(
            ["check", "alpha", "-p", "3.12", "-t", "win-arm64", "--only-binary", ":all:",
             "--no-index", "-f", str(links), "--cache-dir", str(tmp_path)]
        )  # fmt: skip
        assert code == 2
        beta = results["win-arm64@3.12"]["beta"]
        assert beta["verdict"] == "missing"
        assert beta["detail"] == "2.0: beta-2.0.tar.gz: no sources allowed for beta"

    def test_prefer_binary_takes_the_older_wheel(self, links: Path, tmp_path: Path) -> None:
        code, results = forecast(
            ["check", "beta", "-p", "3.12", "-t", "win-arm64", "--prefer-binary",
             "--no-index", "-f", str(links), "--cache-dir", str(tmp_path)]
        )  # fmt: skip
        assert code == 0
        assert results["win-arm64@3.12"]["beta"]["version"] == "1.0"

    def test_a_report_that_cannot_be_written_is_one_error_line(
        self, links: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, _ = run(
            ["check", "alpha", "-p", "3.12", "-t", "win-arm64", "--no-index", "-f", str(links),
             "--cache-dir", str(tmp_path), "-o", str(tmp_path / "missing" / "report.json")]
        )  # fmt: skip
        err = capsys.readouterr().err
        assert code not in (0, 1, 2)
        assert err.count("\n") == 1
        assert "cannot write the report to" in err
        assert "report.json" in err

    def test_file_index(self, links: Path, tmp_path: Path) -> None:
        simple = tmp_path / "simple"
        for name in ("alpha", "beta", "gamma"):
            (simple / name).mkdir(parents=True)
            anchors = "".join(
                f'<a href="{p.as_uri()}">{p.name}</a>' for p in sorted(links.glob(f"{name}-*"))
            )
            (simple / name / "index.html").write_text(f"<html><body>{anchors}</body></html>")
        code, results = forecast(
            ["check", "alpha", "-p", "3.12", "-t", "win-amd64",
             "-i", simple.as_uri(), "--cache-dir", str(tmp_path / "cache")]
        )  # fmt: skip
        assert code == 0
        assert results["win-amd64@3.12"]["beta"]["verdict"] == "binary"


class TestEarlyFetchProcess:
    @pytest.mark.parametrize(
        ("argv", "fetches"),
        [
            (["check", "numpy"], True),
            (["explain", "numpy", "-t", "linux-x86_64"], True),
            (["fix", "-r", "requirements.txt"], True),
            (["check", "numpy", "--offline"], False),
            (["check", "numpy", "--offl"], False),  # argparse takes the prefix
            (["check", "numpy", "--no-index", "--find-links", "wheels"], False),
            (["check", "numpy", "-h"], False),
            (["check", "--help"], False),
            (["check", "--", "--offline"], True),  # a requirement, not the option
            (["doctor"], False),
            (["--version"], False),
            ([], False),
        ],
    )
    def test_started_only_for_a_run_that_will_fetch(self, argv: list[str], fetches: bool) -> None:
        from wheelcast.__main__ import will_fetch  # noqa: PLC0415

        assert will_fetch(argv) is fetches


class TestTargetsCommand:
    def test_lists_presets_with_tags_and_markers(self) -> None:
        code, out = run(["targets", "--python", "3.12"])
        assert code == 0
        lines = {line.split()[0]: line for line in out.splitlines() if "@" in line}
        assert "cp312-cp312-win_arm64" in lines["win-arm64@3.12"]
        assert "ARM64" in lines["win-arm64@3.12"]
        assert "AMD64" in lines["win-amd64@3.12"]
        assert "host@3.12" in lines

    def test_version(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(["--version"])[0] == 0
        assert "wheelcast 0.1.0" in capsys.readouterr().out


class TestMallocArenas:
    def test_glibc_is_asked_for_two_arenas_on_linux(self, monkeypatch: pytest.MonkeyPatch) -> None:
        calls: list[tuple[int, int]] = []

        class Libc:
            def mallopt(self, option: int, value: int) -> int:
                calls.append((option, value))
                return 1

        monkeypatch.setattr(cli.sys, "platform", "linux")
        monkeypatch.setattr(ctypes, "CDLL", lambda name: Libc())
        cli._fewer_malloc_arenas()
        assert calls == [(-8, 2)]
        monkeypatch.setattr(cli.sys, "platform", "darwin")
        cli._fewer_malloc_arenas()
        assert calls == [(-8, 2)]


class TestInternalError:
    def test_a_crash_is_one_line_its_own_exit_code_and_a_traceback_file(
        self,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
    ) -> None:
        def crash(*args: object, **kwargs: object) -> int:
            raise ZeroDivisionError("a bug")

        monkeypatch.setattr(cli, "run_targets", crash)
        monkeypatch.setenv("TMPDIR", str(tmp_path))
        monkeypatch.setattr("tempfile.tempdir", None)
        code, out = run(["targets"])
        err = capsys.readouterr().err
        assert code == cli.EXIT_INTERNAL == 5
        assert code not in {cli.EXIT_WHEELS, cli.EXIT_BUILD, cli.EXIT_MISSING}
        assert out == ""
        (line,) = err.splitlines()
        assert line.startswith("wheelcast: internal error: ZeroDivisionError: a bug")
        assert "Traceback" not in err
        (saved,) = tmp_path.glob("wheelcast-internal-error-*.txt")
        assert str(saved) in line
        assert "Traceback (most recent call last)" in saved.read_text()
        assert "ZeroDivisionError: a bug" in saved.read_text()

    def test_a_long_message_is_cut(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        def crash(*args: object, **kwargs: object) -> int:
            raise RuntimeError("x" * 100_000)

        monkeypatch.setattr(cli, "run_targets", crash)
        monkeypatch.setenv("TMPDIR", str(tmp_path))
        monkeypatch.setattr("tempfile.tempdir", None)
        assert run(["targets"])[0] == cli.EXIT_INTERNAL
        assert len(capsys.readouterr().err) < 1000

    def test_a_replay_that_crashes_runs_the_full_command(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from wheelcast import __main__ as entry  # noqa: PLC0415

        def broken(*args: object, **kwargs: object) -> int:
            raise ValueError("corrupt stored answer")

        ran: list[str] = []
        monkeypatch.setattr(entry, "replay", broken)
        monkeypatch.setattr(cli, "main", lambda: ran.append("full") or 0)
        monkeypatch.setattr(entry.sys, "argv", ["wheelcast", "check", "numpy"])
        assert entry.main() == 0
        assert ran == ["full"]


def cutoff_in(zone: str, text: str, monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """``--exclude-newer text`` read on a machine keeping time in ``zone``."""
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        return cli.parse_exclude_newer(text)
    finally:
        monkeypatch.undo()
        time.tzset()


class TestExcludeNewer:
    def test_a_date_includes_the_whole_day_in_local_time_as_uv(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        cutoff = cutoff_in("America/New_York", "2025-10-01", monkeypatch)
        # Midnight at the start of 2 October in New York: 04:00 UTC (daylight time).
        assert cutoff == dt.datetime(2025, 10, 2, 4, 0, tzinfo=dt.UTC)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2025-10-01T19:38:25Z", dt.datetime(2025, 10, 1, 19, 38, 25, tzinfo=dt.UTC)),
            ("2025-10-01T21:38:25+02:00", dt.datetime(2025, 10, 1, 19, 38, 25, tzinfo=dt.UTC)),
        ],
    )
    def test_a_timestamp_is_that_instant(self, text: str, expected: dt.datetime) -> None:
        assert cli.parse_exclude_newer(text) == expected

    @pytest.mark.parametrize("text", ["", "yesterday", "2025-13-01", "9" * 10_000])
    def test_a_bad_value_is_one_error_line(
        self, text: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out = run(["check", "numpy", "--exclude-newer", text, "--offline"])
        err = capsys.readouterr().err
        assert code == cli.EXIT_INPUT
        assert out == ""
        (line,) = err.splitlines()
        assert "invalid --exclude-newer" in line
        assert len(line) < 300

    def test_a_file_uploaded_on_the_day_is_admitted(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # The boundary as uv draws it: boto3 1.40.43, uploaded 2025-10-01T19:38:25Z, is
        # in a check with --exclude-newer 2025-10-01 on a machine keeping UTC.
        cutoff = cutoff_in("UTC", "2025-10-01", monkeypatch)
        assert cutoff == dt.datetime(2025, 10, 2, tzinfo=dt.UTC)
        assert cutoff > dt.datetime(2025, 10, 1, 19, 38, 25, tzinfo=dt.UTC)


class TestFailOn:
    def argv(self, links: Path, tmp_path: Path, *extra: str) -> list[str]:
        return ["check", "alpha", "missing-one", "-p", "3.12", "-t", "win-arm64",
                "--no-index", "-f", str(links), "--cache-dir", str(tmp_path), *extra]  # fmt: skip

    @pytest.mark.parametrize(
        ("fail_on", "expected"),
        [
            ([], 2),  # as before: something is missing
            (["--fail-on", "build"], 1),
            (["--fail-on", "missing"], 2),
            (["--fail-on", "direct,conflict"], 0),
            (["--fail-on", "direct", "--fail-on", "build"], 1),
            (["--fail-on", "build,missing,direct,conflict,unresolvable"], 2),
        ],
    )
    def test_only_what_it_names_counts(
        self, links: Path, tmp_path: Path, fail_on: list[str], expected: int
    ) -> None:
        code, results = forecast(self.argv(links, tmp_path, *fail_on))
        arm = results["win-arm64@3.12"]
        assert (arm["beta"]["verdict"], arm["missing-one"]["verdict"]) == ("build", "missing")
        assert code == expected

    def test_builds_only_exit_0_with_fail_on_missing(self, links: Path, tmp_path: Path) -> None:
        argv = ["check", "alpha", "-p", "3.12", "-t", "win-arm64", "--no-index", "-f",
                str(links), "--cache-dir", str(tmp_path)]  # fmt: skip
        assert forecast(argv)[0] == 1
        assert forecast([*argv, "--fail-on", "missing"])[0] == 0

    def test_an_unknown_kind_is_bad_input(
        self, links: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out = run(self.argv(links, tmp_path, "--fail-on", "builds"))
        assert (code, out) == (cli.EXIT_INPUT, "")
        (line,) = capsys.readouterr().err.splitlines()
        assert "unknown --fail-on value: builds" in line
        assert "build, direct, missing, conflict, unresolvable" in line


class TestPipAndUvNames:
    def test_platform_and_python_version_are_aliases(self, links: Path, tmp_path: Path) -> None:
        ours = forecast(["check", "alpha", "-p", "3.12", "-t", "win-arm64", "--no-index",
                         "-f", str(links), "--cache-dir", str(tmp_path)])  # fmt: skip
        theirs = forecast(["check", "alpha", "--python-version", "3.12", "--platform",
                           "win_arm64", "--no-index", "-f", str(links),
                           "--cache-dir", str(tmp_path)])  # fmt: skip
        assert ours[0] == theirs[0] == 1
        assert list(ours[1].values()) == list(theirs[1].values())


class TestHelp:
    @pytest.mark.parametrize("command", ["check", "explain"])
    def test_exit_codes_are_listed(self, command: str, capsys: pytest.CaptureFixture[str]) -> None:
        assert run([command, "--help"])[0] == 0
        text = capsys.readouterr().out
        assert "exit codes:" in text
        for code in (0, 1, 2, 3, 4, 5, 130):
            assert f"\n  {code} " in text


class TestJsonErrors:
    @pytest.mark.parametrize(
        ("argv", "kind", "status"),
        [
            (["check", "numpy", "--bogus", "--format", "json"], "invalid-option", 3),
            (["check", "numpy", "--format=json", "--python", "3.99"], "unknown-target", 3),
            (["check", "numpy", "--format", "json", "--offline"], "offline-cache-miss", 4),
        ],
    )
    def test_an_error_with_format_json_is_a_document_on_stdout(
        self,
        argv: list[str],
        kind: str,
        status: int,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        code, out = run([*argv, "--cache-dir", str(tmp_path)])
        assert code == status
        document = json.loads(out)
        assert document["schema"] == "wheelcast.error/1"
        assert document["error"]["exit_code"] == status
        assert document["error"]["message"]
        assert document["error"]["kind"] == kind
        assert len(capsys.readouterr().err.splitlines()) == 1  # and the one line, as ever

    def test_without_format_json_stdout_stays_empty(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out = run(["check", "numpy", "--offline", "--cache-dir", str(tmp_path)])
        assert (code, out) == (cli.EXIT_INDEX, "")
        assert capsys.readouterr().err.startswith("wheelcast: error: offline")

    def test_an_internal_error_is_a_document_too(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        def crash(*args: object, **kwargs: object) -> int:
            raise ZeroDivisionError("a bug")

        monkeypatch.setattr(cli, "run_check", crash)
        monkeypatch.setenv("TMPDIR", str(tmp_path))
        monkeypatch.setattr("tempfile.tempdir", None)
        code, out = run(["check", "numpy", "--format", "json"])
        assert code == cli.EXIT_INTERNAL
        error = json.loads(out)["error"]
        assert (error["kind"], error["exit_code"]) == ("internal-error", 5)
        assert "ZeroDivisionError: a bug" in error["message"]


class TestColor:
    class Screen(io.StringIO):
        def isatty(self) -> bool:
            return True

    def render(self, links: Path, tmp_path: Path, *extra: str) -> str:
        out = self.Screen()
        argv = ["check", "alpha", "-p", "3.12", "-t", "win-arm64", "--no-index", "-f",
                str(links), "--cache-dir", str(tmp_path), *extra]  # fmt: skip
        main(argv, out)
        return out.getvalue()

    @pytest.mark.parametrize(
        ("environ", "flags", "escapes"),
        [
            ({}, [], True),  # a terminal: colour
            ({"NO_COLOR": "1"}, [], False),
            ({"NO_COLOR": ""}, [], True),  # set but empty: no-color.org says ignore it
            ({"NO_COLOR": "1"}, ["--color", "always"], True),  # the flag wins
            ({}, ["--color", "never"], False),
        ],
    )
    def test_on_a_terminal(
        self,
        *,
        links: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        environ: dict[str, str],
        flags: list[str],
        escapes: bool,
    ) -> None:
        colour_environment(monkeypatch, environ)
        text = self.render(links, tmp_path, *flags)
        assert "beta" in text
        assert ("\x1b[" in text) is escapes

    @pytest.mark.parametrize(
        ("environ", "flags", "escapes"),
        [({}, [], False), ({"FORCE_COLOR": "1"}, [], True), ({}, ["--color", "always"], True)],
    )
    def test_in_a_pipe(
        self,
        *,
        links: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        environ: dict[str, str],
        flags: list[str],
        escapes: bool,
    ) -> None:
        colour_environment(monkeypatch, environ)
        argv = ["check", "alpha", "-p", "3.12", "-t", "win-arm64", "--no-index", "-f",
                str(links), "--cache-dir", str(tmp_path), *flags]  # fmt: skip
        text = run(argv)[1]
        assert "beta" in text
        assert ("\x1b[" in text) is escapes

    @pytest.mark.parametrize("command", [["targets"], ["doctor"]])
    def test_never_on_the_other_commands(
        self, command: list[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("NO_COLOR", "1")
        out = self.Screen()
        assert main([*command, "--color", "never"], out) == 0
        assert out.getvalue()
        assert "\x1b[" not in out.getvalue()
