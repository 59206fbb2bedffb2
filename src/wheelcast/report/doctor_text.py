"""How ``wheelcast doctor`` shows its report in a terminal: interpreters, toolchains, results."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from wheelcast.doctor.diagnose import DoctorReport
from wheelcast.doctor.toolchains import Toolchains
from wheelcast.report.console import UNBOUNDED, terminal
from wheelcast.report.doctor_json import interpreter_target_of
from wheelcast.targets.environment import environment_of

__all__ = ["render_text"]

TEXT_TAGS = 3


def _interpreter_table(report: DoctorReport, *, numbered: bool) -> Table:
    """One row an interpreter; ``numbered``: a number in place of its path (said below)."""
    table = Table(box=None, header_style="bold", pad_edge=False, title_justify="left")
    # Nothing folds: a tag or version split over two lines reads as two.
    for column in ("#" if numbered else "interpreter", "python", "platform", "headers"):
        table.add_column(column, no_wrap=True)
    table.add_column("found by", overflow="fold")
    for number, interpreter in enumerate(report.interpreters, 1):
        probe = interpreter.probe
        sources = ", ".join(interpreter.sources)
        first = str(number) if numbered else interpreter.path
        if probe is None:
            table.add_row(first, Text("cannot run", style="red"), "", "", sources)
            continue
        target = interpreter_target_of(interpreter)
        python = f"{probe.implementation} {probe.short_version}"
        python += " (venv)" if probe.is_venv else ""
        platform = target.platform.tag if target else Text("not modelled", style="dim")
        headers = Text("Python.h", style="green") if probe.python_h else Text("none", "yellow")
        table.add_row(first, python, platform, headers, sources)
    return table


def _interpreter_rows(report: DoctorReport, console: Console, *, verbose: bool) -> None:
    table = _interpreter_table(report, numbered=False)
    # Too wide for the screen with its paths: numbers, each path on its own line below.
    natural = Measurement.get(console, console.options.update_width(UNBOUNDED), table).maximum
    numbered = natural > console.width
    if numbered:
        table = _interpreter_table(report, numbered=True)
    console.print(Text("Interpreters", style="bold underline"))
    console.print(table)
    for number, interpreter in enumerate(report.interpreters, 1):
        target = interpreter_target_of(interpreter)
        name = f"[{number}] {interpreter.path}" if numbered else interpreter.path
        if interpreter.probe is None:
            console.print(Text(f"  {name}: {interpreter.error}", style="dim red"))
            continue
        if target is None:
            if numbered:
                console.print(Text(f"  {name}", style="dim"))
            continue
        every = environment_of(target).tags
        tags = ", ".join(str(t) for t in (every if verbose else every[:TEXT_TAGS]))
        console.print(Text(f"  {name}: {tags}", style="dim"))
        if verbose:
            for key, value in interpreter.probe.environment:
                console.print(Text(f"      {key} = {value!r}", style="dim"))


def _toolchain_rows(toolchains: Toolchains, console: Console) -> None:
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("tool", no_wrap=True)
    table.add_column("version", no_wrap=True)
    table.add_column("path", overflow="fold")
    for tool in toolchains.tools:
        table.add_row(tool.name, tool.version or "?", tool.path)
    for install in toolchains.msvc:
        parts = [
            "x64" if install.x64_tools else "",
            "ARM64" if install.arm64_tools else "",
        ]
        arches = "+".join(p for p in parts if p) or "no"
        sdks = ", ".join(s.rsplit(".", 1)[-1] for s in install.windows_sdks) or "none"
        table.add_row("MSVC", install.version, f"{install.name}: {arches} build tools; SDK {sdks}")
    console.print(Text("Build toolchains", style="bold underline"))
    if toolchains.tools or toolchains.msvc:
        console.print(table)
    else:
        console.print(Text("  no compiler or build tool found", style="yellow"))
    if toolchains.rust_targets:
        console.print(Text(f"  rust targets: {', '.join(toolchains.rust_targets)}", "dim"))
    for note in toolchains.notes:
        console.print(Text(f"  note: {note}", style="dim"))


def _result_lines(report: DoctorReport, console: Console) -> None:
    console.print(Text(f"Requirements: {' '.join(report.requirements)}", "bold underline"))
    for result in report.results:
        line = Text(f"{result.interpreter.path} ", style="bold")
        if result.from_wheels:
            line.append("installs everything from wheels", style="green")
        elif result.can_install:
            line.append("installs, building from source", style="yellow")
        else:
            line.append("would fail", style="bold red")
        console.print(line)
        for build in result.builds:
            if build.ok:
                console.print(Text(f"  {build.name}: built from source, {build.detail}", "yellow"))
            else:
                console.print(
                    Text(
                        f"  {build.name} would be built from source and fail here: {build.detail}",
                        style="red",
                    )
                )
        for name in result.missing:
            console.print(Text(f"  {name}: no file fits this interpreter", style="red"))
        for error in result.errors:
            console.print(Text(f"  unresolvable: {error}", style="red"))


def render_text(
    report: DoctorReport,
    out: TextIO,
    *,
    verbose: bool = False,
    color: bool | None = None,
    width: int | None = None,
) -> None:
    console = terminal(out, color=color, width=width)
    _interpreter_rows(report, console, verbose=verbose)
    console.print()
    _toolchain_rows(report.toolchains, console)
    if report.results:
        console.print()
        _result_lines(report, console)
    for note in report.notes:
        console.print(Text(f"note: {note}", style="dim"))
