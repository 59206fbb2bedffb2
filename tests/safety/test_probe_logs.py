"""The hidden probe, hostile logs for ``wheelcast diagnose``: every pattern linear in a line.

A log is untrusted text up to MAX_LOG_BYTES and may be one line. Each hostile line below
made one pattern retry from every character of a long run (the sdist file name, a name
before "could not be installed", a word then ``.*``): 20 kB took seconds, 15 MB never
ended. Every pattern of the reader's tables is run over each line here, so a pattern
added later is held to the same bound.
"""

from __future__ import annotations

import re
import time

import pytest

from wheelcast.failure_log import log_reader
from wheelcast.failure_log.log_reader import NothingRecognised, read_log
from wheelcast.failure_log.tool_signatures import SIGNATURES

N = 50_000  # characters of one hostile line; before the fix one such search took ~30 s

HOSTILE = {
    "a name run": "Collecting demo " + "x" * N,
    "dotted run": "a." * (N // 2),
    "digits": "1" * N,
    "dashes and digits": "a-1" * (N // 3),
    "dots": "." * N,
    "a word then a gap": "alpine " * (N // 7),
    "x64 then a gap": " x64 " * (N // 5),
    "clang then a gap": "clang " * (N // 6),
    "pkg-config then a gap": "Can not find valid pkg-config name " * (N // 35),
    "fortran then a gap": "Fortran compiler " * (N // 17),
}


def patterns() -> list[re.Pattern[str]]:
    found = [log_reader._SDIST, log_reader._COLLECTING, log_reader._PIP_TMP_NAME]
    found += [*log_reader._FAILED, *log_reader._PYTHON_PATTERNS]
    found += [pattern for pattern, _ in log_reader._PLATFORM_PATTERNS]
    found += [pattern for signature in SIGNATURES for pattern in signature.patterns]
    return found


class TestEveryPatternIsLinear:
    @pytest.mark.parametrize("line", list(HOSTILE.values()), ids=list(HOSTILE))
    def test_every_pattern_searches_a_hostile_line_quickly(self, line: str) -> None:
        slowest = 0.0, ""
        for pattern in patterns():
            start = time.perf_counter()
            pattern.search(line)
            took = time.perf_counter() - start
            slowest = max(slowest, (took, pattern.pattern[:80]))
        assert slowest[0] < 0.5, slowest  # linear: ~5 ms each; before, 2 s to 30 s

    def test_a_long_one_line_log_is_read_in_seconds_with_its_answer(self) -> None:
        log = (
            "Collecting demo " + "x" * N + "\n"
            "  Downloading demo-1.0.tar.gz" + " " + "y." * N + "\n"
            "ERROR: Failed building wheel for demo\n"
        )
        start = time.perf_counter()
        facts = read_log(log)
        assert time.perf_counter() - start < 5
        assert (facts.package, facts.version, facts.sdist) == ("demo", "1.0", "demo-1.0.tar.gz")

    def test_a_name_run_with_no_failure_is_nothing_recognised_in_seconds(self) -> None:
        start = time.perf_counter()
        with pytest.raises(NothingRecognised):
            read_log("d" * N + " could not be installed" + "\n" + "e" * N)
        assert time.perf_counter() - start < 5
