"""How ``wheelcast targets`` lists the targets it knows: first tags and machine markers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from rich.table import Table

from wheelcast.report.console import terminal
from wheelcast.targets import Target
from wheelcast.targets.environment import environment_of

__all__ = ["render_text"]


def render_text(
    targets: Sequence[Target], out: TextIO, *, tags: int, color: bool | None = None
) -> None:
    """One row per target with its first ``tags`` compatible tags."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("target", "first tags", "platform_machine", "sys_platform"):
        table.add_column(column)
    for target in targets:
        derived = environment_of(target)
        env = derived.markers
        first = ", ".join(str(t) for t in derived.tags[:tags])
        table.add_row(target.id, first, env["platform_machine"], env["sys_platform"])
    terminal(out, color=color).print(table)
