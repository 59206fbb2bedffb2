"""``wheelcast diagnose LOG | -``: exit codes, stdin, unreadable and unrecognisable input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from tests.indexserver import IndexServer

from wheelcast.cli import main
from wheelcast.runtime.limits import MAX_LOG_BYTES

LOGS = Path(__file__).parent.parent / "data" / "logs"
SEED = LOGS / "seed-numpy-win-arm64.txt"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(argv, out)
    return code, out.getvalue(), capsys.readouterr().err


def index_args(server: IndexServer, cache: Path) -> list[str]:
    return ["-i", server.url, "--cache-dir", str(cache)]


def test_a_file_is_diagnosed_with_exit_0(
    index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "diagnose",
        str(SEED),
        "--exclude-newer",
        "2025-07-01",
        *index_args(index_server, tmp_path),
    ]
    code, out, err = run(argv, capsys)
    assert (code, err) == (0, "")
    assert "numpy 1.26.2" in out
    assert "numpy>=2.3.0" in out
    assert "MSVC ARM64 build tools" in out


def test_stdin_and_json(
    index_server: IndexServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = SEED.read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    argv = ["diagnose", "-", "--format", "json", *index_args(index_server, tmp_path)]
    code, out, _ = run(argv, capsys)
    assert code == 0
    document = json.loads(out)
    assert document["schema"] == "wheelcast.diagnose/1"
    assert document["target"] == "win-arm64@3.12"
    assert document["forecast"]["newer_wheel"] == "2.3.0"


def test_the_target_option(
    index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = LOGS / "psycopg2-pg-config-linux.txt"
    argv = ["diagnose", str(log), "--target", "linux-x86_64@3.12", "--format", "json",
            *index_args(index_server, tmp_path)]  # fmt: skip
    code, out, _ = run(argv, capsys)
    assert code == 0
    assert json.loads(out)["target"] == "linux-x86_64@3.12"


def test_an_unreadable_file_is_one_line_and_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.txt"
    code, out, err = run(["diagnose", str(missing)], capsys)
    assert code == 3
    assert out == ""
    assert err.count("\n") == 1
    assert str(missing) in err
    assert "cannot read" in err


def test_a_folder_is_unreadable_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["diagnose", str(tmp_path)], capsys)
    assert code == 3
    assert err.count("\n") == 1


def test_nothing_recognisable_is_one_line_and_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("Successfully installed numpy-2.3.0\nall good\n", encoding="utf-8")
    code, out, err = run(["diagnose", str(junk), "--format", "json"], capsys)
    assert code == 3
    assert err.count("\n") == 1
    assert str(junk) in err
    assert json.loads(out)["error"]["kind"] == "unrecognised-log"


def test_a_file_over_the_cap_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as file:
        file.truncate(MAX_LOG_BYTES + 1)
    code, _, err = run(["diagnose", str(big)], capsys)
    assert code == 3
    assert "16 MiB" in err


def test_an_index_error_is_exit_4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # --offline with an empty cache: the re-forecast cannot be answered.
    code, _, err = run(["diagnose", str(SEED), "--offline", "--cache-dir", str(tmp_path)], capsys)
    assert code == 4
    assert err.count("\n") == 1


def test_a_bad_date_is_exit_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["diagnose", str(SEED), "--exclude-newer", "yesterday"], capsys)
    assert code == 3
    assert "--exclude-newer" in err
