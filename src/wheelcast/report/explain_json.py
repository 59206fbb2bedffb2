"""The ``wheelcast.explain/1`` JSON document of ``wheelcast explain``: one package on one target.

It reuses the ``wheelcast.check/1`` shapes (target, package, nearby wheel) so the two agree.
"""

from __future__ import annotations

import json
from typing import TextIO, TypedDict

from wheelcast._version import __version__
from wheelcast.forecast.explanation import Explanation, FileVerdict, PlatformGap
from wheelcast.report.check_json import (
    NearbyJSON,
    PackageJSON,
    TargetJSON,
    nearby_json,
    package_json,
    target_json,
)

SCHEMA = "wheelcast.explain/1"


class FileJSON(TypedDict):
    filename: str
    url: str
    fits: bool
    chosen: bool
    tag: str | None
    priority: int | None
    reason: str | None
    detail: str
    upload_time: str | None
    yanked: str | None


class SkippedJSON(TypedDict):
    newest: str
    oldest: str
    count: int
    why: str


class PlatformGapJSON(TypedDict):
    platform: str
    version: str | None
    nearest: list[str]
    after_cutoff: str | None


class ExplainJSON(TypedDict):
    schema: str
    wheelcast: str
    requirement: str
    target: TargetJSON
    package: PackageJSON | None
    why: str
    files: list[FileJSON]
    skipped: list[SkippedJSON]
    older_wheel: NearbyJSON | None
    newer_wheel: NearbyJSON | None
    first_wheel: NearbyJSON | None
    emulation: str | None
    other_platforms: list[str]
    errors: list[str]
    notes: list[str]
    platform_gap: PlatformGapJSON | None


def _file(verdict: FileVerdict) -> FileJSON:
    uploaded = verdict.file.upload_time
    return {
        "filename": verdict.file.filename,
        "url": verdict.file.url,
        "fits": verdict.fits,
        "chosen": verdict.chosen,
        "tag": str(verdict.tag) if verdict.tag else None,
        "priority": verdict.priority,
        "reason": verdict.reason.label if verdict.reason else None,
        "detail": verdict.detail,
        "upload_time": uploaded.isoformat() if uploaded else None,
        "yanked": verdict.file.yanked,
    }


def document(explanation: Explanation) -> ExplainJSON:
    package = explanation.package
    return {
        "schema": SCHEMA,
        "wheelcast": __version__,
        "requirement": str(explanation.requirement),
        "target": target_json(explanation.target),
        "package": package_json(package, explanation.target.platform) if package else None,
        "why": explanation.why,
        "files": [_file(f) for f in explanation.files],
        "skipped": [
            {"newest": str(s.newest), "oldest": str(s.oldest), "count": s.count, "why": s.why}
            for s in explanation.skipped
        ],
        "older_wheel": nearby_json(explanation.older_wheel),
        "newer_wheel": nearby_json(explanation.newer_wheel),
        "first_wheel": nearby_json(explanation.first_wheel),
        "emulation": explanation.emulation,
        "other_platforms": list(explanation.other_platforms),
        "errors": list(explanation.errors),
        "notes": list(explanation.notes),
        "platform_gap": _gap_json(explanation.platform_gap),
    }


def _gap_json(gap: PlatformGap | None) -> PlatformGapJSON | None:
    if gap is None:
        return None
    return {
        "platform": gap.platform,
        "version": str(gap.version) if gap.version is not None else None,
        "nearest": list(gap.nearest),
        "after_cutoff": str(gap.after_cutoff) if gap.after_cutoff is not None else None,
    }


def render_json(explanation: Explanation, out: TextIO) -> None:
    json.dump(document(explanation), out, indent=2)
    out.write("\n")
