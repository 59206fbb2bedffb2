"""The hidden probe, ``wheelcast targets``: options that were read as something else.

``--tags -1`` was a slice's "all but the last" (358 kB of tags, exit 0) and ``-p ''``
was "no -p" (the host's Python, exit 0), ``diagnose -t ''`` was "no -t": each is now
one error line, exit 3.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from wheelcast.cli import main


@pytest.mark.parametrize(
    ("argv", "says"),
    [(["--tags", "-1"], "--tags -1: not a count"), (["-p", ""], "Python version")],
)
def test_one_error_line_exit_3(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    code = main(["targets", *argv], out)
    lines = capsys.readouterr().err.strip().splitlines()
    assert (code, len(lines), out.getvalue()) == (3, 1, ""), lines
    assert lines[0].startswith("wheelcast: error: ")
    assert says in lines[0]


def test_no_tags_is_still_a_listing(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert main(["targets", "--tags", "0", "-p", "3.12"], out) == 0
    assert "linux-x86_64" in out.getvalue()


def test_diagnose_with_an_empty_target_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "pip.log"  # was diagnosed with the log's own target, exit 0
    log.write_text("Collecting demo\nERROR: Failed building wheel for demo\n")
    argv = ["diagnose", str(log), "-t", "", "--no-index", "--cache-dir", str(tmp_path / "c")]
    code = main(argv, io.StringIO())
    lines = capsys.readouterr().err.strip().splitlines()
    assert (code, len(lines)) == (3, 1), lines
    assert "unknown target ''" in lines[0]


def test_notes_are_said_once_each_and_at_most_max_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A workflow of 100,000 jobs gave a note per job: 100,000 lines on stderr.
    from wheelcast.runtime.limits import MAX_NOTES, note_lines  # noqa: PLC0415

    assert note_lines(["a", "b", "a"]) == "wheelcast: note: a\nwheelcast: note: b\n"
    pins = tmp_path / ".python-version"
    # each line its own note (it names its line number)
    pins.write_text("3.12\n" + "system\n" * (MAX_NOTES + 50), encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("demo\n", encoding="utf-8")
    (tmp_path / "links").mkdir()
    monkeypatch.chdir(tmp_path)
    argv = ["check", "--python-version-file", str(pins), "--no-index", "-f", "links"]
    status = main(argv, io.StringIO())
    err = [line for line in capsys.readouterr().err.splitlines() if "note" in line]
    assert status == 2  # demo is on no index: missing
    assert len(err) == MAX_NOTES + 1
    # the 150 skipped lines, and the note saying where --python came from
    assert err[-1] == "wheelcast: note: and 51 more notes"
