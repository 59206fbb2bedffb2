"""The library entry point: requirements x targets -> forecasts."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement

from wheelcast.build import build_needs as read_build_needs
from wheelcast.index import IndexSession, build_source
from wheelcast.index.cache import Cache
from wheelcast.inputs import parse_requirement
from wheelcast.needs import Analyzer, LocalBuild, annotate
from wheelcast.resolve import Catalog, Options, Repository, resolve
from wheelcast.targets import Target
from wheelcast.verdict import TargetForecast, forecast


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
    exclude_newer: dt.datetime | None = None
    options: Options = field(default_factory=Options)


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
        return CheckResult(reqs, forecasts, options.exclude_newer, options)
    index = index or IndexOptions()
    with open_repository(index) as session:
        forecasts = _run(reqs, targets, session, options)
        if build_needs:
            with sdist_reader(session, index) as analyze:
                forecasts = annotate(forecasts, analyze, local)
        else:
            forecasts = annotate(forecasts, None, local)
    return CheckResult(reqs, forecasts, options.exclude_newer, options)


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
    if len(targets) == 1:
        return (forecast(resolve(targets[0], requirements, repository, options, catalog)),)
    with ThreadPoolExecutor(max_workers=len(targets), thread_name_prefix="target") as pool:
        futures = [
            pool.submit(resolve, target, requirements, repository, options, catalog)
            for target in targets
        ]
        # .result() re-raises a target's WheelcastError in the caller's thread.
        return tuple(forecast(f.result()) for f in futures)
