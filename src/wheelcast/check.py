"""The library entry point: requirements x targets -> forecasts."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from wheelcast.build import build_needs as read_build_needs
from wheelcast.index import IndexSession, build_source
from wheelcast.index.cache import Cache
from wheelcast.inputs import Origin, ProjectInput, RequirementItem, parse_requirement
from wheelcast.locked import forecast_locked
from wheelcast.needs import Analyzer, LocalBuild, annotate
from wheelcast.resolve import Catalog, Options, Repository, fewer_collections, resolve
from wheelcast.targets import Target, marker_environment
from wheelcast.verdict import Forecast, TargetForecast, Verdict, forecast


@dataclass(frozen=True, slots=True)
class IndexOptions:
    """Where packages come from, as pip's options name them."""

    index_url: str | None = None  # None: pip's own default (PIP_INDEX_URL, pip.conf, pip)
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    cache_dir: Path | None = None
    offline: bool = False
    refresh: bool = False
    no_index: bool = False  # pip's --no-index: find-links only


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Forecasts for every target, in the order the targets were given."""

    requirements: tuple[Requirement, ...]
    forecasts: tuple[TargetForecast, ...]
    options: Options = field(default_factory=Options)

    @property
    def exclude_newer(self) -> dt.datetime | None:
        return self.options.exclude_newer


def check(
    requirements: Sequence[str | Requirement],
    targets: Sequence[Target],
    *,
    options: Options | None = None,
    index: IndexOptions | None = None,
    repository: Repository | None = None,
    build_needs: bool = True,
    local: Mapping[str, LocalBuild] | None = None,
) -> CheckResult:
    """Forecast what ``pip install`` would do for ``requirements`` on each target.

    Every target is resolved in its own thread against one shared repository, so
    each page and metadata file is fetched once for the whole run. With
    ``build_needs``, every sdist some target would build is read (statically, cached)
    for what its build needs. ``local`` maps the ids of targets that are this machine
    to a check of whether a build would succeed here.
    """
    options = options or Options()
    reqs = tuple(r if isinstance(r, Requirement) else parse_requirement(r) for r in requirements)
    if repository is not None:
        forecasts = annotate(_run(reqs, targets, repository, options), None, local)
        return CheckResult(reqs, forecasts, options)
    origin = Origin(Path("<api>"))
    project = ProjectInput(
        "requirements", origin.path, tuple(RequirementItem(r, origin) for r in reqs)
    )
    return check_project(
        project, targets, options=options, index=index, build_needs=build_needs, local=local
    )


def check_project(
    project: ProjectInput,
    targets: Sequence[Target],
    *,
    options: Options | None = None,
    index: IndexOptions | None = None,
    build_needs: bool = True,
    local: Mapping[str, LocalBuild] | None = None,
) -> CheckResult:
    """``check`` for what a requirements file, pyproject, lock file or environment asks.

    Requirements are resolved per target as ``check`` does, with the input's constraints;
    a lock's pins are judged as pinned (its own files where it lists them); direct
    references are reported as ``direct``.
    """
    options = options or Options()
    if project.constraints:
        constraints = tuple(item.requirement for item in project.constraints)
        options = dataclasses.replace(options, constraints=options.constraints + constraints)
    requirements = tuple(item.requirement for item in project.requirements)
    index = index or IndexOptions()
    with open_repository(index) as session:
        if project.kind == "lock":
            forecasts = tuple(forecast_locked(project, t, options, session) for t in targets)
        else:
            forecasts = _with_direct(_run(requirements, targets, session, options), project)
        forecasts = _annotated(forecasts, session, index, build_needs=build_needs, local=local)
    return CheckResult(requirements, forecasts, options)


def _annotated(
    forecasts: tuple[TargetForecast, ...],
    session: IndexSession,
    index: IndexOptions,
    *,
    build_needs: bool,
    local: Mapping[str, LocalBuild] | None,
) -> tuple[TargetForecast, ...]:
    if not build_needs:
        return annotate(forecasts, None, local)
    with sdist_reader(session, index) as analyze:
        return annotate(forecasts, analyze, local)


def _with_direct(
    forecasts: tuple[TargetForecast, ...], project: ProjectInput
) -> tuple[TargetForecast, ...]:
    """Add the direct references (never resolved) whose markers hold on each target."""
    if not project.direct:
        return forecasts
    result = []
    for each in forecasts:
        environment = marker_environment(each.target)
        direct = tuple(
            Forecast(
                item.name or canonicalize_name(item.url_or_path),
                None,
                Verdict.DIRECT,
                None,
                (str(item.origin),),
                detail=("editable " if item.editable else "") + item.url_or_path,
                source=str(item.origin.path.name),
            )
            for item in project.direct
            if item.marker is None or item.marker.evaluate({**environment, "extra": ""})
        )
        result.append(dataclasses.replace(each, packages=each.packages + direct))
    return tuple(result)


@contextlib.contextmanager
def sdist_reader(session: IndexSession, index: IndexOptions) -> Iterator[Analyzer]:
    """Reads an sdist's build needs through ``session``, cached in ``index``'s cache."""
    with Cache(index.cache_dir) as cache:
        yield functools.partial(read_build_needs, session=session, cache=cache)


@contextlib.contextmanager
def open_repository(index: IndexOptions) -> Iterator[IndexSession]:
    """A session over every source ``index`` names, closed on exit."""
    source = build_source(
        index.index_url,
        index.extra_index_urls,
        index.find_links,
        index.cache_dir,
        offline=index.offline,
        refresh=index.refresh,
        no_index=index.no_index,
    )
    with IndexSession(source) as session:
        yield session


def _run(
    requirements: tuple[Requirement, ...],
    targets: Sequence[Target],
    repository: Repository,
    options: Options,
) -> tuple[TargetForecast, ...]:
    catalog = Catalog(repository)
    with fewer_collections():
        if len(targets) == 1:
            return (forecast(resolve(targets[0], requirements, repository, options, catalog)),)
        with ThreadPoolExecutor(max_workers=len(targets), thread_name_prefix="target") as pool:
            futures = [
                pool.submit(resolve, target, requirements, repository, options, catalog)
                for target in targets
            ]
            # .result() re-raises a target's WheelcastError in the caller's thread.
            return tuple(forecast(f.result()) for f in futures)
