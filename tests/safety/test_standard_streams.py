"""Standard output and error attached to anything: never a traceback.

A reader that goes away (``| head``): exit 141, quietly. Output closed (``>&-``) or full
(``> /dev/full``): one error line, exit 3. Standard error closed or full: what it would
say is dropped, the exit status is the command's own.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import TextIO

import pytest

from wheelcast import cli


def _run_with_stdout_closed(argv: list[str], tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "WHEELCAST_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    run = subprocess.Popen(
        [sys.executable, "-m", "wheelcast", *argv],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert run.stdout is not None
    assert run.stderr is not None
    run.stdout.close()  # the reader is gone before the first line is written
    with run.stderr:
        err = run.stderr.read()
    return subprocess.CompletedProcess(run.args, run.wait(timeout=60), b"", err)


@pytest.mark.parametrize("argv", [["targets"], ["targets", "--format", "json"], ["doctor"]])
def test_a_closed_stdout_ends_the_run_quietly(argv: list[str], tmp_path: Path) -> None:
    done = _run_with_stdout_closed(argv, tmp_path)
    assert done.returncode == cli.EXIT_PIPE_CLOSED
    assert done.stderr == b""  # no traceback, no "Exception ignored" at exit


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_the_library_entry_point_answers_a_closed_output_with_141() -> None:
    assert cli.main(["targets"], out=_ClosedPipe()) == cli.EXIT_PIPE_CLOSED


def test_another_pipe_breaking_is_a_bug_not_a_closed_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def worker_pipe_broke(args: argparse.Namespace, out: TextIO) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "run_targets", worker_pipe_broke)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # the traceback file lands here
    out = io.StringIO()
    assert cli.main(["targets"], out=out) == cli.EXIT_INTERNAL
    assert "internal error: BrokenPipeError" in capsys.readouterr().err


def _run(argv: list[str], tmp_path: Path, **streams: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "WHEELCAST_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "wheelcast", *argv], env=env, cwd=tmp_path, timeout=60,
        check=False, **streams,  # type: ignore[call-overload]
    )  # fmt: skip


def _closed(fd: int) -> dict[str, object]:
    """``>&-`` or ``2>&-``: the child starts with that descriptor closed."""
    return {"preexec_fn": lambda: os.close(fd)}


UNWRITABLE = b"wheelcast: error: cannot write the report to standard output:"


@pytest.mark.parametrize("argv", [["targets"], ["targets", "--format", "json"], ["doctor"]])
def test_a_closed_stdout_at_the_start_is_one_error_line(argv: list[str], tmp_path: Path) -> None:
    done = _run(argv, tmp_path, stderr=subprocess.PIPE, **_closed(1))
    assert done.returncode == cli.EXIT_INPUT
    assert done.stderr.startswith(UNWRITABLE + b" it is closed (hint: ")
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [["targets"], ["targets", "--format", "json"], ["doctor"]])
def test_a_full_stdout_is_one_error_line(argv: list[str], tmp_path: Path) -> None:
    with Path("/dev/full").open("wb") as full:
        done = _run(argv, tmp_path, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == cli.EXIT_INPUT
    assert done.stderr.startswith(UNWRITABLE)
    assert len(done.stderr.splitlines()) == 1


def test_a_closed_stderr_leaves_the_answer_alone(tmp_path: Path) -> None:
    said = _run(["targets"], tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = _run(["targets"], tmp_path, stdout=subprocess.PIPE, **_closed(2))
    assert done.returncode == said.returncode == 0
    assert done.stdout == said.stdout
    # An error it cannot say still has its exit status, and nothing lands in the report.
    refused = _run(["check", "numpy>="], tmp_path, stdout=subprocess.PIPE, **_closed(2))
    assert refused.returncode == cli.EXIT_INPUT
    assert refused.stdout == b""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_stderr_leaves_the_answer_alone(tmp_path: Path) -> None:
    with Path("/dev/full").open("wb") as full:
        refused = _run(["check", "numpy>="], tmp_path, stdout=subprocess.PIPE, stderr=full)
    assert refused.returncode == cli.EXIT_INPUT
    assert refused.stdout == b""
