"""The ``wheelcast.doctor/1`` JSON document of ``wheelcast doctor``.

Fields are only added within a version (:class:`DoctorJSON`). Each interpreter lists its
first :data:`JSON_TAGS` tags and ``tag_count``.
"""

from __future__ import annotations

import json
from typing import TextIO, TypedDict

from wheelcast._version import __version__
from wheelcast.doctor import Interpreter
from wheelcast.doctor.diagnose import DoctorReport, InterpreterResult
from wheelcast.doctor.probe import ProbeError, interpreter_target
from wheelcast.doctor.toolchains import Toolchains
from wheelcast.targets import Target
from wheelcast.targets.environment import environment_of

__all__ = ["JSON_TAGS", "SCHEMA", "DoctorJSON", "document", "interpreter_target_of", "render_json"]

SCHEMA = "wheelcast.doctor/1"
JSON_TAGS = 10


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


def interpreter_target_of(interpreter: Interpreter) -> Target | None:
    if interpreter.probe is None:
        return None
    try:
        return interpreter_target(interpreter.probe, interpreter.path)
    except ProbeError:
        return None


def interpreter_json(interpreter: Interpreter) -> InterpreterJSON:
    probe = interpreter.probe
    target = interpreter_target_of(interpreter)
    tags = [str(t) for t in environment_of(target).tags] if target else []
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


def render_json(report: DoctorReport, out: TextIO) -> None:
    json.dump(document(report), out, indent=2)
    out.write("\n")
