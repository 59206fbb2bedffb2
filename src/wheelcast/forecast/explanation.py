"""One package on one target: every file, why it fits or not, and what pip picks.

``explain`` resolves the requirement as ``check`` does (so the version is the one pip
would install, dependencies included), then looks at that project's releases from the
target's side: the files of the chosen version with their verdicts, the newer versions
pip passed over and why, and the nearest releases that do have a wheel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag
from packaging.utils import NormalizedName, canonicalize_name, parse_wheel_filename
from packaging.version import Version

from wheelcast.forecast.annotate_builds import Analyzer, LocalBuild, annotate
from wheelcast.forecast.check import IndexOptions, open_repository, sdist_reader, worker_processes
from wheelcast.forecast.observe import ObservedRepository, Observer, Stage, Tally, sdists_told
from wheelcast.forecast.resolve import (
    Catalog,
    Options,
    Repository,
    constraints_on,
    file_environment,
    resolve,
)
from wheelcast.forecast.select import (
    Fit,
    ProjectView,
    Reason,
    Rejection,
    is_pinned,
    sort_key,
)
from wheelcast.forecast.verdict import Forecast, NearbyWheel, Verdict, forecast, nearby_wheel
from wheelcast.index.models import DistFile
from wheelcast.inputs import parse_requirement
from wheelcast.targets import Target


@dataclass(frozen=True, slots=True)
class FileVerdict:
    """One file of the chosen version, as the target sees it."""

    file: DistFile
    fits: bool
    chosen: bool  # the file pip would install
    tag: Tag | None = None  # for a fitting wheel: its best tag for the target
    priority: int | None = None  # that tag's rank in the target's list (0 = best)
    reason: Reason | None = None  # for a file that does not fit
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SkippedVersions:
    """A run of consecutive versions newer than the chosen one, skipped for one reason."""

    newest: Version
    oldest: Version
    count: int
    why: str


@dataclass(frozen=True, slots=True)
class PlatformGap:
    """No release of the project has a wheel for the target's platform, for any Python.

    Then the platform is the reason, not the closest file: a wheel of another platform
    would not be near to fitting after any change of version or Python.
    """

    platform: str  # the target's platform tag, as users read it (win_arm64)
    version: Version | None  # the release whose wheels ``nearest`` lists
    nearest: tuple[str, ...]  # that release's wheel platforms, nearest first
    # The first release with such a wheel when only releases past --exclude-newer have one.
    after_cutoff: Version | None = None


@dataclass(frozen=True, slots=True)
class Explanation:
    """Everything ``explain`` says about one package on one target."""

    requirement: Requirement
    target: Target
    name: NormalizedName
    package: Forecast | None  # None when the requirement does not apply to the target
    why: str  # why pip picks this version
    files: tuple[FileVerdict, ...]  # fits best first, then misses closest first
    skipped: tuple[SkippedVersions, ...]  # newer versions pip passes over, newest first
    older_wheel: NearbyWheel | None
    newer_wheel: NearbyWheel | None
    first_wheel: NearbyWheel | None  # the first release with a wheel for the target
    emulation: str | None  # Windows on Arm: what an x64 Python would install instead
    # For a build or a missing package: the platforms the chosen version does have
    # wheels for, for this Python and ABI (the wheels that miss only by platform).
    other_platforms: tuple[str, ...] = ()
    # --installer: why that release refuses the wheel the target itself would take
    installer_refusal: str | None = None
    errors: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    platform_gap: PlatformGap | None = None  # for a build or a missing package


def explain(
    requirement: str | Requirement,
    target: Target,
    *,
    options: Options | None = None,
    index: IndexOptions | None = None,
    repository: Repository | None = None,
    build_needs: bool = True,
    local: LocalBuild | None = None,
    progress: Observer | None = None,
) -> Explanation:
    """Explain what ``pip install REQUIREMENT`` does on ``target``, file by file.

    With ``build_needs``, a chosen sdist is read for what its build needs; ``local``
    checks whether that build would succeed on this machine (a target read off a real
    interpreter here). ``progress`` is told what is read, as ``check`` tells it.
    """
    options = options or Options()
    req = requirement if isinstance(requirement, Requirement) else parse_requirement(requirement)
    here = {target.id: local} if local else None
    tally = Tally(progress) if progress is not None else None
    if repository is not None:
        return _explain(req, target, options, repository, None, here, tally)
    index = index or IndexOptions()
    with worker_processes(index) as workers, open_repository(index, workers) as session:
        if not build_needs:
            return _explain(req, target, options, session, None, here, tally)
        with sdist_reader(session, index, workers) as analyze:
            return _explain(req, target, options, session, analyze, here, tally)


def _explain(  # noqa: PLR0917 - private: explain() passes everything it resolved
    req: Requirement,
    target: Target,
    options: Options,
    repository: Repository,
    analyze: Analyzer | None,
    local: Mapping[str, LocalBuild] | None,
    tally: Tally | None = None,
) -> Explanation:
    name = canonicalize_name(req.name)
    if tally is not None:
        repository = ObservedRepository(repository, tally)
        analyze = sdists_told(analyze, tally) if analyze is not None else None
        tally(Stage.TARGET, target.id)
    catalog = Catalog(repository)
    resolution = forecast(resolve(target, [req], repository, options, catalog))
    if tally is not None:
        tally(Stage.TARGET, target.id, done=True)
    (result,) = annotate([resolution], analyze, local)
    package = next((p for p in result.packages if p.name == name), None)
    view = ProjectView(catalog.releases(name), file_environment(target, options))
    specifier = req.specifier & constraints_on(target, options.constraints).get(
        name, SpecifierSet()
    )
    files = _files(view, package)
    pre = options.pre or bool(specifier.prereleases)
    older, newer = view.wheels_beside(package.version if package else None, prereleases=pre)
    return Explanation(
        requirement=req,
        target=target,
        name=name,
        package=package,
        why=_why(package, specifier, options),
        files=files,
        skipped=_skipped(view, package, specifier, options),
        older_wheel=nearby_wheel(older, specifier),
        newer_wheel=nearby_wheel(newer, specifier),
        first_wheel=nearby_wheel(_first_wheel(view, prereleases=pre), specifier),
        emulation=_emulation(target, view, package),
        other_platforms=_other_platforms(files, package, view.env.refused),
        installer_refusal=_installer_refusal(files, package, view.env.refused),
        errors=result.errors,
        notes=result.notes,
        platform_gap=_platform_gap(view, package, specifier, prereleases=pre),
    )


def _platform_gap(
    view: ProjectView, package: Forecast | None, specifier: SpecifierSet, *, prereleases: bool
) -> PlatformGap | None:
    """A :class:`PlatformGap` when no visible release has a wheel for the target's platform."""
    if package is None or package.verdict not in (Verdict.BUILD, Verdict.MISSING):
        return None
    platforms = view.env.platforms
    cutoff = view.env.exclude_newer
    after: Version | None = None
    for release in view.releases.releases:  # newest first: ``after`` ends the oldest
        # The platform tags end a wheel's name: most files are ruled out by that alone.
        named = [
            name
            for group in release.groups
            for name in group.filenames
            if name.endswith(".whl") and not platforms.isdisjoint(_platform_part(name))
        ]
        if not named:
            continue
        uploads = [f.upload_time for f in release.files if f.filename in named]
        if cutoff is None or any(t is not None and t <= cutoff for t in uploads):
            return None
        after = release.version
    index = _nearest_release(view, package, specifier, prereleases=prereleases)
    version: Version | None = None
    nearest: tuple[str, ...] = ()
    if index is not None:
        version = view.releases.releases[index].version
        nearest = _nearest_platforms(view, view.release(index)[1])
    return PlatformGap(view.env.tags[0].platform if view.env.tags else "", version, nearest, after)


