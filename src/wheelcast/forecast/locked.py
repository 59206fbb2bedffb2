"""Forecasts for what a lock file pins, per target, without resolving.

A lock already chose the versions; what is left to forecast is which file pip (or uv,
or poetry) installs on each target. Where the lock lists its files, they are judged
exactly as index files are (tags, requires-python, pip's sort key), except that
``--exclude-newer`` cuts none of them (a lock is installed as pinned), and no index is
asked; where it gives only a pinned version (Pipfile.lock), the index is, cutoff
included. A direct wheel (by URL or path) is judged by its tags as from any other
input; other direct sources (paths, VCS, sdists) are reported as ``direct``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import urllib.parse
from collections.abc import Sequence

from packaging.specifiers import SpecifierSet
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from wheelcast.forecast.resolve import Catalog, Options, Repository, file_environment
from wheelcast.forecast.select import (
    BinaryPolicy,
    Environment,
    Fit,
    ProjectView,
    evaluate,
    sort_key,
)
from wheelcast.forecast.verdict import Forecast, TargetForecast, Verdict, classify
from wheelcast.index.models import DistFile
from wheelcast.inputs import LockedFile, LockedPackage, ProjectInput, lock_covers, needed
from wheelcast.targets import Target
from wheelcast.targets.environment import environment_of

LOCKED = "(locked)"


def forecast_locked(
    project: ProjectInput,
    target: Target,
    options: Options,
    repository: Repository | None = None,
) -> TargetForecast:
    """What installing ``project``'s lock does on ``target``, package by package."""
    environment = environment_of(target).markers
    errors: list[str] = []
    uncovered = lock_covers(project, environment)
    if uncovered is not None:
        errors.append(f"the lock was not made for this target: {uncovered}")
    env = file_environment(target, options)
    catalog = Catalog(repository) if repository is not None else None
    needs = needed(project, environment)
    packages = tuple(_forecast(package, env, catalog, options) for package in needs)
    notes = project.notes
    if options.exclude_newer is not None:
        notes += (_cutoff_note(project, options.exclude_newer),)
    return TargetForecast(target, packages, tuple(errors), notes)


def _cutoff_note(project: ProjectInput, cutoff: dt.datetime) -> str:
    """--exclude-newer and a lock: what the cutoff does, said once per target.

    A lock is pinned: ``uv sync --frozen``, ``poetry install``, ``pdm sync`` and
    ``pip install -r pylock.toml`` install the files it names whatever their upload
    date, and poetry, pdm and pip's lock record no upload time to cut by. So the cutoff
    judges only what comes from the index: the files of a version pinned without them
    (Pipfile.lock).
    """
    when = f"{cutoff:%Y-%m-%d %H:%M} UTC"
    if any(p.needs_index for p in project.locked):
        return (
            f"--exclude-newer {when} applies to the files the index lists for each pinned"
            " version; the pins themselves are the lock's"
        )
    return (
        f"--exclude-newer {when} is not applied: the lock pins its files, which are"
        " installed whatever their upload date"
    )


def _forecast(
    package: LockedPackage, env: Environment, catalog: Catalog | None, options: Options
) -> Forecast:
    name = canonicalize_name(package.name)
    version = _version(package.version)
    if package.direct is not None:
        return _forecast_direct(package, name, version, env)
    if package.needs_index:
        if catalog is None or version is None:
            return _missing(package, name, version, "the lock names no files and no index")
        fit = _index_fit(catalog, name, version, env)
        if fit is None and env.exclude_newer is not None:
            uncut = dataclasses.replace(env, exclude_newer=None)
            if _index_fit(catalog, name, version, uncut) is not None:
                when = f"{env.exclude_newer:%Y-%m-%d %H:%M} UTC"
                why = f"the files that fit were uploaded after the --exclude-newer cutoff ({when})"
                return _missing(package, name, version, why)
        return _from_fit(package, name, version, fit, f"{package.source} pin, files from the index")
    # The lock pins these very files: no cutoff applies (see _cutoff_note).
    fits, misses = _judge(package.files, name, dataclasses.replace(env, exclude_newer=None))
    if not fits:
        closest = max(misses, key=lambda m: m[0], default=None)
        why = f"closest: {closest[1]}" if closest else "the lock lists no files"
        return _missing(package, name, version, f"no file the lock lists fits; {why}")
    best = max(fits, key=lambda f: sort_key(f, options.policy))
    return _from_fit(package, name, version, best, package.source)


