"""Ways to show a ``CheckResult``: a terminal matrix and a versioned JSON document."""

from __future__ import annotations

from typing import Protocol, TextIO

from wheelcast.forecast.check import CheckResult


class Reporter(Protocol):
    """Writes a whole check result to ``out``; never reads anything else."""

    def render(self, result: CheckResult, out: TextIO) -> None: ...
