"""Hostile and broken input files through the command line: one error line and exit 3,
or the answer pip would give; never a traceback, a hang or a flood of output."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tests.indexserver import IndexServer, build_wheel

from wheelcast.cache import replay
from wheelcast.cli import main
from wheelcast.inputs import read_lock, read_requirements
from wheelcast.runtime.limits import (
    MAX_GROUP_DEPTH,
    MAX_INCLUDE_DEPTH,
    MAX_INPUT_FILE_BYTES,
    MAX_INPUT_NESTING,
    MAX_SHOWN_CHARS,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "inputs" / "sample"


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The one error line of a command that must exit 3 (bad input)."""
    code = main(argv, io.StringIO())
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert code == 3, err[:500]
    assert len(lines) == 1, err[:500]
    assert lines[0].startswith("wheelcast: error: ")
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def links(tmp_path: Path) -> Path:
    folder = tmp_path / "links"
    folder.mkdir()
    build_wheel(folder, "alpha", "1.0")
    build_wheel(folder, "gamma", "1.0")
    return folder


def offline_check(links: Path, tmp_path: Path, *args: str) -> list[str]:
    return ["check", *args, "-t", "linux-x86_64", "-p", "3.12", "--no-index", "-f", str(links),
            "--cache-dir", str(tmp_path / "cache"), "--format", "json"]  # fmt: skip


def names(out: str) -> set[str]:
    return {p["name"] for r in json.loads(out)["results"] for p in r["packages"]}


