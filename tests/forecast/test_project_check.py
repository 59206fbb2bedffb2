"""wheelcast check on project files: requirements, pyproject and lock files of one project."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from tests.indexserver import IndexServer

from wheelcast.cli import main

SAMPLE = Path(__file__).parent.parent / "data" / "inputs" / "sample"
TARGETS = ["linux-x86_64", "win-amd64", "win-arm64", "macos-arm64"]


def check(
    server: IndexServer, cache: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, dict[str, tuple[str | None, str]]], dict[str, Any]]:
    argv = ["check", *args, "-p", "3.12", "-i", server.url, "--cache-dir", str(cache)]
    argv += [f"--target={t}" for t in TARGETS]
    out = io.StringIO()
    code = main([*argv, "--format", "json", "--no-build-needs"], out)
    capsys.readouterr()
    doc = json.loads(out.getvalue())
    verdicts = {
        r["target"]: {p["name"]: (p["version"], p["verdict"]) for p in r["packages"]}
        for r in doc["results"]
    }
    return code, verdicts, doc


class TestSameProjectThreeWays:
    def test_requirements_pyproject_and_uv_lock_agree(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        requirements = tmp_path / "requirements.txt"
        requirements.write_text("requests\nrich>=13  # a comment\nuvicorn[standard]\n")
        _, from_requirements, _ = check(index_server, tmp_path / "c", capsys, str(requirements))
        _, from_pyproject, _ = check(
            index_server, tmp_path / "c", capsys, str(SAMPLE / "pyproject.toml")
        )
        code, from_lock, doc = check(index_server, tmp_path / "c", capsys, str(SAMPLE / "uv.lock"))
        assert code == 0
        assert from_requirements == from_pyproject == from_lock
        assert len(from_lock["linux-x86_64@3.12"]) >= 15
        # uvloop is in the lock for every platform but only installed where its marker holds.
        assert "uvloop" in from_lock["linux-x86_64@3.12"]
        assert "uvloop" not in from_lock["win-amd64@3.12"]
        sources = {p["source"] for r in doc["results"] for p in r["packages"]}
        assert sources == {"uv.lock"}


class TestEachLockFormat:
    @pytest.mark.parametrize(
        ("name", "pyyaml", "code"),
        [
            ("uv.lock", "binary", 0),
            # pip lock records only the wheels of the host it ran on (CPython 3.11 here).
            ("pylock.toml", "missing", 2),
            # uv's export also installs the project itself from '.': a direct reference.
            ("pylock.uv.toml", "binary", 1),
            ("poetry.lock", "binary", 0),
            ("pdm.lock", "binary", 0),
            # pipenv keeps only Python markers: it would build uvloop on Windows.
            ("Pipfile.lock", "binary", 1),
        ],
    )
    def test_checks_as_pinned(
        self,
        name: str,
        pyyaml: str,
        code: int,
        *,
        index_server: IndexServer,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        got, verdicts, doc = check(index_server, tmp_path / "c", capsys, str(SAMPLE / name))
        linux = verdicts["linux-x86_64@3.12"]
        assert linux["requests"][1] == "pure"
        assert linux["pyyaml"][1] == pyyaml
        sources = {p["source"] for r in doc["results"] for p in r["packages"]}
        assert "index" not in sources or name == "Pipfile.lock"
        assert got == code

    def test_pipenv_lock_lost_uvloop_platform_marker(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, verdicts, _ = check(index_server, tmp_path / "c", capsys, str(SAMPLE / "Pipfile.lock"))
        # The lock says uvloop applies wherever python_full_version >= 3.8.1: pipenv would
        # try to build it on Windows, where it has no wheel.
        assert verdicts["win-amd64@3.12"]["uvloop"][1] == "build"
        assert verdicts["linux-x86_64@3.12"]["uvloop"][1] == "binary"

    def test_pip_lock_pins_host_wheels_and_says_so_elsewhere(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, _, doc = check(index_server, tmp_path / "c", capsys, str(SAMPLE / "pylock.toml"))
        windows = next(r for r in doc["results"] if r["target"] == "win-amd64@3.12")
        missing = [p for p in windows["packages"] if p["verdict"] == "missing"]
        assert code == 2
        assert missing
        assert all("no distribution for this target" in p["detail"] for p in missing)


class TestMalformed:
    @pytest.mark.parametrize(
        ("filename", "text", "expected"),
        [
            ("requirements.txt", "requests\nnumpy>>1\n", "requirements.txt:2:"),
            ("pyproject.toml", "[project\nname = 'x'\n", "pyproject.toml:1"),
            ("uv.lock", "version = 1\n[[package]]\nname = \n", "uv.lock:3"),
            ("poetry.lock", "[[package]]\nname = 'x'\nversion = 1\n", "poetry.lock"),
            ("Pipfile.lock", '{"default": [}', "Pipfile.lock:1"),
            ("pdm.lock", '[metadata]\nlock_version = "4.5.0"\n[[package]]\nname = 3\n', "pdm.lock"),
            ("pylock.toml", 'lock-version = "1.0"\n[[packages]]\nname = "x"\n', "pylock.toml"),
        ],
        ids=["requirements", "pyproject", "uv.lock", "poetry.lock", "Pipfile", "pdm", "pylock"],
    )
    def test_one_line_with_file_and_line_exit_3(
        self,
        filename: str,
        text: str,
        expected: str,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        path = tmp_path / filename
        path.write_text(text)
        code = main(["check", str(path), "-p", "3.12", "-t", "linux-x86_64",
                     "--cache-dir", str(tmp_path / "c")], io.StringIO())  # fmt: skip
        err = capsys.readouterr().err
        assert code == 3
        assert expected in err
        assert len(err.strip().splitlines()) == 1
        assert "Traceback" not in err


class TestDirect:
    def test_direct_references_are_reported_not_dropped(
        self, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        requirements = tmp_path / "requirements.txt"
        requirements.write_text(
            "requests\nmylib @ https://example.invalid/mylib-1.0.tar.gz\n-e ./local-pkg\n"
        )
        code, verdicts, doc = check(index_server, tmp_path / "c", capsys, str(requirements))
        linux = verdicts["linux-x86_64@3.12"]
        assert linux["mylib"] == (None, "direct")
        assert code == 1  # a direct sdist is built
        details = [p["detail"] for p in doc["results"][0]["packages"] if p["verdict"] == "direct"]
        assert any("local-pkg" in d for d in details)
