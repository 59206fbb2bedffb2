"""wheelcast explain against the recorded index on 127.0.0.1."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import IndexServer

from wheelcast.cli import main

SEED = ["--target", "win-arm64", "--python", "3.12"]


def explain_json(
    server: IndexServer, cache: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = main(
        ["explain", *args, "-i", server.url, "--cache-dir", str(cache), "--format", "json"], out
    )
    assert capsys.readouterr().err == ""
    return code, json.loads(out.getvalue())


class TestSeedCase:
    def test_with_the_date_numpy_126_2_is_built_and_nothing_had_a_wheel(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, doc = explain_json(
            index_server, tmp_path, capsys, "numpy", *SEED, "--exclude-newer", "2023-11-20"
        )
        assert code == 1
        assert doc["schema"] == "wheelcast.explain/1"
        assert doc["package"]["version"] == "1.26.2"
        assert doc["package"]["verdict"] == "build"
        files = doc["files"]
        chosen = [f["filename"] for f in files if f["chosen"]]
        assert chosen == ["numpy-1.26.2.tar.gz"]
        misses = [f for f in files if not f["fits"]]
        # Every file is listed with a reason, the closest miss first: the x64 wheel.
        assert misses[0]["filename"] == "numpy-1.26.2-cp312-cp312-win_amd64.whl"
        assert misses[0]["reason"] == "platform"
        assert {f["reason"] for f in misses} >= {"platform", "python-tag"}
        assert all(f["detail"] for f in misses)
        assert "win_amd64" in doc["other_platforms"]
        # No version up to the cutoff had a cp312 win_arm64 wheel.
        assert doc["newer_wheel"] is None
        assert doc["older_wheel"] is None
        assert doc["first_wheel"] is None
        assert doc["skipped"][0]["why"] == "uploaded after the --exclude-newer cutoff"
        assert "numpy-1.26.2-cp312-cp312-win_amd64.whl" in doc["emulation"]

    def test_without_the_date_the_first_version_with_a_wheel_is_named(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, doc = explain_json(index_server, tmp_path, capsys, "numpy<2", *SEED)
        assert code == 1
        assert doc["package"]["verdict"] == "build"
        assert doc["newer_wheel"]["version"] == "2.3.0"
        assert doc["newer_wheel"]["satisfies_requirements"] is False
        assert doc["first_wheel"]["version"] == "2.3.0"  # not 2.3.0rc1: no --pre
        assert doc["skipped"][0]["why"] == "excluded by '<2'"

    def test_a_binary_pick_lists_the_chosen_wheel_first(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, doc = explain_json(index_server, tmp_path, capsys, "numpy", *SEED)
        assert code == 0
        first = doc["files"][0]
        assert first["chosen"]
        assert first["tag"] == "cp312-cp312-win_arm64"
        assert first["priority"] == 0
        assert doc["emulation"] is None
        assert doc["other_platforms"] == []

    def test_text(self, index_server: IndexServer, tmp_path: Path) -> None:
        out = io.StringIO()
        code = main(
            ["explain", "numpy", *SEED, "--exclude-newer", "2023-11-20",
             "-i", index_server.url, "--cache-dir", str(tmp_path)],
            out,
        )  # fmt: skip
        text = out.getvalue()
        assert code == 1
        assert "pip picks numpy 1.26.2: numpy-1.26.2.tar.gz" in text
        assert "has no wheel for cp312-win_arm64" in text
        assert "pip's pick" in text


class TestEdges:
    def test_a_marker_for_another_platform(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, doc = explain_json(
            index_server, tmp_path, capsys, "numpy; sys_platform == 'darwin'", *SEED
        )
        assert code == 0
        assert doc["package"] is None
        assert "marker" in doc["why"]

    def test_more_than_one_target_is_bad_input(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code = main(["explain", "numpy", "-t", "win-arm64", "-t", "win-amd64", "-p", "3.12",
                     "--cache-dir", str(tmp_path)], io.StringIO())  # fmt: skip
        assert code == 3
        assert "exactly one target" in capsys.readouterr().err
