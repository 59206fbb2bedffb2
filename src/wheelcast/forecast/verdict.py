"""What pip install would do for each package on each target."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from packaging.specifiers import SpecifierSet
from packaging.tags import Tag
from packaging.utils import NormalizedName
from packaging.version import Version

from wheelcast.forecast.resolve import REQUESTED, DirectReference, PassedOver, Pin, Resolution
from wheelcast.forecast.select import FileKind, Fit, Reason, Rejection
from wheelcast.index._dist import variant_wheel
from wheelcast.index.models import DistFile
from wheelcast.sdist import BuildNeeds
from wheelcast.targets import Target


class Verdict(enum.Enum):
    """The outcome for one package on one target, from best to worst."""

    BINARY = "binary"  # a platform-specific or abi3 wheel installs
    PURE = "pure"  # a platform-independent (``-any``) wheel installs
    BUILD = "build"  # no wheel fits: pip builds the sdist, which needs a toolchain
    MISSING = "missing"  # nothing fits: pip fails
    # Each requirement on it fits, but not all at once: pip fails (ResolutionImpossible).
    CONFLICT = "conflict"
    # A direct URL or local path to an sdist, a VCS checkout or a folder: pip takes it as
    # given, not from an index, and builds it. (A direct wheel is binary, pure or missing
    # by its own tags.)
    DIRECT = "direct"


@dataclass(frozen=True, slots=True)
class NearbyWheel:
    """The closest version on one side that has a wheel for the target."""

    version: Version
    upload_time: str | None  # ISO date of the wheel's upload, when the index says
    satisfies: bool  # whether the requirements on this package allow it


@dataclass(frozen=True, slots=True)
class SkippedNewer:
    """For a wheel of an older version: the newer releases no file of fits the target."""

    oldest: Version  # the first release newer than the pick
    newest: Version
    reason: Reason  # the closest miss among ``oldest``'s files
    why: str  # as said of several releases: "need macOS 14", "have no wheel for win_arm64"

    @property
    def text(self) -> str:
        """``2.12.0+ need macOS 14``; ``2.12.0 needs macOS 14`` when it is the only one."""
        if self.newest != self.oldest:
            return f"{self.oldest}+ {self.why}"
        verb, _, rest = self.why.partition(" ")
        return f"{self.oldest} {_SINGULAR.get(verb, verb)} {rest}"


_SINGULAR = {"need": "needs", "have": "has"}


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """For a ``build`` verdict: what the sdist's build needs, and what to install."""

    needs: BuildNeeds | None  # None: the sdist could not be read (see ``unknown``)
    advice: tuple[str, ...] = ()  # the toolchain to install on the target
    unknown: str = ""  # why the needs are unknown
    # For a target that is this machine: (would the build succeed here, how or why not).
    here: tuple[bool, str] | None = None

    @property
    def languages(self) -> tuple[str, ...]:
        return self.needs.languages if self.needs else ()

    @property
    def fails_here(self) -> bool:
        return self.here is not None and not self.here[0]


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
    build: BuildInfo | None = None  # for BUILD, once the sdist has been read
    facts: tuple[str, ...] = ()  # cited facts about this package on this target
    source: str = "index"  # where the answer came from: the index, or a lock file
    conflict: tuple[str, ...] = ()  # for CONFLICT: each side, with who asks for it
    skipped_newer: SkippedNewer | None = None  # for a wheel: why not a newer version


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
        packages=tuple(_forecast_pin(pin, resolution.target) for pin in resolution.pins),
        errors=resolution.errors,
        notes=resolution.notes,
    )


def _forecast_pin(pin: Pin, target: Target) -> Forecast:
    if pin.direct is not None:
        return _forecast_direct(pin, pin.direct)
    verdict = Verdict.CONFLICT if pin.conflict else classify(pin.fit)
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
        older_wheel=nearby_wheel(pin.older_wheel, pin.specifier),
        newer_wheel=nearby_wheel(pin.newer_wheel, pin.specifier),
        detail=_detail(pin, verdict),
        conflict=pin.conflict,
        skipped_newer=skipped_newer(pin.passed_over, target) if pin.passed_over else None,
    )


def _forecast_direct(pin: Pin, reference: DirectReference) -> Forecast:
    """A direct reference: a wheel judged by its tags, anything else built from source."""
    if pin.conflict:
        verdict = Verdict.CONFLICT
        detail = " conflicts with ".join(pin.conflict)
    elif reference.wheel is None:
        verdict = Verdict.DIRECT
        how = "editable " if reference.editable else ""
        detail = f"builds from source: {how}{reference.location}"
    else:
        verdict = classify(pin.fit)
        miss = pin.misses[0] if pin.misses else None
        detail = (
            f"{miss.file.filename}: {miss.detail}"
            if verdict is Verdict.MISSING and miss is not None
            else ""
        )
    # Asked for by the line that wrote it; required by its parents otherwise.
    required_by = tuple(reference.origin if r == REQUESTED else r for r in pin.required_by)
    return Forecast(
        name=pin.name,
        version=pin.version,
        verdict=verdict,
        file=reference.wheel,
        required_by=required_by or (reference.origin,),
        tag=pin.fit.tag if pin.fit else None,
        dependencies_known=reference.dependencies is not None,
        metadata_source="direct" if reference.dependencies is not None else None,
        detail=detail,
        source=reference.source,
        conflict=pin.conflict,
    )


