"""What pip install would do for each package on each target."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from packaging.specifiers import SpecifierSet
from packaging.tags import Tag
from packaging.utils import NormalizedName
from packaging.version import Version

from wheelcast.index.models import DistFile
from wheelcast.resolve import Pin, Resolution
from wheelcast.select import FileKind, Fit, ProjectFiles, Rejection
from wheelcast.targets import Target


class Verdict(enum.Enum):
    """The outcome for one package on one target, from best to worst."""

    BINARY = "binary"  # a platform-specific or abi3 wheel installs
    PURE = "pure"  # a platform-independent (``-any``) wheel installs
    BUILD = "build"  # no wheel fits: pip builds the sdist, which needs a toolchain
    MISSING = "missing"  # nothing fits: pip fails


@dataclass(frozen=True, slots=True)
class NearbyWheel:
    """The closest version on one side that has a wheel for the target."""

    version: Version
    upload_time: str | None  # ISO date of the wheel's upload, when the index says
    satisfies: bool  # whether the requirements on this package allow it


@dataclass(frozen=True, slots=True)
class Forecast:
    """One resolved package on one target."""

    name: NormalizedName
    version: Version | None
    verdict: Verdict
    file: DistFile | None
    required_by: tuple[str, ...]  # parents' names; "(requested)" for a top-level requirement
    tag: Tag | None = None  # the wheel tag that matched, best one
    yanked: bool = False
    dependencies_known: bool = True
    metadata_source: str | None = None
    older_wheel: NearbyWheel | None = None  # newest older version with a fitting wheel
    newer_wheel: NearbyWheel | None = None  # oldest newer version with a fitting wheel
    detail: str = ""  # for MISSING: the closest miss; for BUILD: why no wheel fits


@dataclass(frozen=True, slots=True)
class TargetForecast:
    """Everything wheelcast forecasts for one target."""

    target: Target
    packages: tuple[Forecast, ...]
    errors: tuple[str, ...] = ()  # why pip could not resolve at all (conflicts)
    notes: tuple[str, ...] = ()

    @property
    def resolvable(self) -> bool:
        return not self.errors

    def with_verdict(self, verdict: Verdict) -> tuple[Forecast, ...]:
        return tuple(p for p in self.packages if p.verdict is verdict)


def worst(verdicts: list[Verdict]) -> Verdict | None:
    order = list(Verdict)
    return max(verdicts, key=order.index) if verdicts else None


def classify(fit: Fit | None) -> Verdict:
    match fit:
        case None:
            return Verdict.MISSING
        case Fit(kind=FileKind.SDIST):
            return Verdict.BUILD
        case Fit(tag=tag) if tag is not None and tag.platform == "any":
            return Verdict.PURE
        case _:
            return Verdict.BINARY


def forecast(resolution: Resolution) -> TargetForecast:
    """Turn one target's resolution into verdicts."""
    return TargetForecast(
        target=resolution.target,
        packages=tuple(_forecast_pin(pin) for pin in resolution.pins),
        errors=resolution.errors,
        notes=resolution.notes,
    )


def _forecast_pin(pin: Pin) -> Forecast:
    verdict = classify(pin.fit)
    older, newer = nearby_wheels(pin.files, pin.version, pin.specifier)
    detail = ""
    if verdict is Verdict.MISSING:
        detail = closest_miss(pin.files, pin.specifier)
    elif verdict is Verdict.BUILD and pin.version is not None:
        detail = closest_miss(pin.files, pin.specifier, version=pin.version, wheels_only=True)
    metadata = pin.metadata
    return Forecast(
        name=pin.name,
        version=pin.version,
        verdict=verdict,
        file=pin.fit.file if pin.fit else None,
        required_by=pin.required_by,
        tag=pin.fit.tag if pin.fit else None,
        yanked=bool(pin.fit and pin.fit.yanked),
        dependencies_known=metadata.dependencies_known if metadata else True,
        metadata_source=metadata.source if metadata else None,
        older_wheel=older if verdict in (Verdict.BUILD, Verdict.MISSING) else None,
        newer_wheel=newer if verdict in (Verdict.BUILD, Verdict.MISSING) else None,
        detail=detail,
    )


def nearby_wheels(
    files: ProjectFiles, version: Version | None, specifier: SpecifierSet
) -> tuple[NearbyWheel | None, NearbyWheel | None]:
    """The newest older and the oldest newer version with a wheel that fits the target."""
    wheel_versions: dict[Version, Fit] = {}
    for fit in files.fits:
        if fit.kind is FileKind.WHEEL and not fit.yanked:
            wheel_versions.setdefault(fit.version, fit)
    older = [v for v in wheel_versions if version is None or v < version]
    newer = [v for v in wheel_versions if version is not None and v > version]

    def nearby(v: Version) -> NearbyWheel:
        uploaded = wheel_versions[v].file.upload_time
        return NearbyWheel(
            v,
            uploaded.date().isoformat() if uploaded else None,
            specifier.contains(v, prereleases=True),
        )

    return (
        nearby(max(older)) if older else None,
        nearby(min(newer)) if newer else None,
    )


def closest_miss(
    files: ProjectFiles,
    specifier: SpecifierSet,
    *,
    version: Version | None = None,
    wheels_only: bool = False,
) -> str:
    """Why nothing (or no wheel) of the relevant version fits, naming the closest miss."""
    rejections = [
        r
        for r in files.rejections
        if r.version is not None
        and (version is None or r.version == version)
        and (not wheels_only or r.file.is_wheel)
    ]
    if version is None:
        allowed = [
            r for r in rejections if specifier.contains(r.version or Version("0"), prereleases=True)
        ]
        if not files.fits and not files.rejections:
            return "the index lists no files for this project"
        if not allowed:
            return f"no version matches '{specifier}'" if str(specifier) else "no usable file"
        newest = max(r.version for r in allowed if r.version is not None)
        rejections = [r for r in allowed if r.version == newest]
    if not rejections:
        return "no wheels were published for this version" if wheels_only else ""
    best: Rejection = max(rejections, key=lambda r: r.reason)
    return f"{best.file.filename}: {best.detail}"
