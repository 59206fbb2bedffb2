"""A reader that goes away (``wheelcast ... | head``): exit 141 quietly, never a traceback."""

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
