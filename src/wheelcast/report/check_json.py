"""The ``wheelcast.check/1`` JSON document.

Versioned: fields are only ever added within a schema version; a rename or a
change of meaning bumps it.
"""

from __future__ import annotations

import json
from typing import TextIO, TypedDict

from wheelcast._version import __version__
from wheelcast.forecast.check import CheckResult
from wheelcast.forecast.verdict import (
    BuildInfo,
    Forecast,
    NearbyWheel,
    SkippedNewer,
    TargetForecast,
    Verdict,
)
from wheelcast.sdist.libraries import install_line, library
from wheelcast.targets import Platform, Target

SCHEMA = "wheelcast.check/1"


class TargetJSON(TypedDict):
    id: str
    name: str
    python: str
    implementation: str
    platform: str
    os: str
    arch: str
    libc: str | None
    libc_version: str | None
    macos_version: str | None


class NearbyJSON(TypedDict):
    version: str
    uploaded: str | None
    satisfies_requirements: bool


class HereJSON(TypedDict):
    ok: bool
    detail: str


class OptionalLanguageJSON(TypedDict):
    language: str
    when: str  # the options (off by default) or the check that would enable it
    evidence: str


class SystemLibraryJSON(TypedDict):
    key: str
    name: str
    required: bool  # False: the build uses it when found
    evidence: str
    install: str | None  # on this target; None when the target is not known here


class BuildJSON(TypedDict):
    backend: str | None
    build_backend: str | None
    requires: list[str]
    languages: list[str]
    tools: list[str]
    notes: list[str]
    evidence: list[list[str]]
    advice: list[str]
    unknown: str
    here: HereJSON | None
    optional_languages: list[OptionalLanguageJSON]
    system_libraries: list[SystemLibraryJSON]


class SkippedNewerJSON(TypedDict):
    oldest: str
    newest: str
    reason: str
    why: str


class PackageJSON(TypedDict):
    name: str
    version: str | None
    verdict: str
    file: str | None
    url: str | None
    tag: str | None
    required_by: list[str]
    yanked: bool
    dependencies_known: bool
    metadata_source: str | None
    older_wheel: NearbyJSON | None
    newer_wheel: NearbyJSON | None
    detail: str
    build: BuildJSON | None
    facts: list[str]
    source: str
    conflict: list[str]  # for "conflict": each side, with who asks for it
    skipped_newer: SkippedNewerJSON | None


class ResultJSON(TypedDict):
    target: str
    resolvable: bool
    summary: dict[str, int]
    packages: list[PackageJSON]
    errors: list[str]
    notes: list[str]


class CheckJSON(TypedDict):
    schema: str
    wheelcast: str
    requirements: list[str]
    exclude_newer: str | None
    targets: list[TargetJSON]
    results: list[ResultJSON]


def _version(parts: tuple[int, int] | None) -> str | None:
    return ".".join(map(str, parts)) if parts else None


def target_json(target: Target) -> TargetJSON:
    platform = target.platform
    return {
        "id": target.id,
        "name": target.name,
        "python": target.python.short,
        "implementation": target.python.implementation,
        "platform": platform.tag,
        "os": platform.os,
        "arch": platform.arch,
        "libc": platform.libc,
        "libc_version": _version(platform.libc_version),
        "macos_version": _version(platform.macos_version),
    }


def nearby_json(wheel: NearbyWheel | None) -> NearbyJSON | None:
    if wheel is None:
        return None
    return {
        "version": str(wheel.version),
        "uploaded": wheel.upload_time,
        "satisfies_requirements": wheel.satisfies,
    }


def _libraries_json(build: BuildInfo, platform: Platform | None) -> list[SystemLibraryJSON]:
    found: list[SystemLibraryJSON] = []
    for need in build.needs.libraries if build.needs else ():
        entry = library(need.key)
        found.append(
            {
                "key": need.key,
                "name": entry.name,
                "required": need.required,
                "evidence": need.evidence,
                "install": install_line(entry, platform) if platform else None,
            }
        )
    return found


