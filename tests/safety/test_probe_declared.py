"""The hidden probe, declared targets: hostile GitHub workflows given to ``--github-actions``.

A workflow is YAML, and YAML aliases let a 400-byte file load as hundreds of millions of
values (nine anchors of nine aliases each): walking them for runs-on, python-version,
the matrix or a container took all memory (an internal error, or killed). Each case runs
the CLI in a child process whose address space is capped, and asserts one error line,
exit 3, in seconds, with the child's own peak memory (``os.wait4``) bounded.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from wheelcast.errors import InvalidInputFile
from wheelcast.runtime.limits import MAX_EXPANDED_CHARS, MAX_YAML_ALIAS_VALUES
from wheelcast.targets.declared.dockerfile import dockerfile_targets
from wheelcast.targets.declared.workflow import _EXPRESSION, workflow_targets

MEMORY_CAP = 1024 * 1024 * 1024  # the child's address space: a bomb fails, never swaps

LAUGHS = 'l0: &l0 ["3.12","3.12","3.12","3.12","3.12","3.12","3.12","3.12","3.12"]\n' + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10)
)
SETUP = "    steps:\n      - uses: actions/setup-python@v5\n        with:\n"
BOMBS = {
    "python-version": f"  t:\n    runs-on: ubuntu-24.04\n{SETUP}          python-version: *l9\n",
    "runs-on": f"  t:\n    runs-on: *l9\n{SETUP}          python-version: '3.12'\n",
    "matrix value": (
        "  t:\n    runs-on: ubuntu-24.04\n    strategy:\n      matrix:\n        py: {a: *l9}\n"
        f"{SETUP}          python-version: '3.12'\n"
    ),
    "matrix exclude": (
        "  t:\n    runs-on: ubuntu-24.04\n    strategy:\n      matrix:\n"
        "        py: [*l9, *l9]\n        exclude: [{py: *l9}]\n"
        f"{SETUP}          python-version: '3.12'\n"
    ),
    "container": (
        f"  t:\n    runs-on: ubuntu-24.04\n    container: {{image: *l9}}\n"
        f"{SETUP}          python-version: '3.12'\n"
    ),
    "matrix expression": (
        "  t:\n    runs-on: ubuntu-24.04\n    strategy:\n      matrix:\n        py: [*l9]\n"
        f"{SETUP}          python-version: ${{{{ matrix.py }}}}\n"
    ),
}


def capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def one_capped_error_line(argv: list[str], tmp_path: Path) -> str:
    """Run the CLI in a child capped at MEMORY_CAP: one error line, exit 3, in seconds,
    the child's peak memory bounded."""
    start = time.monotonic()
    err = tmp_path / "stderr"
    with err.open("wb") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-m", "wheelcast", *argv, "--cache-dir", str(tmp_path / "c")],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            preexec_fn=capped,  # noqa: PLW1509 - the timer thread starts after the fork
        )
        killer = threading.Timer(120, child.kill)  # never a hang, whatever the code does
        killer.start()
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak memory
        killer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    lines = err.read_text().strip().splitlines()
    assert (child.returncode, len(lines)) == (3, 1), lines[-5:]
    assert time.monotonic() - start < 30
    assert usage.ru_maxrss < 300 * 1024  # KiB
    return lines[0]


class TestAliasBombs:
    @pytest.mark.parametrize("body", list(BOMBS.values()), ids=list(BOMBS))
    def test_one_error_line_exit_3_memory_bounded(self, body: str, tmp_path: Path) -> None:
        workflow = tmp_path / "ci.yml"
        workflow.write_text(LAUGHS + "jobs:\n" + body)
        argv = ["check", "demo", "--no-index", "--github-actions", str(workflow)]
        assert "alias bomb" in one_capped_error_line(argv, tmp_path)

    def test_aliases_a_real_workflow_uses_are_read(self) -> None:
        text = (
            "x-setup: &setup\n  uses: actions/setup-python@v5\n  with: {python-version: '3.12'}\n"
            "jobs:\n  a: {runs-on: ubuntu-24.04, steps: [*setup]}\n"
            "  b: {runs-on: windows-2025, steps: [*setup]}\n"
        )
        found = workflow_targets(text)
        assert [(t.name, t.python.short) for t in found.targets] == [
            ("ubuntu-24.04", "3.12"),
            ("windows-2025", "3.12"),
        ]

    def test_the_cap_counts_what_an_alias_stands_for_inside_the_jobs(self) -> None:
        items = ", ".join(["1"] * 1000)
        aliases = ", ".join(["*big"] * (MAX_YAML_ALIAS_VALUES // 1000 + 3))
        text = f"x: &big [{items}]\njobs:\n  t: {{runs-on: ubuntu-24.04, env: [{aliases}]}}\n"
        with pytest.raises(InvalidInputFile, match="alias bomb"):
            workflow_targets(text)
        fewer = ", ".join(["*big"] * (MAX_YAML_ALIAS_VALUES // 1000 - 3))
        text = f"x: &big [{items}]\njobs:\n  t: {{runs-on: ubuntu-24.04, env: [{fewer}]}}\n"
        with pytest.raises(InvalidInputFile, match="no job sets up"):
            workflow_targets(text)


class TestExpressions:
    def test_many_unclosed_expressions_are_scanned_in_linear_time(self) -> None:
        value = "${{ matrix" * 20_000  # each '${{' rescanned the rest: ~20 s before
        start = time.perf_counter()
        assert _EXPRESSION.search(value) is None
        assert time.perf_counter() - start < 1

    def test_an_expression_is_still_found_whole(self) -> None:
        found = _EXPRESSION.search("py-${{ matrix.python-version }}-x")
        assert found is not None
        assert found[1] == " matrix.python-version "


class TestDockerfileSubstitutions:
    def test_doubling_args_are_one_error_line_memory_bounded(self, tmp_path: Path) -> None:
        doubling = "".join(f"ARG A{i}=${{A{i - 1}}}${{A{i - 1}}}\n" for i in range(1, 41))
        dockerfile = tmp_path / "Dockerfile"
        dockerfile.write_text("ARG A0=python\n" + doubling + "FROM ${A40}:3.12\n")
        argv = ["check", "demo", "--no-index", "--dockerfile", str(dockerfile)]
        line = one_capped_error_line(argv, tmp_path)
        assert f"expands to more than {MAX_EXPANDED_CHARS:,} characters" in line

    def test_a_long_value_under_the_cap_is_read(self) -> None:
        text = "ARG PAD=" + "x" * 1000 + "\nARG TAG=3.12\nFROM python:${TAG}\n"
        assert [t.python.short for t in dockerfile_targets(text).targets] == ["3.12"]


class TestPythonVersions:
    def test_a_long_run_of_digits_is_one_error_in_linear_time(self) -> None:
        text = (
            "jobs:\n  t:\n    runs-on: ubuntu-24.04\n"
            f"{SETUP}          python-version: '{'1' * 20_000}'\n"
        )
        start = time.perf_counter()
        with pytest.raises(InvalidInputFile, match="is no CPython wheelcast knows"):
            workflow_targets(text)
        assert time.perf_counter() - start < 1  # ~4 s before, and quadratic