def _forecast_direct(
    package: LockedPackage, name: NormalizedName, version: Version | None, env: Environment
) -> Forecast:
    wheels = _direct_wheels(package)
    if not wheels:
        return Forecast(
            name, version, Verdict.DIRECT, None, (LOCKED,),
            detail=f"builds from source: {package.direct}", source=package.source,
        )  # fmt: skip
    # A wheel by URL or path is installed as it is where its tags fit, as from an
    # argument or a requirements file; no index cutoff or binary option applies.
    fits, misses = _judge(
        wheels, name, dataclasses.replace(env, exclude_newer=None, policy=BinaryPolicy())
    )
    if fits:
        best = max(fits, key=lambda f: sort_key(f, BinaryPolicy()))
        return _from_fit(package, name, version, best, package.source)
    closest = max(misses, key=lambda m: m[0])
    return _missing(package, name, version, f"the direct wheel does not fit: {closest[1]}")


def _direct_wheels(package: LockedPackage) -> list[LockedFile]:
    wheels = [f for f in package.files if f.is_wheel]
    direct = package.direct or ""
    if not wheels and direct.endswith(".whl"):
        filename = urllib.parse.unquote(direct.replace("\\", "/").rsplit("/", 1)[-1])
        wheels.append(LockedFile(filename, direct))
    return wheels


def _index_fit(catalog: Catalog, name: str, version: Version, env: Environment) -> Fit | None:
    view = ProjectView(catalog.releases(canonicalize_name(name)), env)
    candidates = view.candidates(SpecifierSet(f"=={version}"), allow_prereleases=True)
    return next(iter(candidates), None)


def _judge(
    files: Sequence[LockedFile], name: str, env: Environment
) -> tuple[list[Fit], list[tuple[int, str]]]:
    fits: list[Fit] = []
    misses: list[tuple[int, str]] = []
    for locked in files:
        result = evaluate(_dist_file(locked), canonicalize_name(name), env)
        if isinstance(result, Fit):
            fits.append(result)
        else:
            misses.append((int(result.reason), f"{locked.filename}: {result.detail}"))
    return fits, misses


def _dist_file(locked: LockedFile) -> DistFile:
    uploaded = None
    if locked.upload_time:
        try:
            uploaded = dt.datetime.fromisoformat(locked.upload_time.replace("Z", "+00:00"))
        except ValueError:
            uploaded = None
    return DistFile(
        filename=locked.filename,
        url=locked.url or locked.filename,
        hashes=tuple(sorted(locked.hashes.items())),
        requires_python=locked.requires_python,
        upload_time=uploaded,
    )


def _version(text: str | None) -> Version | None:
    try:
        return Version(text) if text else None
    except InvalidVersion:
        return None


def _from_fit(
    package: LockedPackage, name: str, version: Version | None, fit: Fit | None, source: str
) -> Forecast:
    if fit is None:
        return _missing(package, name, version, "no file of the pinned version fits")
    return Forecast(
        canonicalize_name(name),
        fit.version,
        classify(fit),
        fit.file,
        (LOCKED,),
        tag=fit.tag,
        yanked=fit.yanked,
        source=source,
    )


def _missing(package: LockedPackage, name: str, version: Version | None, why: str) -> Forecast:
    pinned = f"the lock pins {name} {package.version or '?'}"
    return Forecast(
        canonicalize_name(name), version, Verdict.MISSING, None, (LOCKED,),
        detail=f"{pinned} with no distribution for this target: {why}", source=package.source,
    )  # fmt: skip
