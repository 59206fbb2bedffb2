"""What every terminal renderer shares: the verdict glyphs and a console sized for ``out``."""

from __future__ import annotations

import os
from typing import TextIO

from rich.console import Console

from wheelcast.forecast.verdict import Verdict

__all__ = ["LEGEND", "STYLE", "UNBOUNDED", "console_width", "terminal"]

STYLE: dict[Verdict, tuple[str, str]] = {
    Verdict.BINARY: ("●", "green"),
    Verdict.PURE: ("○", "cyan"),
    Verdict.BUILD: ("▲", "yellow"),
    Verdict.MISSING: ("✖", "bold red"),
    Verdict.CONFLICT: ("≠", "bold red"),
    Verdict.DIRECT: ("◆", "magenta"),
}
LEGEND = (
    "● binary wheel  ○ pure wheel  ▲ build from sdist  ✖ missing  ≠ conflict  ◆ direct"
    "  · not needed"
)


# Written to a file or a pipe (CI logs, editors) there is no screen to fit: let the matrix
# take its natural width rather than fold every cell at 80 columns.
UNBOUNDED = 1000


def console_width(out: TextIO) -> int | None:
    """None (the screen's) on a terminal or with COLUMNS set; else unbounded."""
    if os.environ.get("COLUMNS"):
        return None  # rich reads it
    isatty = getattr(out, "isatty", None)
    return None if isatty is not None and isatty() else UNBOUNDED


def terminal(out: TextIO, *, color: bool | None = None, width: int | None = None) -> Console:
    """A console writing to ``out``: colour when it is a terminal (or ``color`` says so)."""
    return Console(
        file=out,
        force_terminal=color,
        no_color=color is False,
        width=width or console_width(out),
        highlight=False,
    )
