"""The ``wheelcast doctor`` subcommand: argparse wiring, text (rich) and JSON output.

``cli.py`` declares the arguments (it loads this module only when the command is
``doctor``) and calls :func:`run`; :func:`run` returns the exit status
(:func:`wheelcast.doctor.diagnose.exit_status`) and raises
:class:`~wheelcast.errors.WheelcastError` like every other command.

JSON schema ``wheelcast.doctor/1`` (:class:`DoctorJSON`); fields are only added within
a version. Each interpreter lists its first :data:`JSON_TAGS` tags and ``tag_count``.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO, TypedDict

from rich.console import Console
from rich.table import Table
from rich.text import Text

from wheelcast._version import __version__
from wheelcast.doctor import Interpreter
from wheelcast.doctor._run import Runner
from wheelcast.doctor.diagnose import (
    DoctorReport,
    ForecastHook,
    InterpreterResult,
    diagnose,
    exit_status,
)
from wheelcast.doctor.probe import ProbeError, interpreter_target
from wheelcast.doctor.toolchains import Toolchains
from wheelcast.report.check_text import console_width
from wheelcast.targets import Target
from wheelcast.targets.tags import compatible_tags

__all__ = ["JSON_TAGS", "SCHEMA", "DoctorJSON", "document", "render_text", "run"]

SCHEMA = "wheelcast.doctor/1"
JSON_TAGS = 10
TEXT_TAGS = 3


class HeadersJSON(TypedDict):
    include_dir: str
    python_h: bool


class InterpreterJSON(TypedDict):
    path: str
    sources: list[str]
    labels: list[str]
    error: str | None
    executable: str | None
    prefix: str | None
    venv: bool | None
    version: str | None
    implementation: str | None
    free_threaded: bool | None
    arch: str | None
    platform: str | None
    target: str | None
    tags: list[str]
    tag_count: int
    environment: dict[str, str]
    headers: HeadersJSON | None


class ToolJSON(TypedDict):
    name: str
    path: str
    version: str | None
    detail: str


class MsvcJSON(TypedDict):
    name: str
    version: str
    path: str
    x64_tools: bool
    arm64_tools: bool
    windows_sdks: list[str]


class ToolchainsJSON(TypedDict):
    tools: list[ToolJSON]
    rust_targets: list[str]
    msvc: list[MsvcJSON]
    notes: list[str]


class BuildJSON(TypedDict):
    name: str
    languages: list[str]
    ok: bool
    detail: str


class ResultJSON(TypedDict):
    interpreter: str
    target: str
    from_wheels: bool
    can_install: bool
    builds: list[BuildJSON]
    missing: list[str]
    errors: list[str]


class DoctorJSON(TypedDict):
    schema: str
    wheelcast: str
    requirements: list[str]
    interpreters: list[InterpreterJSON]
    toolchains: ToolchainsJSON
    results: list[ResultJSON]
    notes: list[str]


def _target(interpreter: Interpreter) -> Target | None:
    if interpreter.probe is None:
        return None
    try:
        return interpreter_target(interpreter.probe, interpreter.path)
    except ProbeError:
        return None


def interpreter_json(interpreter: Interpreter) -> InterpreterJSON:
    probe = interpreter.probe
    target = _target(interpreter)
    tags = [str(t) for t in compatible_tags(target)] if target else []
    return {
        "path": interpreter.path,
        "sources": list(interpreter.sources),
        "labels": [c.label for c in interpreter.found_as if c.label],
        "error": interpreter.error or None,
        "executable": probe.executable if probe else None,
        "prefix": probe.prefix if probe else None,
        "venv": probe.is_venv if probe else None,
        "version": probe.short_version if probe else None,
        "implementation": probe.implementation if probe else None,
        "free_threaded": probe.free_threaded if probe else None,
        "arch": target.platform.arch if target else (probe.machine if probe else None),
        "platform": target.platform.tag if target else None,
        "target": target.id if target else None,
        "tags": tags[:JSON_TAGS],
        "tag_count": len(tags),
        "environment": dict(probe.environment) if probe else {},
        "headers": {"include_dir": probe.include_dir, "python_h": probe.python_h}
        if probe
        else None,
    }


def toolchains_json(toolchains: Toolchains) -> ToolchainsJSON:
    return {
        "tools": [
            {"name": t.name, "path": t.path, "version": t.version, "detail": t.detail}
            for t in toolchains.tools
        ],
        "rust_targets": list(toolchains.rust_targets),
        "msvc": [
            {
                "name": m.name,
                "version": m.version,
                "path": m.path,
                "x64_tools": m.x64_tools,
                "arm64_tools": m.arm64_tools,
                "windows_sdks": list(m.windows_sdks),
            }
            for m in toolchains.msvc
        ],
        "notes": list(toolchains.notes),
    }


def result_json(result: InterpreterResult) -> ResultJSON:
    return {
        "interpreter": result.interpreter.path,
        "target": result.target.id,
        "from_wheels": result.from_wheels,
        "can_install": result.can_install,
        "builds": [
            {"name": b.name, "languages": list(b.languages), "ok": b.ok, "detail": b.detail}
            for b in result.builds
        ],
        "missing": list(result.missing),
        "errors": list(result.errors),
    }


def document(report: DoctorReport) -> DoctorJSON:
    return {
        "schema": SCHEMA,
        "wheelcast": __version__,
        "requirements": list(report.requirements),
        "interpreters": [interpreter_json(i) for i in report.interpreters],
        "toolchains": toolchains_json(report.toolchains),
        "results": [result_json(r) for r in report.results],
        "notes": list(report.notes),
    }


# -- text -------------------------------------------------------------------------------


def _interpreter_rows(report: DoctorReport, console: Console, *, verbose: bool) -> None:
    table = Table(box=None, header_style="bold", pad_edge=False, title_justify="left")
    for column in ("interpreter", "python", "platform", "headers", "found by"):
        table.add_column(column, overflow="fold")
    for interpreter in report.interpreters:
        probe = interpreter.probe
        sources = ", ".join(interpreter.sources)
        if probe is None:
            table.add_row(interpreter.path, Text("cannot run", style="red"), "", "", sources)
            continue
        target = _target(interpreter)
        python = f"{probe.implementation} {probe.short_version}"
        python += " (venv)" if probe.is_venv else ""
        platform = target.platform.tag if target else Text("not modelled", style="dim")
        headers = Text("Python.h", style="green") if probe.python_h else Text("none", "yellow")
        table.add_row(interpreter.path, python, platform, headers, sources)
    console.print(Text("Interpreters", style="bold underline"))
    console.print(table)
    for interpreter in report.interpreters:
        target = _target(interpreter)
        if interpreter.probe is None:
            console.print(Text(f"  {interpreter.path}: {interpreter.error}", style="dim red"))
            continue
        if target is None:
            continue
        count = len(compatible_tags(target)) if verbose else TEXT_TAGS
        tags = ", ".join(str(t) for t in compatible_tags(target)[:count])
        console.print(Text(f"  {interpreter.path}: {tags}", style="dim"))
        if verbose:
            for key, value in interpreter.probe.environment:
                console.print(Text(f"      {key} = {value!r}", style="dim"))


def _toolchain_rows(toolchains: Toolchains, console: Console) -> None:
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("tool", "version", "path"):
        table.add_column(column, overflow="fold")
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
    report: DoctorReport, out: TextIO, *, verbose: bool = False, color: bool | None = None
) -> None:
    console = Console(
        file=out,
        highlight=False,
        force_terminal=color,
        no_color=color is False,
        width=console_width(out),
    )
    _interpreter_rows(report, console, verbose=verbose)
    console.print()
    _toolchain_rows(report.toolchains, console)
    if report.results:
        console.print()
        _result_lines(report, console)
    for note in report.notes:
        console.print(Text(f"note: {note}", style="dim"))


# -- argparse ---------------------------------------------------------------------------


def run(
    args: argparse.Namespace,
    out: TextIO,
    *,
    forecast: ForecastHook | None = None,
    runner: Runner | None = None,
) -> int:
    """Run ``wheelcast doctor``. ``forecast`` is the per-interpreter check of the
    requirements (default :func:`wheelcast.doctor.diagnose.default_forecast`)."""
    report = diagnose(args.requirements, runner=runner, forecast=forecast)
    if args.format == "json":
        json.dump(document(report), out, indent=2)
        out.write("\n")
    else:
        render_text(report, out, verbose=args.verbose)
    return exit_status(report)
