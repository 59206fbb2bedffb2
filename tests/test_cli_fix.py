"""``wheelcast fix`` end to end, against the index recorded for it (tests/data/index/fix).

The bar of issue 19: on Windows on Arm with CPython 3.12, as of 2025-07-01, plain numpy
is kept on the releases with a win_arm64 wheel (numpy>=2.3.0) and thinc==8.3.2's numpy
cap is named; as of 2026-12-01, thinc's pin moves to 8.3.10 and plain thinc is held
below 9.0.0.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import IndexServer

from wheelcast.cli import main

FIX_INDEX = Path(__file__).parent / "data" / "index" / "fix"
ARM = ["--target", "win-arm64", "--python", "3.12"]


@pytest.fixture(scope="module")
def fix_index() -> Iterator[IndexServer]:
    with IndexServer(FIX_INDEX / "pages", FIX_INDEX / "metadata") as server:
        yield server


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(argv, out)
    return code, out.getvalue(), capsys.readouterr().err


def fix(server: IndexServer, cache: Path, *args: str, date: str = "2025-07-01") -> list[str]:
    return ["fix", *args, *ARM, "--exclude-newer", date, "-i", server.url,
            "--cache-dir", str(cache)]  # fmt: skip


class TestNumpyOnWindowsOnArm:
    def test_proposes_the_first_release_with_a_wheel_and_rechecks(
        self, fix_index: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(fix(fix_index, tmp_path, "numpy"), capsys)
        assert (code, err) == (0, "")
        assert "numpy>=2.3.0" in out
        assert "numpy 2.2.6, the release before 2.3.0, has no cp312 win_arm64 wheel" in out
        assert "requirement: numpy  ->  numpy>=2.3.0" in out
        assert out.splitlines()[-1] == "with these changes: 0 builds on 1 target"

    def test_writes_the_constraints_file(
        self, fix_index: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        target = tmp_path / "constraints.txt"
        code, out, _ = run([*fix(fix_index, tmp_path, "numpy"), "-o", str(target)], capsys)
        assert code == 0
        lines = [line.split("#")[0].strip() for line in target.read_text().splitlines()]
        assert [line for line in lines if line] == ["numpy>=2.3.0"]
        assert f"constraints ({target})" in out

    def test_json(
        self, fix_index: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run([*fix(fix_index, tmp_path, "numpy"), "--format", "json"], capsys)
        doc = json.loads(out)
        assert code == 0
        assert doc["schema"] == "wheelcast.fix/1"
        assert [(c["name"], c["kind"], c["constraint"]) for c in doc["changes"]] == [
            ("numpy", "keep", "numpy>=2.3.0")
        ]
        assert doc["edits"] == [{"kind": "requirement", "before": "numpy", "after": "numpy>=2.3.0"}]
        assert doc["recheck"] == {"builds": 0, "targets": 1}


class TestThincOnWindowsOnArm:
    def test_names_the_numpy_cap(
        self, fix_index: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(fix(fix_index, tmp_path, "thinc==8.3.2"), capsys)
        assert code == 1  # no release before the cutoff has a win_arm64 wheel of thinc
        assert (
            "thinc 8.3.2 requires numpy<2.1.0, and no numpy below 2.1.0 has a cp312"
            " win_arm64 wheel (2.3.0 is the nearest that has" in out
        )
        assert (
            "no thinc release before the --exclude-newer cutoff has a cp312 win_arm64 wheel" in out
        )

    def test_what_stays_a_build_gets_emulation_the_toolchain_and_the_command(
        self, fix_index: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(fix(fix_index, tmp_path, "thinc==8.3.2"), capsys)
        assert code == 1
        assert "instead: under x64 emulation (py -3.12-64): " in out
        assert "thinc 8.3.2" in out.split("instead: under x64 emulation")[1].splitlines()[0]
        # The recorded index holds no sdists: what a build needs is said to be unknown
        # (tests/forecast/test_fix.py reads one and names the MSVC ARM64 tools).
        assert "to build thinc:\n    what its build needs is unknown" in out
        assert "then: py -3.12 -m pip install thinc==8.3.2" in out
        assert out.splitlines()[-1].startswith("as it stands: 7 builds on 1 target")

    def test_json_carries_the_blocker(
        self, fix_index: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run([*fix(fix_index, tmp_path, "thinc==8.3.2"), "--format", "json"], capsys)
        target: dict[str, Any] = json.loads(out)["targets"][0]
        caps = [b for b in target["blockers"] if b["package"] == "numpy"]
        assert [(b["by"], b["requirement"]) for b in caps] == [("thinc 8.3.2", "numpy<2.1.0")]
        assert target["emulation"]["command"] == "py -3.12-64"
        assert target["emulation"]["wheels"]["numpy"] == "2.0.2"
        assert target["fixed"] is False

    def test_later_the_pin_moves_to_the_nearest_release_with_wheels(
        self, fix_index: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(fix(fix_index, tmp_path, "thinc==8.3.2", date="2026-12-01"), capsys)
        assert code == 0
        assert "thinc==8.3.10 is the nearest release that installs from wheels" in out
        assert "requirement: thinc==8.3.2  ->  thinc==8.3.10" in out
        assert out.splitlines()[-1] == "with these changes: 0 builds on 1 target"

    def test_plain_thinc_is_held_back_and_says_what_that_costs(
        self, fix_index: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(fix(fix_index, tmp_path, "thinc", date="2026-12-01"), capsys)
        assert code == 0
        assert "lower thinc: thinc<9.0.0" in out
        assert "8.3.14 is the newest release that has" in out
        assert "cost: 3 releases back (9.0.0 to 9.1.1)" in out
        assert "raise blis: blis>=1.3.4" in out
        assert out.splitlines()[-1] == "with these changes: 0 builds on 1 target"


class TestBadInput:
    def test_nothing_to_fix_is_one_line_and_exit_3(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        (tmp_path / "requirements.txt").write_text("# nothing\n")
        code, _, err = run(["fix", "requirements.txt", *ARM], capsys)
        assert code == 3
        assert err.count("\n") == 1
        assert "nothing to fix" in err

    def test_only_a_direct_reference_is_said_to_be_one(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # It read "nothing to fix in <command line>", as if no requirement had been given.
        url = "https://user:TOKEN@files.invalid/demo-1.0.tar.gz"
        code, _, err = run(["fix", f"demo @ {url}", *ARM], capsys)
        assert code == 3
        assert err.count("\n") == 1
        assert "nothing to fix: demo: a direct reference, which pip builds from its URL" in err
        assert "TOKEN" not in err

    def test_a_constraints_file_that_cannot_be_written(
        self, fix_index: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        where = tmp_path / "missing" / "constraints.txt"
        code, _, err = run([*fix(fix_index, tmp_path, "numpy"), "-o", str(where)], capsys)
        assert code == 3
        assert err.count("\n") == 1
        assert "cannot write the constraints to" in err

    def test_an_unknown_target(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(["fix", "numpy", "--target", "win-sparc"], capsys)
        assert code == 3
        assert err.count("\n") == 1
