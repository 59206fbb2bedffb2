"""Property-based fuzzing of the log reader's search: the lines it finds for each pattern
are the lines ``pattern.search`` finds one by one, whatever their case and characters.
Bounded and derandomized by the ``wheelcast`` profile (tests/conftest.py).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from wheelcast.failure_log import log_reader
from wheelcast.failure_log.tool_signatures import SIGNATURES

PATTERNS = [
    *(pattern for signature in SIGNATURES for pattern in signature.patterns),
    *(pattern for pattern, _ in log_reader._PLATFORM_PATTERNS),
    *log_reader._PYTHON_PATTERNS,
    *log_reader._FAILED,
    log_reader._FAILURE,
    log_reader._TIMESTAMP,
    log_reader._PROJECT_VERSION,
]
# Pieces of the messages the patterns look for, in other cases, beside characters whose
# case rules are Unicode's (the Kelvin sign, the long s, a dotted capital I, uv's arrows).
PIECES = [
    "Building wheel for demo (pyproject.toml) ... error",
    "ERROR: FAILED BUILDING WHEEL FOR Demo",
    "error: Microsoft Visual C++ 14.0 or greater is required",
    "C:\\Users\\me\\APPDATA\\Local\\Programs\\Python\\Python312-arm64\\",
    "gcc: command not found",
    "  ╰─▶ Failed to build `demo==1.0`",
    "win_arm64",
    "MACOSX-14.0-ARM64",
    "linux-aarch64-musl",
    "2024-01-15T10:20:30.1234567Z ",
    "\u212a",
    "\u017f",
    "\u0130",
    "Python 3.12.1",
    "",
    " ",
]
lines = st.lists(
    st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=4).map("".join),
    max_size=12,
)


def _one_by_one(pattern: re.Pattern[str], text_lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(text_lines) if pattern.search(line)]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:40])
@given(text_lines=lines)
@example(text_lines=["", "\u0130gcc: command not found", "GCC: COMMAND NOT FOUND"])
def test_the_lines_found_are_the_lines_that_match(
    pattern: re.Pattern[str], text_lines: list[str]
) -> None:
    found = [index for index, _ in log_reader._Lines(text_lines).matching(pattern)]
    assert found == _one_by_one(pattern, text_lines)
