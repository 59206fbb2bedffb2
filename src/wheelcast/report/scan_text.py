"""``wheelcast scan`` as text: each target's wheel share at the last month, then a progress
counter for the terminal while pages are read."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from wheelcast.scan.survey import SurveyCounts
from wheelcast.scan.tally import ScanTally

__all__ = ["ScanProgress", "render_text"]

_SHOWN_MISSING = 5


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def render_text(tally: ScanTally, counts: SurveyCounts, out: TextIO) -> None:
    how = "resumed" if counts.resumed else "read"
    out.write(
        f"scanned {tally.projects} projects ({counts.read} pages {how},"
        f" {counts.skipped} stored before)\n"
    )
    if counts.absent:
        out.write(f"not on the index: {', '.join(counts.absent)}\n")
    if not tally.months:
        return
    last = tally.months[-1]
    first = tally.months[0]
    out.write(f"\nwheel share (binary + pure) at {last:%Y-%m}, and at {first:%Y-%m}\n")
    for series in tally.series:
        now, then = series.months[-1], series.months[0]
        counts_now = " ".join(f"{v} {n}" for v, n in sorted(now.counts.items()))
        out.write(
            f"  {series.target:<28} {_percent(now.wheel_share):>5}"
            f" (weighted {_percent(now.weighted_share)}; {_percent(then.wheel_share)} then)"
            f"  {counts_now}\n"
        )
        missing = tally.missing.get(series.target, ())
        if missing:
            names = ", ".join(m.name for m in missing[:_SHOWN_MISSING])
            more = (
                f" and {len(missing) - _SHOWN_MISSING} more"
                if len(missing) > _SHOWN_MISSING
                else ""
            )
            out.write(f"  {'':<28} no wheel: {names}{more}\n")


class ScanProgress:
    """``scan 120/1000 projects`` redrawn in place on a terminal, at most ten times a second."""

    def __init__(self, out: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self._out = out
        self._clock = clock
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        self._out.write(f"\rscan {done}/{total} projects")
        self._out.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._out.write("\r\x1b[K")
            self._out.flush()
