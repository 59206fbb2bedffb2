"""Windows on Arm side by side: check's text summary says what the x64 interpreter under
emulation installs from wheels instead, only where that changes something."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from tests.indexserver import IndexServer

from wheelcast.cli import main


def check(server: IndexServer, cache: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["check", *args, "-i", server.url, "--cache-dir", str(cache)], out)
    return code, out.getvalue()


def test_the_seed_build_has_a_wheel_under_x64_emulation(
    index_server: IndexServer, tmp_path: Path
) -> None:
    code, out = check(index_server, tmp_path, "numpy==1.26.2", "-t", "win-arm64", "-p", "3.12",
                      "--exclude-newer", "2023-11-20")  # fmt: skip
    assert code == 1
    lines = out.splitlines()
    summary = next(i for i, line in enumerate(lines) if line.startswith("win-arm64 (cp312)"))
    assert lines[summary + 1] == "  under x64 emulation (py -3.12-64): numpy 1.26.2 from a wheel"


def test_beside_an_x64_target_of_the_run_too(index_server: IndexServer, tmp_path: Path) -> None:
    code, out = check(index_server, tmp_path, "numpy==1.26.2", "-t", "win-arm64",
                      "-t", "win-amd64", "-p", "3.12", "--exclude-newer", "2023-11-20")  # fmt: skip
    assert code == 1
    assert out.count("under x64 emulation") == 1  # for the Arm target only


@pytest.mark.parametrize(
    "args",
    [
        # a wheel natively: emulation changes nothing
        ("numpy", "-t", "win-arm64", "-p", "3.12", "--exclude-newer", "2025-07-01"),
        # not Windows on Arm
        ("numpy==1.26.2", "-t", "win-amd64", "-p", "3.12", "--exclude-newer", "2023-11-20"),
    ],
)
def test_said_only_where_it_changes_something(
    index_server: IndexServer, tmp_path: Path, args: tuple[str, ...]
) -> None:
    _, out = check(index_server, tmp_path, *args)
    assert "emulation" not in out


def test_not_in_json(index_server: IndexServer, tmp_path: Path) -> None:
    _, out = check(index_server, tmp_path, "numpy==1.26.2", "-t", "win-arm64", "-p", "3.12",
                   "--exclude-newer", "2023-11-20", "--format", "json")  # fmt: skip
    assert "emulation" not in out


def test_a_fault_beside_the_answer_does_not_fail_it(
    index_server: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wheelcast.errors import OfflineMiss  # noqa: PLC0415
    from wheelcast.forecast import emulation  # noqa: PLC0415

    def offline(*_: object, **__: object) -> None:
        raise OfflineMiss("not cached: numpy", "run once online")

    monkeypatch.setattr(emulation, "emulations", offline)
    code, out = check(index_server, tmp_path, "numpy==1.26.2", "-t", "win-arm64", "-p", "3.12",
                      "--exclude-newer", "2023-11-20")  # fmt: skip
    assert code == 1
    assert "win-arm64 (cp312): 1 needs a build (numpy)" in out
    assert "emulation" not in out
