"""``wheelcast doctor`` as GitHub Markdown: interpreters, toolchains, and the results.

Reads the same :class:`~wheelcast.doctor.diagnose.DoctorReport` as the text and JSON
renderers; a machine holds a few dozen interpreters at most, far below GitHub's cap.
"""

from __future__ import annotations

from typing import TextIO

from wheelcast.doctor.diagnose import DoctorReport
from wheelcast.forecast.verdict import Verdict
from wheelcast.report.console import STYLE
from wheelcast.report.doctor_json import interpreter_target_of
from wheelcast.report.shared_markdown import code, escape, table

__all__ = ["markdown", "render_markdown"]


def _interpreters(report: DoctorReport) -> list[str]:
    rows = []
    for interpreter in report.interpreters:
        probe = interpreter.probe
        path = code(interpreter.path, cell=True)
        sources = escape(", ".join(interpreter.sources))
        if probe is None:
            rows.append([path, f"cannot run: {escape(interpreter.error)}", "", "", sources])
            continue
        target = interpreter_target_of(interpreter)
        python = f"{probe.implementation} {probe.short_version}"
        python += " (venv)" if probe.is_venv else ""
        platform = code(target.platform.tag, cell=True) if target else "not modelled"
        headers = "Python.h" if probe.python_h else "none"
        rows.append([path, escape(python), platform, headers, sources])
    header = ["interpreter", "python", "platform", "headers", "found by"]
    return ["### Interpreters", "", *table(header, rows)]


def _toolchains(report: DoctorReport) -> list[str]:
    toolchains = report.toolchains
    rows = [
        [escape(t.name), escape(t.version or "?"), code(t.path, cell=True)]
        for t in toolchains.tools
    ]
    for install in toolchains.msvc:
        parts = ["x64" if install.x64_tools else "", "ARM64" if install.arm64_tools else ""]
        arches = "+".join(p for p in parts if p) or "no"
        sdks = ", ".join(s.rsplit(".", 1)[-1] for s in install.windows_sdks) or "none"
        rows.append(
            ["MSVC", escape(install.version),
             escape(f"{install.name}: {arches} build tools; SDK {sdks}")]
        )  # fmt: skip
    lines = ["", "### Build toolchains", ""]
    if rows:
        lines += table(["tool", "version", "path"], rows)
    else:
        lines.append("No compiler or build tool found.")
    if toolchains.rust_targets:
        lines += ["", f"Rust targets: {escape(', '.join(toolchains.rust_targets))}"]
    if toolchains.notes:
        lines += ["", *(f"- note: {escape(note)}" for note in toolchains.notes)]
    return lines


def _results(report: DoctorReport) -> list[str]:
    requirements = ", ".join(code(r) for r in report.requirements)
    lines = ["", f"### Requirements: {requirements}", ""]
    for result in report.results:
        if result.from_wheels:
            outcome = f"{STYLE[Verdict.BINARY][0]} installs everything from wheels"
        elif result.can_install:
            outcome = f"{STYLE[Verdict.BUILD][0]} installs, building from source"
        else:
            outcome = f"{STYLE[Verdict.MISSING][0]} would fail"
        lines.append(f"- {code(result.interpreter.path)}: {outcome}")
        for build in result.builds:
            how = "built from source" if build.ok else "would be built from source and fail here"
            lines.append(f"  - {escape(build.name)}: {how}, {escape(build.detail)}")
        lines += [f"  - {escape(name)}: no file fits this interpreter" for name in result.missing]
        lines += [f"  - unresolvable: {escape(error)}" for error in result.errors]
    return lines


def markdown(report: DoctorReport) -> str:
    lines = ["## wheelcast doctor", "", *_interpreters(report), *_toolchains(report)]
    if report.results:
        lines += _results(report)
    if report.notes:
        lines += ["", *(f"- note: {escape(note)}" for note in report.notes)]
    return "\n".join(lines) + "\n"


def render_markdown(report: DoctorReport, out: TextIO) -> None:
    out.write(markdown(report))