def skipped_newer(passed: PassedOver, target: Target) -> SkippedNewer | None:
    """Why the newer releases in ``passed`` miss ``target``, said of them all."""
    # The wheels say what the target lacks; a disallowed sdist only that one is there.
    wheels = [r for r in passed.misses if r.file.is_wheel and r.reason in _TAG_REASONS]
    closest = wheels[-1] if wheels else passed.misses[-1] if passed.misses else None
    if closest is None:
        return None
    why: str | None
    match closest.reason:
        case Reason.PLATFORM:
            why = _platform_too_old(passed.misses, target) or (
                f"have no wheel for {target.platform.tag}"
            )
        case Reason.ABI:
            why = f"have no wheel for the {target.python.abi} ABI"
        case Reason.PYTHON_TAG:
            why = f"have no wheel for Python {target.python.short}"
        case Reason.FORMAT_NOT_ALLOWED:
            why = "have only an sdist, which --only-binary rules out"
        case Reason.INVALID_FILENAME if labels := _variant_labels(passed.misses):
            why = f"have only variant wheels ({', '.join(labels)}; PEP 825), which pip skips"
        case _:
            return None
    return SkippedNewer(passed.oldest, passed.newest, closest.reason, why)


def _variant_labels(misses: tuple[Rejection, ...]) -> list[str]:
    """The PEP 825 labels of the variant wheels among ``misses``, in order, once each."""
    labels = [v[1] for r in misses if (v := variant_wheel(r.file.filename))]
    return list(dict.fromkeys(labels))


_TAG_REASONS = frozenset({Reason.PLATFORM, Reason.ABI, Reason.PYTHON_TAG})
_MACOS = re.compile(r"macosx_(\d+)_(\d+)_(\w+)")
_LIBC = re.compile(r"(manylinux|musllinux)_(\d+)_(\d+)_(\w+)")
# The macOS architectures a fat wheel's tag covers (pip's mac_platforms binary formats).
_MACOS_FAT = {
    "arm64": {"arm64", "universal2"},
    "x86_64": {"x86_64", "intel", "fat64", "fat32", "universal", "universal2"},
}


def _platform_too_old(misses: tuple[Rejection, ...], target: Target) -> str | None:
    """ "need macOS 14" / "need glibc 2.34" when the wheels for the target's OS and
    architecture all ask for a newer OS or C library than the target's."""
    platform = target.platform
    needed: list[tuple[int, int]] = []
    for rejection in misses:
        if rejection.reason is not Reason.PLATFORM or not rejection.file.is_wheel:
            continue
        for tag in rejection.file.filename[:-4].rpartition("-")[2].split("."):
            if platform.os == "macos" and (mac := _MACOS.fullmatch(tag)):
                if mac[3] in _MACOS_FAT.get(platform.arch, {platform.arch}):
                    needed.append((int(mac[1]), int(mac[2])))
            elif platform.os == "linux" and (libc := _LIBC.fullmatch(tag)):
                family = "manylinux" if platform.libc == "glibc" else "musllinux"
                if libc[1] == family and libc[4] == platform.arch:
                    needed.append((int(libc[2]), int(libc[3])))
    if not needed:
        return None
    major, minor = min(needed)
    match platform.os:
        case "macos":
            return f"need macOS {major}" if major >= 11 else f"need macOS {major}.{minor}"
        case _:
            return f"need {'glibc' if platform.libc == 'glibc' else 'musl'} {major}.{minor}"


def nearby_wheel(fit: Fit | None, specifier: SpecifierSet) -> NearbyWheel | None:
    """The release of ``fit`` as a hint: its version, upload date, and if it is allowed."""
    if fit is None:
        return None
    uploaded = fit.file.upload_time
    return NearbyWheel(
        fit.version,
        uploaded.date().isoformat() if uploaded else None,
        specifier.contains(fit.version, prereleases=True),
    )


def _detail(pin: Pin, verdict: Verdict) -> str:  # noqa: PLR0911 - one answer per case
    """Why nothing (or, for a build, no wheel) fits, naming the closest miss."""
    match verdict:
        case Verdict.BINARY | Verdict.PURE:
            return ""
        case Verdict.BUILD:
            misses = [r for r in pin.misses if r.file.is_wheel]
            if not misses:
                return "no wheels were published for this version"
            return _closest(misses)
        case Verdict.DIRECT:
            return ""
        case Verdict.CONFLICT:
            return " conflicts with ".join(pin.conflict)
        case Verdict.MISSING:
            if not pin.listed:
                return "the index lists no files for this project"
            if pin.miss_version is None:
                return f"no version matches '{pin.specifier}'"
            if not pin.misses:
                return f"{pin.miss_version}: no usable file"
            return f"{pin.miss_version}: {_closest(list(pin.misses))}"


def _closest(misses: list[Rejection]) -> str:
    best = misses[-1]  # ProjectView.misses sorts the closest last
    return f"{best.file.filename}: {best.detail}"
