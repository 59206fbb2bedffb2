"""The hidden probe, ``scan --projects FILE``: a list file is read as every input file is.

It was read whole with ``Path.read_text`` (``/dev/zero`` until killed) and parsed with
csv's errors uncaught (a field over csv's 128 KiB limit was an internal error).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from wheelcast.cli import main
from wheelcast.errors import InvalidInputFile
from wheelcast.scan.project_list import read_project_list


class TestProjectListFile:
    def test_a_device_that_never_ends_is_refused_at_the_cap(self) -> None:
        with pytest.raises(InvalidInputFile, match="is larger than"):
            read_project_list(Path("/dev/zero"))

    def test_a_field_over_csv_s_limit_is_one_error(self, tmp_path: Path) -> None:
        path = tmp_path / "projects.csv"
        path.write_text("project\n" + "a" * 200_000 + "\n")
        with pytest.raises(InvalidInputFile, match="not a CSV file: field larger than"):
            read_project_list(path)

    def test_a_bad_row_is_quoted_shortly(self, tmp_path: Path) -> None:
        path = tmp_path / "projects.csv"
        path.write_text("project,rank\n" + "b" * 100_000 + ",x\n")
        with pytest.raises(InvalidInputFile) as caught:
            read_project_list(path)
        assert len(str(caught.value)) < 1000

    def test_the_cli_gives_one_line_exit_3(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "projects.csv"
        path.write_text("project\n" + "a" * 200_000 + "\n")
        argv = ["scan", "--projects", str(path), "--no-index", "-p", "3.12"]
        code = main([*argv, "--db", str(tmp_path / "s.duckdb")], io.StringIO())
        lines = capsys.readouterr().err.strip().splitlines()
        assert (code, len(lines)) == (3, 1), lines
        assert lines[0].startswith("wheelcast: error: ")
