"""Tests for wheelcast.targets.declared.python_version_file: pyenv's and uv's pins."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wheelcast.errors import InvalidInputFile, WheelcastError
from wheelcast.targets.declared import python_version_pins


def shorts(text: str) -> list[str]:
    return [p.short for p in python_version_pins(text).pythons]


class TestPins:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("3.12\n", ["3.12"]),
            ("3.12.4", ["3.12"]),
            ("3.13t\n", ["3.13t"]),
            ("3.13+freethreaded\n", ["3.13t"]),
            ("cpython@3.12\n", ["3.12"]),
            ("cpython-3.12.4-linux-x86_64-gnu\n", ["3.12"]),
            ("python3.11\n", ["3.11"]),
            ("3.14.0rc1\n", ["3.14"]),
            ("# pinned for the team\n\n3.12  # the deployed one\n3.11\n", ["3.12", "3.11"]),
            ("3.12\r\n3.11\r\n3.12\r\n", ["3.12", "3.11"]),
        ],
    )
    def test_cpython_requests(self, text: str, expected: list[str]) -> None:
        assert shorts(text) == expected

    def test_the_patch_is_kept(self) -> None:
        (python,) = python_version_pins("3.12.4\n").pythons
        assert python.full_version == "3.12.4"

    @pytest.mark.parametrize(
        "line", ["pypy3.10", "pypy@3.10", "graalpy-24.1", "system", "miniconda3-latest"]
    )
    def test_what_names_no_cpython_is_skipped_with_a_note(self, line: str) -> None:
        declared = python_version_pins(f"{line}\n3.12\n", "proj/.python-version")
        assert [p.short for p in declared.pythons] == ["3.12"]
        assert declared.notes == (
            f"proj/.python-version:1: {line} skipped: wheelcast's targets are CPython",
        )

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", r"^\.python-version: names no Python version"),
            ("# nothing\n", "names no Python version"),
            ("3.12\nlatest\n", r"^\.python-version:2: 'latest' is no Python version"),
            (">=3.11\n", "'>=3.11' is no Python version"),
            ("2.7.18\n", r"\.python-version:1: unknown Python version '2.7.18'"),
            ("3.99\n", "unknown Python version '3.99'"),
            ("3.12t\n", "free-threaded CPython starts at 3.13"),
        ],
    )
    def test_bad_lines_are_one_error_naming_the_line(self, text: str, message: str) -> None:
        with pytest.raises(InvalidInputFile, match=message) as raised:
            python_version_pins(text)
        assert "\n" not in raised.value.message

    @given(st.text(max_size=60))
    def test_any_text_gives_pins_or_one_error(self, text: str) -> None:
        error: WheelcastError | None = None
        try:
            python_version_pins(text)
        except WheelcastError as raised:
            error = raised
        if error is not None:
            assert isinstance(error, InvalidInputFile)
            assert "\n" not in error.message
