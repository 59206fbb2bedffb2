"""A progress line on a terminal while a check runs: targets resolved, pages, metadata, sdists.

It is an :class:`wheelcast.forecast.observe.Observer`; it shows nothing for a run shorter
than :data:`DELAY` (a cached answer is not worth a flicker) and, once shown, is erased when
the run ends, so the report follows on a clean screen. Whether to show it at all (a
terminal, the text format) is the command line's decision.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from wheelcast.forecast.observe import Stage, Step
from wheelcast.report.console import PipedConsole, color_wanted

__all__ = ["DELAY", "ProgressLine"]

DELAY = 0.5  # seconds before anything is drawn


def _screen(out: TextIO, *, color: bool | None) -> Console:
    """A console that redraws in place: ``out`` is a terminal (the caller made sure), even
    when colour is off (NO_COLOR asks for no colour, not for no progress)."""
    if color is None:
        color = color_wanted()
    return PipedConsole(
        file=out,
        force_terminal=True,
        no_color=color is False,
        color_system="auto" if color is not False else None,
        highlight=False,
    )


class ProgressLine:
    """``checking ━━━━━━━╺━━━ 3/6 targets · pages 212/240 · metadata 180/201 · sdists 1/2``;
    use it as a context manager around the run."""

    def __init__(
        self, out: TextIO, *, color: bool | None = None, delay: float | None = None
    ) -> None:
        self._lock = threading.Lock()
        self._asked = dict.fromkeys(Stage, 0)
        self._done = dict.fromkeys(Stage, 0)
        self._progress = Progress(
            TextColumn("[bold]checking"),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("targets{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=_screen(out, color=color),
            transient=True,
        )
        self._task = self._progress.add_task("check", total=None, detail="")
        self._timer = threading.Timer(DELAY if delay is None else delay, self._start)
        self._timer.daemon = True
        # Set once the line is drawn or the run is over: whichever comes first decides.
        self._settled = False

    def __call__(self, step: Step, /) -> None:
        with self._lock:
            counts = self._done if step.done else self._asked
            counts[step.stage] += 1
            detail = "".join(
                f" · {stage.value} {self._done[stage]}/{self._asked[stage]}"
                for stage in (Stage.PAGE, Stage.METADATA, Stage.SDIST)
                if self._asked[stage]
            )
            total = self._asked[Stage.TARGET] or None
            completed = self._done[Stage.TARGET]
        self._progress.update(self._task, total=total, completed=completed, detail=detail)

    def _start(self) -> None:
        with self._lock:
            if not self._settled:
                self._settled = True
                self._progress.start()

    def __enter__(self) -> ProgressLine:
        self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._timer.cancel()
        with self._lock:
            drawn, self._settled = self._settled, True  # a late timer draws nothing
        if drawn:
            self._progress.stop()
