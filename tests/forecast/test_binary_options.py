"""``--only-binary`` / ``--no-binary``: the later option wins, as pip's FormatControl has it,
on the command line, across requirements files, and from a file over the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from tests.indexserver import build_wheel
from tests.test_cli import sdist

from wheelcast.cli import main


@pytest.fixture
def links(tmp_path: Path) -> Path:
    # beta 2.0: an sdist and a wheel for another platform; beta 1.0: a win_arm64 wheel.
    folder = tmp_path / "links"
    folder.mkdir()
    build_wheel(folder, "beta", "1.0", tag="cp312-cp312-win_arm64")
    build_wheel(folder, "beta", "2.0", tag="cp312-cp312-win_amd64")
    sdist(folder, "beta", "2.0")
    return folder


def beta(argv: list[str], links: Path, tmp_path: Path) -> tuple[str, str]:
    """(version, verdict) of beta on win-arm64 with ``argv`` added."""
    out = io.StringIO()
    main(
        ["check", *argv, "-p", "3.12", "-t", "win-arm64", "--no-index", "-f", str(links),
         "--cache-dir", str(tmp_path / "cache"), "--no-build-needs", "--format", "json"],
        out,
    )  # fmt: skip
    (package,) = [
        p for p in json.loads(out.getvalue())["results"][0]["packages"] if p["name"] == "beta"
    ]
    return package["version"], package["verdict"]


BUILT = ("2.0", "build")  # --no-binary beta: the newest sdist
WHEEL = ("1.0", "binary")  # --only-binary beta: the newest wheel that fits


class TestCommandLine:
    @pytest.mark.parametrize(
        ("options", "expected"),
        [
            (["--only-binary", "beta", "--no-binary", "beta"], BUILT),
            (["--no-binary", "beta", "--only-binary", "beta"], WHEEL),
            (["--only-binary", ":all:", "--no-binary", "beta"], BUILT),
            (["--no-binary", "beta", "--only-binary", ":all:"], WHEEL),
            (["--no-binary", "beta", "--no-binary", ":none:"], ("2.0", "build")),
        ],
        ids=["no-binary-last", "only-binary-last", "name-after-all", "all-after-name", "none"],
    )
    def test_the_later_option_wins(
        self, options: list[str], expected: tuple[str, str], links: Path, tmp_path: Path
    ) -> None:
        assert beta(["beta", *options], links, tmp_path) == expected

    def test_none_clears_only_its_own_option(self, links: Path, tmp_path: Path) -> None:
        # pip: ":none:" empties --only-binary and leaves --no-binary beta standing.
        options = ["--no-binary", "beta", "--only-binary", ":none:"]
        assert beta(["beta", *options], links, tmp_path) == BUILT


class TestRequirementsFiles:
    def test_a_later_file_wins_over_an_earlier_one(self, links: Path, tmp_path: Path) -> None:
        first = tmp_path / "a.txt"
        first.write_text("--only-binary beta\nbeta\n")
        second = tmp_path / "b.txt"
        second.write_text("--no-binary beta\n")
        assert beta(["-r", str(first), "-r", str(second)], links, tmp_path) == BUILT
        assert beta(["-r", str(second), "-r", str(first)], links, tmp_path) == WHEEL

    def test_a_file_is_read_after_the_command_line(self, links: Path, tmp_path: Path) -> None:
        # pip parses requirements files with the finder the command line configured:
        # the file's option is the later one, wherever -r stands.
        requirements = tmp_path / "requirements.txt"
        requirements.write_text("--no-binary beta\nbeta\n")
        argv = ["-r", str(requirements), "--only-binary", "beta"]
        assert beta(argv, links, tmp_path) == BUILT
        requirements.write_text("--only-binary beta\nbeta\n")
        argv = ["--no-binary", "beta", "-r", str(requirements)]
        assert beta(argv, links, tmp_path) == WHEEL

    def test_the_command_line_still_applies_with_a_file(self, links: Path, tmp_path: Path) -> None:
        requirements = tmp_path / "requirements.txt"
        requirements.write_text("beta\n")
        assert beta(["-r", str(requirements), "--no-binary", "beta"], links, tmp_path) == BUILT