class TestNesting:
    @pytest.mark.parametrize("depth", [MAX_INPUT_NESTING + 1, 100_000])
    def test_deep_toml_in_pyproject(
        self, depth: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "pyproject.toml"
        path.write_text(f"[project]\nname = 'x'\nx = {'[' * depth}{']' * depth}\n")
        line = refused(["check", str(path)], capsys)
        assert line == (
            f"wheelcast: error: {path}: nested deeper than {MAX_INPUT_NESTING} levels of arrays"
            " and tables (hint: check the file: no real project or lock file nests this deep)"
        )

    @pytest.mark.parametrize("depth", [MAX_INPUT_NESTING + 1, 100_000])
    def test_deep_json_in_pipfile_lock(
        self, depth: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "Pipfile.lock"
        path.write_text('{"_meta": {"pipfile-spec": 6}, "x": ' + "[" * depth + "]" * depth + "}")
        assert f"{path}: nested deeper than {MAX_INPUT_NESTING}" in refused(
            ["check", str(path)], capsys
        )

    def test_nesting_at_the_cap_is_read(self, tmp_path: Path) -> None:
        path = tmp_path / "pyproject.toml"
        depth = MAX_INPUT_NESTING - 2
        path.write_text(f"[project]\nname = 'x'\nx = {'[' * depth}{']' * depth}\n")
        from wheelcast.inputs import read_pyproject  # noqa: PLC0415

        assert read_pyproject(path).requirements == ()


# (lock file, text replaced, replacement, the error after "file:line: ")
WRONG_TYPES = [
    ("uv.lock", 'version = "4.16.0"', "version = 3", "'version' must be a string"),
    (
        "uv.lock",
        'dependencies = [\n    { name = "exceptiongroup"',
        'dependencies = "x"\nxx = [\n    { name = "exceptiongroup"',
        "dependencies must be an array of tables",
    ),
    (
        "uv.lock",
        'requires-python = ">=3.10"',
        "requires-python = 310",
        "'requires-python' must be a string",
    ),
    ("uv.lock", "sdist = { url", "sdist = 3\nxsdist = { url", "a file entry must be a table"),
    ("poetry.lock", 'groups = ["main"]', 'groups = "main"', "'groups' must be an array of strings"),
    (
        "pdm.lock",
        "strategy = [",
        "strategy = 3\nxstrategy = [",
        "'metadata.strategy' must be an array of strings",
    ),
    ("pylock.toml", "lock-version = ", "lock-version = 3\nxlock-version = ", "invalid pylock"),
]


class TestWrongTypes:
    @pytest.mark.parametrize("case", WRONG_TYPES, ids=[f"{c[0]}:{c[3]}" for c in WRONG_TYPES])
    def test_a_wrong_type_is_one_line(
        self, case: tuple[str, str, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        name, old, new, error = case
        text = (SAMPLE / name).read_text()
        assert old in text
        path = tmp_path / name
        path.write_text(text.replace(old, new, 1))
        line = refused(["check", str(path)], capsys)
        assert line.startswith(f"wheelcast: error: {path}:"), line
        assert error in line

    def test_package_as_a_table(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "uv.lock"
        path.write_text("version = 1\nrequires-python = '>=3.10'\n\n[package]\nname = 'x'\n")
        line = refused(["check", str(path)], capsys)
        assert line.startswith(f"wheelcast: error: {path}:4: 'package' must be an array of tables")

    @pytest.mark.parametrize(
        ("field", "value", "error"),
        [
            ("hashes", '"sha256:00"', "'hashes' must be an array of strings"),
            ("markers", "3", "'markers' must be a string"),
        ],
    )
    def test_pipfile_lock_entry(
        self, field: str, value: str, error: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:  # fmt: skip
        data = json.loads((SAMPLE / "Pipfile.lock").read_text())
        entry = next(iter(data["default"].values()))
        entry[field] = json.loads(value)
        path = tmp_path / "Pipfile.lock"
        path.write_text(json.dumps(data, indent=4))
        line = refused(["check", str(path)], capsys)
        assert line.startswith(f"wheelcast: error: {path}:")
        assert error in line


class TestChains:
    def chain(self, folder: Path, length: int) -> Path:
        for n in range(length):
            text = f"-r r{n + 1}.txt\n" if n + 1 < length else "alpha\n"
            (folder / f"r{n}.txt").write_text(text)
        return folder / "r0.txt"

    def test_an_include_chain_of_400_files(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        first = self.chain(tmp_path, 400)
        line = refused(["check", "-r", str(first)], capsys)
        assert line.startswith(f"wheelcast: error: {tmp_path / f'r{MAX_INCLUDE_DEPTH - 1}.txt'}:1:")
        assert f"includes nested deeper than {MAX_INCLUDE_DEPTH} files" in line

    def test_an_include_chain_at_the_cap_is_read(self, tmp_path: Path) -> None:
        first = self.chain(tmp_path, MAX_INCLUDE_DEPTH)
        project = read_requirements(first)
        assert [str(r.requirement) for r in project.requirements] == ["alpha"]

    def test_an_include_cycle_is_named(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (tmp_path / "a.txt").write_text("-r b.txt\n")
        (tmp_path / "b.txt").write_text("alpha\n-r a.txt\n")
        line = refused(["check", "-r", str(tmp_path / "a.txt")], capsys)
        assert f"{tmp_path / 'b.txt'}:2: include cycle: a.txt -> b.txt -> a.txt" in line

    def groups(self, tmp_path: Path, length: int, *, cycle: bool = False) -> Path:
        lines = ["[project]", "name = 'x'", "[dependency-groups]"]
        for n in range(length):
            last = "'alpha'" if not cycle else "{include-group = 'g0'}"
            entry = f"{{include-group = 'g{n + 1}'}}" if n + 1 < length else last
            lines.append(f"g{n} = [{entry}]")
        path = tmp_path / "pyproject.toml"
        path.write_text("\n".join(lines) + "\n")
        return path

    def test_a_group_chain_of_1500(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = self.groups(tmp_path, 1500)
        line = refused(["check", str(path), "--group", "g0"], capsys)
        assert f"include each other deeper than {MAX_GROUP_DEPTH} levels" in line
        assert line.startswith(f"wheelcast: error: {path}:")

    def test_a_group_cycle_is_named(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = self.groups(tmp_path, 3, cycle=True)
        line = refused(["check", str(path), "--group", "g0"], capsys)
        assert "dependency group cycle: g0 -> g1 -> g2 -> g0" in line

    def test_a_group_chain_at_the_cap_is_read(self, tmp_path: Path) -> None:
        from wheelcast.inputs import read_pyproject  # noqa: PLC0415

        path = self.groups(tmp_path, MAX_GROUP_DEPTH)
        found = read_pyproject(path, groups=["g0"]).requirements
        assert [str(r.requirement) for r in found] == ["alpha"]


class TestArguments:
    MARKER = "alpha; " + " and ".join(["python_version >= '3.8'"] * 11)

    def test_a_long_marker_argument_is_a_requirement(self, links: Path, tmp_path: Path) -> None:
        assert len(self.MARKER.encode()) > 255
        out = io.StringIO()
        assert main(offline_check(links, tmp_path, self.MARKER), out) == 0
        assert names(out.getvalue()) == {"alpha"}

    @pytest.mark.parametrize("text", ["a" * 300, "a\x00b"])
    def test_a_name_no_file_can_have_is_an_invalid_requirement(
        self, text: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        line = refused(["check", text + "!"], capsys)
        assert line.startswith("wheelcast: error: invalid requirement '")

    def test_a_long_path_argument_is_one_line(self, capsys: pytest.CaptureFixture[str]) -> None:
        line = refused(["check", "./" + "a" * 300], capsys)
        assert "not a usable file or folder name" in line or "no such file" in line
        assert len(line) < 2 * MAX_SHOWN_CHARS + 200


class TestFiles:
    def test_dev_zero_is_refused_at_the_cap(self, capsys: pytest.CaptureFixture[str]) -> None:
        line = refused(["check", "-r", "/dev/zero"], capsys)
        assert line == (
            f"wheelcast: error: '/dev/zero' is larger than {MAX_INPUT_FILE_BYTES} bytes"
            f" (hint: check the path: input files are read up to {MAX_INPUT_FILE_BYTES >> 20} MiB)"
        )

    def test_a_file_over_the_cap_is_refused(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "requirements.txt"
        with path.open("wb") as handle:
            handle.truncate(MAX_INPUT_FILE_BYTES + 1)
        assert "is larger than" in refused(["check", "-r", str(path)], capsys)

    def test_a_folder_given_as_a_requirements_file(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        line = refused(["check", "-r", str(tmp_path)], capsys)
        assert line.startswith(f"wheelcast: error: cannot read '{tmp_path}': Is a directory")

    def test_a_bom_is_stripped_as_pip_does(self, links: Path, tmp_path: Path) -> None:
        path = tmp_path / "requirements.txt"
        path.write_bytes("\ufeffalpha\ngamma\n".encode())
        out = io.StringIO()
        assert main(offline_check(links, tmp_path, "-r", str(path)), out) == 0
        assert names(out.getvalue()) == {"alpha", "gamma"}

    @pytest.mark.parametrize("size", [100_000, 10_000_000])
    def test_a_huge_line_is_quoted_cut(
        self, size: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "requirements.txt"
        path.write_text("alpha\n" + "b" * size + "!\n")
        line = refused(["check", "-r", str(path)], capsys)
        assert line.startswith(f"wheelcast: error: {path}:2: invalid requirement 'bbbb")
        assert f"... ({size + 1 - MAX_SHOWN_CHARS} more characters)" in line
        assert len(line) < 3 * MAX_SHOWN_CHARS + 300


class TestPipes:
    def test_a_fifo_makes_the_answer_not_replayable(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        """The replay check never opens a pipe: that would take what the run needs (and
        block with no writer)."""
        fifo = tmp_path / "fifo"
        os.mkfifo(fifo)
        command = ["check", "-r", str(fifo), "-t", "win-arm64", "-p", "3.12",
                   "--index-url", index_server.url, "--cache-dir", str(tmp_path / "cache"),
                   "--no-build-needs", "--format", "json"]  # fmt: skip
        writer = threading.Thread(target=fifo.write_text, args=("requests\n",), daemon=True)
        writer.start()
        out = io.StringIO()
        assert main(command, out) == 0
        assert "requests" in names(out.getvalue())
        result: list[object] = []
        checker = threading.Thread(
            target=lambda: result.append(replay.replay(command, out=io.StringIO(),
                                                       err=io.StringIO())),
            daemon=True,
        )  # fmt: skip
        checker.start()
        checker.join(10)
        if checker.is_alive():  # unblock the open() of the old behaviour, then fail
            fifo.write_text("")
        assert result == [None]

    def test_dev_stdin_twice_with_different_input(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        command = [sys.executable, "-m", "wheelcast", "check", "-r", "/dev/stdin",
                   "-t", "win-arm64", "-p", "3.12", "--index-url", index_server.url,
                   "--cache-dir", str(tmp_path / "cache"), "--no-build-needs",
                   "--format", "json"]  # fmt: skip
        found = []
        for text in ("requests\n", "attrs\n"):
            done = subprocess.run(
                command, input=text, capture_output=True, text=True, env=env, check=False,
                timeout=120,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
            found.append(names(done.stdout))
        assert "requests" in found[0]
        assert found[1] == {"attrs"}


class TestManyEntries:
    """Lines are found in one pass: many entries take linear time, not quadratic."""

    COUNT = 20_000

    def test_a_pyproject_with_many_dependencies(self, tmp_path: Path) -> None:
        from wheelcast.inputs import read_pyproject  # noqa: PLC0415

        path = tmp_path / "pyproject.toml"
        deps = "".join(f'  "p{n}>=1",\n' for n in range(self.COUNT))
        path.write_text(f"[project]\nname = 'x'\ndependencies = [\n{deps}]\n")
        started = time.monotonic()
        found = read_pyproject(path).requirements
        assert time.monotonic() - started < 10  # quadratic: minutes
        assert len(found) == self.COUNT
        assert found[-1].origin.line == self.COUNT + 3

    def test_a_pipfile_lock_with_many_entries(self, tmp_path: Path) -> None:
        default = {f"p{n}": {"version": "==1.0", "hashes": []} for n in range(self.COUNT)}
        path = tmp_path / "Pipfile.lock"
        path.write_text(json.dumps({"_meta": {"pipfile-spec": 6}, "default": default}, indent=4))
        started = time.monotonic()
        found = read_lock(path).locked
        assert time.monotonic() - started < 10
        assert len(found) == self.COUNT
        assert path.read_text().splitlines()[found[-1].origin.line - 1].strip() == (
            f'"p{self.COUNT - 1}": {{'
        )


class TestWorkspace:
    def test_a_workspace_lock_with_members_of_a_wrong_type(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (tmp_path / "uv.lock").write_text("version = 1\n\n[manifest]\nmembers = 3\n")
        member = tmp_path / "member"
        member.mkdir()
        (member / "pyproject.toml").write_text("[project]\nname = 'member'\n")
        line = refused(["check", str(member)], capsys)
        assert line.startswith(
            f"wheelcast: error: {tmp_path / 'uv.lock'}:4: 'manifest.members' must be an array"
        )


class TestPipeOnce:
    def test_a_pipe_read_twice_in_a_run_gives_its_bytes_both_times(self) -> None:
        from wheelcast.runtime.witness import logging_reads  # noqa: PLC0415

        read, write = os.pipe()
        os.write(write, b"alpha\n")
        os.close(write)
        try:
            path = Path(f"/dev/fd/{read}")
            with logging_reads() as log:
                first = read_requirements(path).requirements
                second = read_requirements(path).requirements
            assert [str(r.requirement) for r in first] == ["alpha"]
            assert [str(r.requirement) for r in second] == ["alpha"]
            assert [o[2] for o in log.observations] == ["!unrepeatable"]
        finally:
            os.close(read)
