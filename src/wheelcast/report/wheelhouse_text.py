"""``wheelcast wheelhouse`` on a terminal: per target what went in, what was built, and
the command that installs it offline; and the progress bar shown meanwhile."""

from __future__ import annotations

import threading
from typing import TextIO

from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, TextColumn
from rich.progress import Progress as RichBar

from wheelcast.report.console import terminal
from wheelcast.report.wheelhouse_json import complete
from wheelcast.wheelhouse import Wheelhouse
from wheelcast.wheelhouse.assemble import install_command

__all__ = ["BarProgress", "render_text"]


def render_text(wheelhouse: Wheelhouse, out: TextIO, *, color: bool | None = None) -> None:
    console = terminal(out, color=color)
    root = str(wheelhouse.root)
    console.print(
        f"[bold]{escape(root)}[/]: {wheelhouse.downloaded} file(s) downloaded,"
        f" {wheelhouse.reused} already there and verified (reused)"
        + (f", {wheelhouse.removed} no longer forecast (removed)" if wheelhouse.removed else "")
    )
    for house in wheelhouse.targets:
        files = [f for f in house.files if f.verdict != "built"]
        mark = "[green]✓[/]" if complete(house) else "[yellow]![/]"
        console.print(
            f"\n{mark} [bold]{escape(house.target.id)}[/] -> {escape(house.folder)}/"
            f"  {len(files)} file(s)"
        )
        for built in house.builds:
            if built.ok:
                console.print(f"  [green]built[/]  {escape(built.name)} {built.version}:"
                              f" {escape(built.why)}")  # fmt: skip
            else:
                log = f" (log: {escape(built.log)})" if built.log else ""
                console.print(f"  [red]failed[/] {escape(built.name)} {built.version}:"
                              f" {escape(built.why)}{log}")  # fmt: skip
        for sdist in house.sdists_left:
            if not house.local:
                console.print(
                    f"  [yellow]sdist[/]  {escape(sdist.name)} {sdist.version}: pip builds it on"
                    " the target at install time (its build requirements are not in the folder)"
                )
        for skipped in house.skipped:
            console.print(
                f"  [red]{escape(skipped.verdict)}[/] {escape(skipped.name)}: {escape(skipped.why)}"
            )
        console.print(f"  install offline: {escape(install_command(root, house.folder))}")


class BarProgress:
    """A ``Progress`` drawn with rich on ``out`` (stderr, when it is a terminal)."""

    def __init__(self, out: TextIO, *, color: bool | None = None) -> None:
        self._bar = RichBar(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            console=terminal(out, color=color),
            transient=True,
        )
        self._task = self._bar.add_task("fetching", total=None)
        self._files = 0
        self._lock = threading.Lock()

    def start(self, files: int, size: int) -> None:
        self._bar.start()
        self._bar.update(self._task, total=size or None, description=f"fetching {files} files")

    def advance(self, filename: str, size: int) -> None:
        with self._lock:
            self._files += 1
            self._bar.update(self._task, advance=size, description=escape(filename[:40]))

    def building(self, name: str, target: str) -> None:
        self._bar.update(self._task, description=f"building {escape(name)} for {escape(target)}")

    def finish(self) -> None:
        self._bar.stop()