def build_json(build: BuildInfo | None, platform: Platform | None = None) -> BuildJSON | None:
    if build is None:
        return None
    needs = build.needs
    return {
        "backend": needs.backend if needs else None,
        "build_backend": needs.build_backend if needs else None,
        "requires": list(needs.requires) if needs else [],
        "languages": list(build.languages),
        "tools": list(needs.tools) if needs else [],
        "notes": list(needs.notes) if needs else [],
        "evidence": [list(e) for e in needs.evidence] if needs else [],
        "advice": list(build.advice),
        "unknown": build.unknown,
        "here": {"ok": build.here[0], "detail": build.here[1]} if build.here else None,
        "optional_languages": [
            {"language": language, "when": when, "evidence": why}
            for language, when, why in (needs.optional if needs else ())
        ],
        "system_libraries": _libraries_json(build, platform),
    }


def package_json(package: Forecast, platform: Platform | None = None) -> PackageJSON:
    return {
        "name": package.name,
        "version": str(package.version) if package.version is not None else None,
        "verdict": package.verdict.value,
        "file": package.file.filename if package.file else None,
        "url": package.file.url if package.file else None,
        "tag": str(package.tag) if package.tag else None,
        "required_by": list(package.required_by),
        "yanked": package.yanked,
        "dependencies_known": package.dependencies_known,
        "metadata_source": package.metadata_source,
        "older_wheel": nearby_json(package.older_wheel),
        "newer_wheel": nearby_json(package.newer_wheel),
        "detail": package.detail,
        "build": build_json(package.build, platform),
        "facts": list(package.facts),
        "source": package.source,
        "conflict": list(package.conflict),
        "skipped_newer": _skipped_newer_json(package.skipped_newer),
    }


def _skipped_newer_json(skipped: SkippedNewer | None) -> SkippedNewerJSON | None:
    if skipped is None:
        return None
    return {
        "oldest": str(skipped.oldest),
        "newest": str(skipped.newest),
        "reason": skipped.reason.label,
        "why": skipped.text,
    }


def result_json(forecast: TargetForecast) -> ResultJSON:
    return {
        "target": forecast.target.id,
        "resolvable": forecast.resolvable,
        "summary": {v.value: len(forecast.with_verdict(v)) for v in Verdict},
        "packages": [package_json(p, forecast.target.platform) for p in forecast.packages],
        "errors": list(forecast.errors),
        "notes": list(forecast.notes),
    }


def document(result: CheckResult) -> CheckJSON:
    return {
        "schema": SCHEMA,
        "wheelcast": __version__,
        "requirements": [str(r) for r in result.requirements],
        "exclude_newer": result.exclude_newer.isoformat() if result.exclude_newer else None,
        "targets": [target_json(f.target) for f in result.forecasts],
        "results": [result_json(f) for f in result.forecasts],
    }


def dumps(value: object, indent: str = "", *, depth: int = 2) -> str:
    """``value`` as JSON, indented two spaces for ``depth`` levels, compact below.

    A matrix holds thousands of small objects: json's indenting encoder is pure Python and
    took a tenth of a warm run, while its compact one is C. One package a line also reads
    and diffs well.
    """
    if depth < 0 or not isinstance(value, dict | list) or not value:
        return json.dumps(value, separators=(", ", ": "))
    inner = indent + "  "
    if isinstance(value, dict):
        items = [
            f"{inner}{json.dumps(k)}: {dumps(v, inner, depth=depth - 1)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    items = [inner + dumps(v, inner, depth=depth - 1) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + indent + "]"


class JsonReporter:
    def render(self, result: CheckResult, out: TextIO) -> None:
        # document > "results" > a result > "packages" > one package a line
        out.write(dumps(document(result), depth=3))
        out.write("\n")