def _platform_part(filename: str) -> list[str]:
    return filename[:-4].rpartition("-")[2].split(".")


def _nearest_release(
    view: ProjectView, package: Forecast, specifier: SpecifierSet, *, prereleases: bool
) -> int | None:
    """The chosen release or, when nothing installs, the newest one the requirement and
    the cutoff allow; then the first of it and the older ones that has wheels at all."""
    releases = view.releases.releases
    if package.version is not None:
        start: int | None = view.releases.index.get(package.version)
    else:
        start = next(
            (
                i
                for i, release in enumerate(releases)
                if specifier.contains(release.version, prereleases=True)
                and (prereleases or not release.version.is_prerelease)
                and not release.wholly_after(view.env.exclude_newer)
            ),
            None,
        )
    if start is None:
        return None
    for i in range(start, len(releases)):
        if releases[i].wholly_after(view.env.exclude_newer):
            continue
        rejections = view.release(i)[1]
        if any(
            r.file.is_wheel and r.reason is not Reason.UPLOADED_AFTER_CUTOFF for r in rejections
        ):
            return i
    return None


def _nearest_platforms(view: ProjectView, rejections: list[Rejection]) -> tuple[str, ...]:
    """The platforms of a release's wheels, nearest first (the same OS, then 64-bit);
    those whose Python and ABI fit (only the platform misses) first of all."""
    wheels = [
        r for r in rejections if r.file.is_wheel and r.reason is not Reason.UPLOADED_AFTER_CUTOFF
    ]
    platforms: dict[str, None] = {}
    for rejection in sorted(wheels, key=view.closeness, reverse=True):
        platforms.update(dict.fromkeys(sorted(_platform_part(rejection.file.filename))))
    return tuple(platforms)


