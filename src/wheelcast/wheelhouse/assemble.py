"""``make_wheelhouse``: a check's result -> one folder per target, filled, checked, built."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from packaging.utils import canonicalize_name

from wheelcast.forecast.check import CheckResult, IndexOptions, open_repository
from wheelcast.forecast.verdict import Forecast, TargetForecast, Verdict
from wheelcast.index.config import default_index_url
from wheelcast.index.local import copy_local_file
from wheelcast.index.models import DistFile
from wheelcast.index.session import IndexSession
from wheelcast.inputs import ProjectInput
from wheelcast.targets import Target
from wheelcast.wheelhouse.contents import (
    Built,
    NoProgress,
    Placed,
    Progress,
    Skipped,
    TargetHouse,
    Wheelhouse,
)
from wheelcast.wheelhouse.download import (
    Download,
    Pick,
    fetch_files,
    file_sha256,
    folder_lock,
    remove_leftovers,
)
from wheelcast.wheelhouse.pep517_build import build_environment, build_wheel

__all__ = ["LOGS", "folder_name", "install_command", "make_wheelhouse"]

LOGS = "build-logs"  # in each target's folder: pip's --find-links reads no subfolder
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]+")


def folder_name(target: Target) -> str:
    """A folder name for ``target``: its id (``win-arm64@3.12``), made safe for a path."""
    return _UNSAFE.sub("_", target.id).strip("._") or "target"


def install_command(root: str, folder: str) -> str:
    """The command that installs the folder's packages with no index at all."""
    import shlex  # noqa: PLC0415 - only for this line

    where = os.path.join(root, folder)
    return (
        f"pip install --no-index --find-links {shlex.quote(where)}"
        f" -r {shlex.quote(os.path.join(where, 'requirements.txt'))}"
        f" -c {shlex.quote(os.path.join(where, 'constraints.txt'))}"
    )


def _version(package: Forecast) -> str:
    return str(package.version) if package.version is not None else ""


def _plan(
    forecast: TargetForecast, folder: str
) -> tuple[list[Pick], list[Skipped], dict[str, Forecast]]:
    target = forecast.target.id
    picks: list[Pick] = []
    skipped: list[Skipped] = []
    builds: dict[str, Forecast] = {}  # the sdist's filename -> its forecast
    for package in forecast.packages:
        match package.verdict:
            case Verdict.BINARY | Verdict.PURE | Verdict.BUILD if package.file is not None:
                picks.append(
                    Pick(
                        target, folder, package.name, _version(package),
                        package.verdict.value, package.file,
                    )
                )  # fmt: skip
                if package.verdict is Verdict.BUILD:
                    builds[package.file.filename] = package
            case Verdict.DIRECT:
                skipped.append(
                    Skipped(target, package.name, "direct", "a direct reference: pip takes it"
                            " from where the requirement points, not from this folder")
                )  # fmt: skip
            case Verdict.MISSING | Verdict.CONFLICT:
                why = package.detail or "nothing installs"
                skipped.append(Skipped(target, package.name, package.verdict.value, why))
            case _:
                skipped.append(Skipped(target, package.name, package.verdict.value, "no file"))
    return picks, skipped, builds


