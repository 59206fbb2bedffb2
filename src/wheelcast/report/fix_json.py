"""The ``wheelcast.fix/1`` JSON document.

Versioned: fields are only ever added within a schema version; a rename or a change of
meaning bumps it.
"""

from __future__ import annotations

import json
from typing import TextIO, TypedDict

from wheelcast._version import __version__
from wheelcast.forecast.emulation import not_from_wheels
from wheelcast.forecast.fix import FixResult, TargetFix

SCHEMA = "wheelcast.fix/1"


class ChangeJSON(TypedDict):
    name: str
    kind: str
    constraint: str
    requested: bool
    why: list[str]
    targets: list[str]
    cost: str


class EditJSON(TypedDict):
    kind: str
    before: str
    after: str


class BlockerJSON(TypedDict):
    package: str
    by: str
    requirement: str
    text: str


class EmulationJSON(TypedDict):
    target: str
    command: str
    wheels: dict[str, str]
    still: list[str]


class ToolchainJSON(TypedDict):
    package: str
    advice: list[str]


class TargetFixJSON(TypedDict):
    target: str
    before: list[str]
    fixed: bool
    blockers: list[BlockerJSON]
    alternatives: list[str]
    emulation: EmulationJSON | None
    toolchain: list[ToolchainJSON]
    install: str
    partial: list[str]
    after: list[str]


class RecheckJSON(TypedDict):
    builds: int
    targets: int


class FixJSON(TypedDict):
    schema: str
    wheelcast: str
    input: str
    changes: list[ChangeJSON]
    edits: list[EditJSON]
    constraints: str
    targets: list[TargetFixJSON]
    recheck: RecheckJSON


def document(result: FixResult) -> FixJSON:
    after = {f.target.id: f for f in result.after.forecasts}
    return {
        "schema": SCHEMA,
        "wheelcast": __version__,
        "input": result.input_kind,
        "changes": [
            {
                "name": c.name,
                "kind": c.kind.value,
                "constraint": c.constraint,
                "requested": c.requested,
                "why": list(c.why),
                "targets": list(c.targets),
                "cost": c.cost,
            }
            for c in result.changes
        ],
        "edits": [{"kind": e.kind, "before": e.before, "after": e.after} for e in result.edits],
        "constraints": result.constraints_text() if result.constraints else "",
        "targets": [_target(t, after.get(t.target.id)) for t in result.targets],
        "recheck": {"builds": result.builds_after, "targets": len(result.after.forecasts)},
    }


def _target(fix: TargetFix, after: object) -> TargetFixJSON:
    from wheelcast.forecast.verdict import TargetForecast  # noqa: PLC0415 - a type check only

    remaining = not_from_wheels(after) if isinstance(after, TargetForecast) else ()
    emulation = fix.emulation
    return {
        "target": fix.target.id,
        "before": list(fix.before),
        "fixed": fix.fixed,
        "blockers": [
            {"package": b.package, "by": b.by, "requirement": b.requirement, "text": b.text}
            for b in fix.blockers
        ],
        "alternatives": list(fix.alternatives),
        "emulation": None
        if emulation is None
        else {
            "target": emulation.emulator.target.id,
            "command": emulation.emulator.command,
            "wheels": {p.name: str(p.version) for p in emulation.wheels},
            "still": list(emulation.still),
        },
        "toolchain": [{"package": n, "advice": list(a)} for n, a in fix.toolchain],
        "install": fix.install,
        "partial": list(fix.partial),
        "after": [p.name for p in remaining],
    }


def render_json(result: FixResult, out: TextIO) -> None:
    out.write(json.dumps(document(result), indent=2) + "\n")