def _other_platforms(
    files: tuple[FileVerdict, ...], package: Forecast | None, refused: Mapping[Tag, str]
) -> tuple[str, ...]:
    if package is None or package.verdict in (Verdict.BINARY, Verdict.PURE):
        return ()
    platforms: dict[str, None] = {}
    for verdict in files:
        if verdict.reason is Reason.PLATFORM:
            tags = parse_wheel_filename(verdict.file.filename)[3]
            if not any(t in refused for t in tags):  # the target's own platform
                platforms.update(dict.fromkeys(sorted(t.platform for t in tags)))
    return tuple(platforms)


def _installer_refusal(
    files: tuple[FileVerdict, ...], package: Forecast | None, refused: Mapping[Tag, str]
) -> str | None:
    if package is None or package.verdict in (Verdict.BINARY, Verdict.PURE):
        return None
    for verdict in files:
        if verdict.reason is Reason.PLATFORM and verdict.file.is_wheel:
            tags = parse_wheel_filename(verdict.file.filename)[3]
            why = next((refused[t] for t in tags if t in refused), None)
            if why is not None:
                return f"{verdict.file.filename}: {why}"
    return None


def _files(view: ProjectView, package: Forecast | None) -> tuple[FileVerdict, ...]:
    if package is None or package.version is None:
        return ()
    index = view.releases.index[package.version]
    fits, rejections = view.release(index)
    chosen = package.file.filename if package.file else None
    shown = [
        FileVerdict(
            f.file, fits=True, chosen=f.file.filename == chosen, tag=f.tag, priority=f.priority
        )
        for f in sorted(fits, key=lambda f: sort_key(f, view.env.policy), reverse=True)
    ]
    shown += [
        FileVerdict(r.file, fits=False, chosen=False, reason=r.reason, detail=r.detail)
        for r in sorted(rejections, key=view.closeness, reverse=True)
    ]
    return tuple(shown)