def _write_text(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def _requirements(project: ProjectInput, placed: Sequence[Placed]) -> str:
    lines = [str(item.requirement) for item in project.requirements]
    if not lines:  # a lock: every package it pins for this target
        lines = sorted({p.name for p in placed})
    return "".join(f"{line}\n" for line in lines)


def _constraints(placed: Sequence[Placed]) -> str:
    pins = sorted({(canonicalize_name(p.name), p.version) for p in placed if p.version})
    header = "# What wheelcast forecast for this target: pip takes exactly these versions.\n"
    return header + "".join(f"{name}=={version}\n" for name, version in pins)


def make_wheelhouse(
    result: CheckResult,
    project: ProjectInput,
    root: Path,
    *,
    index: IndexOptions | None = None,
    interpreters: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
) -> Wheelhouse:
    """Fill ``root`` with a folder per target of ``result``; see the package docstring.

    ``interpreters`` maps the ids of targets that are this machine to the interpreter
    that builds their ``build`` cells; every other target's sdists are only downloaded.
    """
    index = index or IndexOptions()
    interpreters = interpreters or {}
    progress = progress or NoProgress()
    folders: dict[str, str] = {}
    for forecast in result.forecasts:
        name = folder_name(forecast.target)
        while name in folders.values():
            name += "_"
        folders[forecast.target.id] = name
    plans = {f.target.id: _plan(f, folders[f.target.id]) for f in result.forecasts}
    picks = [pick for picks, _, _ in plans.values() for pick in picks]
    try:
        with folder_lock(root):
            for folder in folders.values():
                remove_leftovers(root / folder)
            with open_repository(index) as session:
                if _sources(index) > 1:
                    # Each file is downloaded from the source that lists it, which only the
                    # pages say (a revalidation each: answered 304 when nothing changed).
                    names = list(dict.fromkeys(pick.name for pick in picks))
                    session.prefetch_pages(names)
                    for name in names:
                        session.page(name)
                fetched = fetch_files(picks, root, _downloader(session), progress)
            houses: list[TargetHouse] = []
            removed = 0
            for forecast in result.forecasts:
                target = forecast.target.id
                folder = folders[target]
                placed = [p for p in fetched.placed if p.target == target]
                _, skipped, sdists = plans[target]
                built: list[Built] = []
                interpreter = interpreters.get(target)
                if interpreter is not None and sdists:
                    env = _build_environ(index, environ)
                    for filename, package in sdists.items():
                        progress.building(package.name, target)
                        outcome, wheel = _build(
                            root,
                            target,
                            folder,
                            filename,
                            package,
                            interpreter=interpreter,
                            env=env,
                        )
                        built.append(outcome)
                        if wheel is not None:
                            placed.append(wheel)
                (root / folder).mkdir(parents=True, exist_ok=True)
                _write_text(root / folder / "requirements.txt", _requirements(project, placed))
                _write_text(root / folder / "constraints.txt", _constraints(placed))
                removed += _remove_stale(root / folder, {p.path.rpartition("/")[2] for p in placed})
                houses.append(
                    TargetHouse(
                        forecast.target,
                        folder,
                        tuple(placed),
                        tuple(built),
                        tuple(skipped),
                        resolvable=forecast.resolvable,
                        local=interpreter is not None,
                    )
                )
    finally:
        progress.finish()  # also on an error: the bar must not stay on the terminal
    return Wheelhouse(
        root, tuple(houses), fetched.downloaded, fetched.reused, fetched.linked, removed
    )


_DISTRIBUTIONS = (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz")


def _remove_stale(folder: Path, kept: set[str]) -> int:
    """Delete the distributions an earlier forecast put in ``folder`` and this one did not
    pick: pip's --find-links would see them, and the folder holds exactly the forecast."""
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and path.name.endswith(_DISTRIBUTIONS) and path.name not in kept:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _downloader(session: IndexSession) -> Download:
    """Downloads through the session; a file on this machine (a find-links folder, a
    direct reference to a local wheel) is copied from where it is."""

    def download(file: DistFile, dest: Path, max_bytes: int) -> Path:
        if file.url.startswith("file:"):
            return asyncio.run(copy_local_file(file, dest, max_bytes))
        return session.download(file, dest, max_bytes)

    return download


def _sources(index: IndexOptions) -> int:
    indexes = 0 if index.no_index else 1 + len(index.extra_index_urls)
    return indexes + len(index.find_links)


def _build_environ(index: IndexOptions, environ: Mapping[str, str] | None) -> dict[str, str]:
    url = None if index.no_index else (index.index_url or default_index_url())
    return build_environment(
        os.environ if environ is None else environ,
        index_url=url,
        extra_index_urls=index.extra_index_urls,
        find_links=index.find_links,
        no_index=index.no_index,
    )


def _build(
    root: Path,
    target: str,
    folder: str,
    filename: str,
    package: Forecast,
    *,
    interpreter: str,
    env: Mapping[str, str],
) -> tuple[Built, Placed | None]:
    """Build one sdist of the folder, or take the wheel an earlier run built from it."""
    version = _version(package)
    here = root / folder
    sdist = here / filename
    logs = here / LOGS
    logs.mkdir(exist_ok=True)
    log = logs / f"{filename}.log"
    stamp = logs / f"{filename}.built"  # "<sdist sha256> <wheel> <wheel sha256>"
    rel_log = f"{folder}/{LOGS}/{log.name}"
    rel_sdist = f"{folder}/{filename}"
    sdist_sha = file_sha256(sdist)
    earlier = _earlier_build(stamp, here, sdist_sha)
    if earlier is not None:
        wheel, wheel_sha = earlier
        built = Built(target, package.name, version, rel_sdist, f"{folder}/{wheel}",
                      "built by an earlier run", rel_log)  # fmt: skip
        return built, _placed_wheel(target, folder, wheel, package, wheel_sha, reused=True)
    outcome = build_wheel(sdist, here, interpreter, name=package.name, environ=env)
    _write_text(log, outcome.output)
    if outcome.wheel is None:
        return Built(target, package.name, version, rel_sdist, None,
                     _failure(outcome.why, package), rel_log), None  # fmt: skip
    wheel_sha = file_sha256(outcome.wheel)
    _write_text(stamp, f"{sdist_sha} {outcome.wheel.name} {wheel_sha}\n")
    built = Built(target, package.name, version, rel_sdist, f"{folder}/{outcome.wheel.name}",
                  f"built by {interpreter} -m build (isolated)", rel_log)  # fmt: skip
    return built, _placed_wheel(target, folder, outcome.wheel.name, package, wheel_sha)


def _failure(why: str, package: Forecast) -> str:
    """Why a build failed, with what doctor found missing on this machine when it knows."""
    build = package.build
    if build is not None and build.here is not None and not build.here[0]:
        return f"{build.here[1]} (the build said: {why})"
    if build is not None and build.languages and build.advice:
        return f"{why} (to build it here: {build.advice[0]})"
    return why


def _earlier_build(stamp: Path, here: Path, sdist_sha: str) -> tuple[str, str] | None:
    """The wheel an earlier run built from this very sdist, when it is still there intact."""
    try:
        recorded = stamp.read_text(encoding="utf-8").split()
    except OSError:
        return None
    if len(recorded) != 3 or recorded[0] != sdist_sha:
        return None
    wheel, wheel_sha = recorded[1], recorded[2]
    path = here / wheel
    if os.path.basename(wheel) != wheel or not path.is_file() or file_sha256(path) != wheel_sha:
        return None
    return wheel, wheel_sha


def _placed_wheel(
    target: str, folder: str, wheel: str, package: Forecast, sha256: str, *, reused: bool = False
) -> Placed:
    return Placed(target, f"{folder}/{wheel}", package.name, _version(package), "built",
                  sha256, None, reused=reused)  # fmt: skip
