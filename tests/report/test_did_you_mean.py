"""Did you mean: a target, an option or a choice close to the one refused."""

from __future__ import annotations

import io

import pytest

from wheelcast.cli import EXIT_INPUT, main
from wheelcast.targets import nearest_preset


class TestNearestPreset:
    @pytest.mark.parametrize(
        ("name", "preset"),
        [
            ("linux-arm64", "linux-aarch64"),
            ("windows-arm64", "win-arm64"),
            ("windows-amd64", "win-amd64"),
            ("win-x64", "win-amd64"),
            ("win64", "win-amd64"),
            ("windows-x86", "win32"),
            ("linux-amd64", "linux-x86_64"),
            ("linux_arm64", "linux-aarch64"),
            ("darwin-arm64", "macos-arm64"),
            ("mac-x86_64", "macos-x86_64"),
            ("alpine-aarch64", "musllinux-aarch64"),
            ("win-arm46", "win-arm64"),  # a typo
            ("lnux-aarch64", "linux-aarch64"),
        ],
    )
    def test_names_the_preset_meant(self, name: str, preset: str) -> None:
        assert nearest_preset(name) == preset

    @pytest.mark.parametrize("name", ["linux-mips64", "macos-x86", "foo", "", "-"])
    def test_none_rather_than_a_wrong_guess(self, name: str) -> None:
        assert nearest_preset(name) is None


def error_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv, io.StringIO()) == EXIT_INPUT
    (line,) = capsys.readouterr().err.splitlines()
    return line


class TestCommandLine:
    def test_an_unknown_target(self, capsys: pytest.CaptureFixture[str]) -> None:
        line = error_line(["check", "numpy", "-t", "linux-arm64@3.12"], capsys)
        assert line.startswith("wheelcast: error: unknown target 'linux-arm64@3.12'")
        assert "(hint: did you mean linux-aarch64? use a preset" in line

    def test_an_unknown_target_with_nothing_near(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert "did you mean" not in error_line(["check", "numpy", "-t", "plan9-mips"], capsys)

    @pytest.mark.parametrize(
        ("argv", "near"),
        [
            (["check", "numpy", "--targte", "win-arm64"], "--target"),
            (["check", "numpy", "--exclude-newr=2024-01-01"], "--exclude-newer"),
            (["check", "numpy", "--format", "jsn"], "json"),
            (["chek", "numpy"], "check"),
            (["check", "numpy", "--show", "problem"], "problems"),
        ],
    )
    def test_an_unknown_option_or_choice(
        self, argv: list[str], near: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert f"(hint: did you mean {near}? see 'wheelcast" in error_line(argv, capsys)

    def test_nothing_near(self, capsys: pytest.CaptureFixture[str]) -> None:
        line = error_line(["check", "numpy", "--zzzzzz"], capsys)
        assert "unrecognized arguments: --zzzzzz (hint: see 'wheelcast check --help')" in line


class TestOptionsOfTheCommand:
    """An unknown option is matched against the options of the command it was given to."""

    @pytest.mark.parametrize(
        ("argv", "near"),
        [
            (["targets", "--formt", "json"], "--format"),
            (["doctor", "numpy", "--verbse"], "--verbose"),
            (["fix", "numpy", "--targte", "win-arm64"], "--target"),
        ],
    )
    def test_the_nearest_option_of_that_command_and_its_help(
        self, argv: list[str], near: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        line = error_line(argv, capsys)
        assert f"(hint: did you mean {near}? see 'wheelcast {argv[0]} --help')" in line

    @pytest.mark.parametrize(
        "argv",
        [
            ["doctor", "numpy", "--targte", "win-arm64"],  # doctor takes no --target
            ["explain", "numpy", "--shw", "all"],  # nor explain --show
            ["targets", "--bogus"],  # nothing near: not --verbose, which targets lacks
        ],
    )
    def test_never_an_option_the_command_lacks(
        self, argv: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        line = error_line(argv, capsys)
        assert "did you mean" not in line
        assert f"see 'wheelcast {argv[0]} --help'" in line

    def test_an_option_of_other_commands_says_which_take_it(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        line = error_line(["doctor", "numpy", "--exclude-newer", "2025-01-01"], capsys)
        assert "did you mean --exclude-newer" not in line
        assert (
            "unrecognized arguments: --exclude-newer 2025-01-01 (hint: doctor has no"
            " --exclude-newer; check, diagnose, explain, fix, wheelhouse take it;"
            " see 'wheelcast doctor --help')"
        ) in line

    def test_one_other_command_takes_it(self, capsys: pytest.CaptureFixture[str]) -> None:
        line = error_line(["explain", "numpy", "--show", "all"], capsys)
        assert (
            "(hint: explain has no --show; check takes it; see 'wheelcast explain --help')" in line
        )


class TestFailOn:
    def test_a_mistyped_kind_names_the_one_meant(self, capsys: pytest.CaptureFixture[str]) -> None:
        line = error_line(["check", "numpy", "--fail-on", "missing,buidl"], capsys)
        assert "unknown --fail-on value: buidl (hint: did you mean build? choose among" in line

    def test_nothing_near(self, capsys: pytest.CaptureFixture[str]) -> None:
        line = error_line(["check", "numpy", "--fail-on", "zzz"], capsys)
        assert "unknown --fail-on value: zzz (hint: choose among build, direct," in line