def _why(package: Forecast | None, specifier: SpecifierSet, options: Options) -> str:
    if package is None:
        return "the requirement's marker does not hold on this target: pip skips it"
    if package.version is None:
        return "no version has a file that installs on this target"
    rule = f"allowed by '{specifier}'" if str(specifier) else "available"
    when = (
        f", uploaded before {options.exclude_newer.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
        if options.exclude_newer
        else ""
    )
    kind = "its sdist" if package.verdict is Verdict.BUILD else "a wheel"
    how = (
        "pip takes the newest version with any installable file, so a newer sdist wins"
        " over an older wheel"
        if kind == "its sdist" and not options.policy.prefer_binary
        else "pip takes the best file of the newest version it can install"
    )
    pinned = " (pinned)" if is_pinned(specifier) else ""
    return (
        f"{package.version} is the newest version {rule}{pinned}{when} with a file for this"
        f" target, and {kind} fits: {how}"
    )


def _skipped(
    view: ProjectView, package: Forecast | None, specifier: SpecifierSet, options: Options
) -> tuple[SkippedVersions, ...]:
    """Newer versions than the chosen one, newest first, runs with one reason merged."""
    if package is None:
        return ()
    runs: list[SkippedVersions] = []
    for i, release in enumerate(view.releases.releases):
        if package.version is not None and release.version <= package.version:
            break
        why = _skip_reason(view, i, specifier, options)
        if runs and runs[-1].why == why:
            last = runs[-1]
            runs[-1] = SkippedVersions(last.newest, release.version, last.count + 1, why)
        else:
            runs.append(SkippedVersions(release.version, release.version, 1, why))
    return tuple(runs)


def _skip_reason(  # noqa: PLR0911 - one answer per reason pip has
    view: ProjectView, index: int, specifier: SpecifierSet, options: Options
) -> str:
    release = view.releases.releases[index]
    if not specifier.contains(release.version, prereleases=True):
        return f"excluded by '{specifier}'"
    fits, rejections = view.release(index)
    if (
        not fits
        and rejections
        and all(r.reason is Reason.UPLOADED_AFTER_CUTOFF for r in rejections)
    ):
        return "uploaded after the --exclude-newer cutoff"
    if release.version.is_prerelease and not (options.pre or specifier.prereleases):
        return "a pre-release (pip takes one only with --pre or when named)"
    if not fits:
        closest = max(rejections, key=view.closeness, default=None)
        if closest is None:
            return "no files"
        return f"no file fits: closest {closest.file.filename}: {closest.detail}"
    if all(f.yanked for f in fits):
        reason = fits[-1].file.yanked or "no reason given"
        return f"yanked ({reason}); pip takes it only when pinned with =="
    return "it fits, but the other requirements rule it out (pip backtracked past it)"


def _first_wheel(view: ProjectView, *, prereleases: bool) -> Fit | None:
    """The oldest release with a wheel that installs on the target."""
    releases = view.releases.releases
    oldest_first = [
        i
        for i in range(len(releases) - 1, -1, -1)
        if prereleases or not releases[i].version.is_prerelease
    ]
    return view.first_wheel(oldest_first)


def _emulation(target: Target, view: ProjectView, package: Forecast | None) -> str | None:
    """On Windows on Arm, an x64 Python runs emulated and takes win_amd64 wheels."""
    platform = target.platform
    if platform.os != "windows" or platform.arch != "arm64" or package is None:
        return None
    if package.version is None or package.verdict in (Verdict.BINARY, Verdict.PURE):
        return None
    index = view.releases.index[package.version]
    _, rejections = view.release(index)
    x64 = [r for r in rejections if _amd64(r)]
    if not x64:
        return None
    return (
        f"an x64 Python ({target.python.short}, e.g. `py -{target.python.short}-64`) runs"
        f" under Windows' x64 emulation and would install {x64[0].file.filename}; emulated"
        " code runs noticeably slower than native Arm64 code, and every extension module in"
        " that environment must be x64 too"
    )


def _amd64(rejection: Rejection) -> bool:
    # A platform miss means the Python and ABI tags fit: only the machine differs.
    return rejection.reason is Reason.PLATFORM and rejection.file.filename.endswith("win_amd64.whl")
