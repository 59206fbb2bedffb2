"""Progress while a check runs: an observer the library calls, a line on a terminal only."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from tests.indexserver import build_wheel

from wheelcast.forecast.check import IndexOptions, check
from wheelcast.forecast.explanation import explain
from wheelcast.forecast.observe import Stage, Step
from wheelcast.report.progress import ProgressLine
from wheelcast.targets import parse_python, parse_target

PY312 = parse_python("3.12")


@pytest.fixture
def links(tmp_path: Path) -> Path:
    """alpha (pure) needs beta: a wheel for win-amd64, an sdist win-arm64 builds."""
    folder = tmp_path / "links"
    folder.mkdir()
    build_wheel(folder, "alpha", "1.0", requires_dist=["beta>=2"])
    build_wheel(folder, "beta", "2.0", tag="cp312-cp312-win_amd64")
    pkg_info = b"Metadata-Version: 2.1\nName: beta\nVersion: 2.0\n\n"
    with tarfile.open(folder / "beta-2.0.tar.gz", "w:gz") as archive:
        info = tarfile.TarInfo("beta-2.0/PKG-INFO")
        info.size = len(pkg_info)
        archive.addfile(info, io.BytesIO(pkg_info))
    return folder


class TestObserver:
    def test_is_told_each_page_metadata_sdist_and_target_asked_then_answered(
        self, links: Path, tmp_path: Path
    ) -> None:
        steps: list[Step] = []
        targets = [parse_target(n, [PY312])[0] for n in ("win-arm64", "win-amd64")]
        index = IndexOptions(find_links=(str(links),), no_index=True, cache_dir=tmp_path / "c")
        result = check(["alpha"], targets, index=index, progress=steps.append)
        assert [p.name for p in result.forecasts[0].packages] == ["alpha", "beta"]
        names = {(s.stage, s.name, s.done) for s in steps}
        assert len(names) == len(steps)  # each thing once asked, once answered
        for step in steps:
            if step.done:  # answered after it was asked
                assert steps.index(Step(step.stage, step.name)) < steps.index(step)
        assert {(s.name, s.done) for s in steps if s.stage is Stage.TARGET} == {
            ("win-arm64@3.12", False), ("win-arm64@3.12", True),
            ("win-amd64@3.12", False), ("win-amd64@3.12", True),
        }  # fmt: skip
        assert {s.name for s in steps if s.stage is Stage.PAGE and s.done} == {"alpha", "beta"}
        assert any(s.stage is Stage.METADATA and s.done for s in steps)
        sdists = {(Path(s.name).name, s.done) for s in steps if s.stage is Stage.SDIST}
        assert sdists == {("beta-2.0.tar.gz", False), ("beta-2.0.tar.gz", True)}

    def test_explain_tells_it_too(self, links: Path, tmp_path: Path) -> None:
        steps: list[Step] = []
        target = parse_target("win-arm64", [PY312])[0]
        index = IndexOptions(find_links=(str(links),), no_index=True, cache_dir=tmp_path / "c")
        explanation = explain("beta", target, index=index, progress=steps.append)
        assert explanation.package is not None
        told = {(s.stage, Path(s.name).name, s.done) for s in steps}
        assert {
            (Stage.TARGET, "win-arm64@3.12", False), (Stage.TARGET, "win-arm64@3.12", True),
            (Stage.PAGE, "beta", True), (Stage.SDIST, "beta-2.0.tar.gz", True),
        } <= told  # fmt: skip

    def test_without_one_the_answer_is_the_same(self, links: Path, tmp_path: Path) -> None:
        targets = [parse_target("win-arm64", [PY312])[0]]

        def run(cache: str, **progress: object) -> object:
            index = IndexOptions(
                find_links=(str(links),), no_index=True, cache_dir=tmp_path / cache
            )
            return check(["alpha"], targets, index=index, **progress).forecasts  # type: ignore[arg-type]

        assert run("a") == run("b", progress=lambda step: None)


class Screen(io.StringIO):
    def isatty(self) -> bool:
        return True


class TestProgressLine:
    def feed(self, line: ProgressLine) -> None:
        line(Step(Stage.TARGET, "win-arm64@3.12"))
        line(Step(Stage.PAGE, "numpy"))
        line(Step(Stage.PAGE, "numpy", done=True))

    def test_drawn_once_the_run_lasts_and_erased_at_its_end(self) -> None:
        screen = Screen()
        with ProgressLine(screen, color=False, delay=0.05) as line:
            self.feed(line)
            time.sleep(0.3)
        text = screen.getvalue()
        assert "checking" in text
        assert "0/1 targets · pages 1/1" in text
        assert text.endswith("\x1b[2K")  # the line erased, the cursor at its start

    def test_nothing_for_a_short_run(self) -> None:
        screen = Screen()
        with ProgressLine(screen, color=False, delay=0.5) as line:
            self.feed(line)
        time.sleep(0.6)  # the timer, cancelled, draws nothing later either
        assert screen.getvalue() == ""


def run_with_stderr(argv: list[str], *, terminal: bool, cwd: Path) -> tuple[int, bytes, str]:
    """Run wheelcast in a child (the progress line drawn at once) with stderr on a pty or
    a pipe; its exit code, what reached stderr and stdout."""
    script = (
        "import sys, wheelcast.report.progress as p; p.DELAY = 0\n"
        "from wheelcast.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    environ = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    if not terminal:
        done = subprocess.run(
            [sys.executable, "-c", script, *argv],
            capture_output=True, cwd=cwd, env=environ, timeout=120, check=False,
        )  # fmt: skip
        return done.returncode, done.stderr, done.stdout.decode()
    parent, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", script, *argv],
        stdout=subprocess.PIPE, stderr=child, stdin=subprocess.DEVNULL, cwd=cwd, env=environ,
    )  # fmt: skip
    os.close(child)
    seen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([parent], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(parent, 65536)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    os.close(parent)
    assert process.stdout is not None
    with process.stdout:
        stdout = process.stdout.read().decode()
    return process.wait(timeout=60), seen, stdout


class TestOnTheCommandLine:
    def argv(self, links: Path, tmp_path: Path, *extra: str) -> list[str]:
        return ["check", "alpha", "-p", "3.12", "-t", "win-arm64", "--no-index",
                "-f", str(links), "--cache-dir", str(tmp_path / "c"), *extra]  # fmt: skip

    def test_on_a_terminal_the_line_is_drawn_on_stderr(self, links: Path, tmp_path: Path) -> None:
        code, stderr, stdout = run_with_stderr(
            self.argv(links, tmp_path), terminal=True, cwd=tmp_path
        )
        assert code == 1
        assert b"checking" in stderr
        assert b"targets" in stderr
        assert "checking" not in stdout  # the report itself is untouched
        assert "beta" in stdout

    def test_explain_on_a_terminal(self, links: Path, tmp_path: Path) -> None:
        argv = ["explain", "beta", "-p", "3.12", "-t", "win-arm64", "--no-index",
                "-f", str(links), "--cache-dir", str(tmp_path / "c")]  # fmt: skip
        code, stderr, stdout = run_with_stderr(argv, terminal=True, cwd=tmp_path)
        assert code == 1
        assert b"targets" in stderr
        assert b"sdists 1/1" in stderr
        assert "beta" in stdout

    def test_in_a_pipe_never(self, links: Path, tmp_path: Path) -> None:
        code, stderr, stdout = run_with_stderr(
            self.argv(links, tmp_path), terminal=False, cwd=tmp_path
        )
        assert code == 1
        assert stderr == b""
        assert "beta" in stdout

    @pytest.mark.parametrize(
        "flags",
        [
            ["--format", "json"],
            ["--format", "markdown"],
            ["--format", "html", "-o", "r.html"],
            ["-q"],
        ],
    )
    def test_nor_for_json_or_quiet_on_a_terminal(
        self, links: Path, tmp_path: Path, flags: list[str]
    ) -> None:
        code, stderr, _ = run_with_stderr(
            self.argv(links, tmp_path, *flags), terminal=True, cwd=tmp_path
        )
        assert code == 1
        assert b"checking" not in stderr


class TestWheelhouse:
    """wheelhouse resolves as check does before it fetches: the same line, the same rules."""

    def argv(self, links: Path, tmp_path: Path, *extra: str) -> list[str]:
        return ["wheelhouse", "alpha", "-p", "3.12", "-t", "win-amd64", "--no-index",
                "-f", str(links), "--cache-dir", str(tmp_path / "c"),
                "-d", str(tmp_path / "house"), *extra]  # fmt: skip

    def test_its_check_draws_the_line_on_a_terminal(self, links: Path, tmp_path: Path) -> None:
        code, stderr, stdout = run_with_stderr(
            self.argv(links, tmp_path), terminal=True, cwd=tmp_path
        )
        assert code == 0, stdout
        assert b"checking" in stderr
        assert b"targets" in stderr

    def test_json_draws_nothing_on_a_terminal(self, links: Path, tmp_path: Path) -> None:
        code, stderr, stdout = run_with_stderr(
            self.argv(links, tmp_path, "--format", "json"), terminal=True, cwd=tmp_path
        )
        assert code == 0, stdout
        assert b"checking" not in stderr
        assert b"fetching" not in stderr
        assert b"\x1b[" not in stderr  # no bar drawn and erased either
