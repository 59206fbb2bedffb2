"""What every terminal renderer shares: the verdict glyphs and a console sized for ``out``."""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from typing import TextIO

from rich.console import Console, ConsoleRenderable, RenderHook
from rich.text import Text

from wheelcast.forecast.verdict import Verdict
from wheelcast.runtime.redact import redact_text

__all__ = [
    "LEGEND",
    "STYLE",
    "UNBOUNDED",
    "PipedConsole",
    "color_wanted",
    "console_width",
    "terminal",
]

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


def color_wanted(choice: str = "auto", environ: Mapping[str, str] | None = None) -> bool | None:
    """``--color``: True or False when decided, None to ask whether ``out`` is a terminal.

    ``auto`` follows the conventions CI and terminals set: ``NO_COLOR`` (no-color.org) and
    then ``FORCE_COLOR``, each when not empty.
    """
    if choice == "always":
        return True
    if choice == "never":
        return False
    environ = os.environ if environ is None else environ
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return None


class PipedConsole(Console):
    """rich's Console, but a closed pipe is the caller's to answer.

    rich's own answer points *standard output* at /dev/null and exits with 1, which in
    wheelcast means "something builds", and would silence stdout for a closed stderr.
    """

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def terminal(out: TextIO, *, color: bool | None = None, width: int | None = None) -> Console:
    """A console writing to ``out``: colour when it is a terminal (or ``color`` says so).

    Without colour no escape code at all is written (rich's ``no_color`` keeps bold and
    dim): NO_COLOR output is plain text.
    """
    if color is None:
        color = color_wanted()
    plain = {"color_system": None} if color is False else {}
    console = PipedConsole(
        file=out,
        force_terminal=color,
        no_color=color is False,
        width=width or console_width(out),
        highlight=False,
        **plain,  # type: ignore[arg-type]
    )
    console.push_render_hook(_Redacted())
    return console


class _Redacted(RenderHook):
    """Credentials in a URL the user typed, masked before rich styles and wraps the line:
    after, an escape code glued to the scheme or a break inside the userinfo would hide
    them from the stream's own masking (``wheelcast.runtime.redact``)."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_masked(r) for r in renderables]


def _masked(renderable: ConsoleRenderable) -> ConsoleRenderable:
    if isinstance(renderable, Text) and "@" in renderable.plain:
        plain = redact_text(renderable.plain)
        if plain != renderable.plain:  # its inner styles go: the text must not
            return Text(plain, style=renderable.style, end=renderable.end)
    return renderable
