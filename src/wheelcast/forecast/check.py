"""The library entry point: requirements x targets -> forecasts."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import pickle
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.requirements import Requirement

from wheelcast.cache.memo import Remembered, recall, remember, run_key
from wheelcast.errors import IndexUnreachable, OfflineMiss, WheelcastError
from wheelcast.forecast.annotate_builds import Analyzer, LocalBuild, annotate
from wheelcast.forecast.direct import direct_references
from wheelcast.forecast.locked import forecast_locked
from wheelcast.forecast.observe import ObservedRepository, Observer, Stage, Tally
from wheelcast.forecast.resolve import (
    Catalog,
    DirectReference,
    Lookahead,
    Options,
    Repository,
    Resolution,
    fewer_collections,
    resolve,
)
from wheelcast.forecast.verdict import TargetForecast, forecast
from wheelcast.index.config import default_index_url
from wheelcast.index.models import DistFile
from wheelcast.index.store import Cache
from wheelcast.inputs import Origin, ProjectInput, RequirementItem, parse_requirement
from wheelcast.runtime.interrupts import held
from wheelcast.sdist import BuildNeeds
from wheelcast.sdist import build_needs as read_build_needs
from wheelcast.targets import Target

if TYPE_CHECKING:
    from wheelcast.index.session import IndexSession
    from wheelcast.runtime.workers import Workers


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
    # Make the requests (and parse pages) in one spawned process and read sdists in
    # another: the calling program's main module must then be safe to import (the
    # wheelcast command's is).
    workers: bool = False
    keyring_provider: str = "disabled"  # pip's --keyring-provider: disabled, import, subprocess


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
    progress: Observer | None = None,
) -> CheckResult:
    """Forecast what ``pip install`` would do for ``requirements`` on each target.

    Every target is resolved in its own thread against one shared repository, so
    each page and metadata file is fetched once for the whole run. With
    ``build_needs``, every sdist some target would build is read (statically, cached)
    for what its build needs. ``local`` maps the ids of targets that are this machine
    to a check of whether a build would succeed here. ``progress`` is told each page,
    metadata file, sdist and target as it is asked for and answered
    (:mod:`wheelcast.forecast.observe`).
    """
    options = options or Options()
    # Repeats kept once, as check_project does (see merged_duplicates).
    reqs = tuple(
        dict.fromkeys(
            r if isinstance(r, Requirement) else parse_requirement(r) for r in requirements
        )
    )
    origin = Origin(Path("<api>"))
    project = ProjectInput(
        "requirements", origin.path, tuple(RequirementItem(r, origin) for r in reqs)
    )
    if repository is not None:
        project = project.urls_as_direct()
        direct, notes = direct_references(project.direct, repository)
        indexed = tuple(item.requirement for item in project.requirements)
        tally = Tally(progress) if progress is not None else None
        if tally is not None:
            repository = ObservedRepository(repository, tally)
        resolved = _run(indexed, targets, repository, options, direct=direct, tally=tally)
        forecasts = _noted(resolved, notes)
        return CheckResult(reqs, annotate(forecasts, None, local), options)
    return check_project(
        project,
        targets,
        options=options,
        index=index,
        build_needs=build_needs,
        local=local,
        progress=progress,
    )


def check_project(
    project: ProjectInput,
    targets: Sequence[Target],
    *,
    options: Options | None = None,
    index: IndexOptions | None = None,
    build_needs: bool = True,
    local: Mapping[str, LocalBuild] | None = None,
    progress: Observer | None = None,
) -> CheckResult:
    """``check`` for what a requirements file, pyproject, lock file or environment asks.

    Requirements are resolved per target as ``check`` does, with the input's constraints;
    a lock's pins are judged as pinned (its own files where it lists them); direct
    references (``name @ url`` requirements among them) are taken as given, a wheel
    judged by its tags and its dependencies resolved with the rest.
    """
    project = merged_duplicates(project)
    options = _with_constraints(options or Options(), project)
    index = index or IndexOptions()
    project = project.urls_as_direct()
    # A check of builds on this machine asks the machine, which the key cannot cover; nor
    # can it cover what a direct reference's folder or URL holds now.
    key = (
        None
        if local or project.direct
        else _run_key(project, targets, options, index, build_needs=build_needs)
    )
    remembered = _recall(key, index) if key is not None else None
    if isinstance(remembered, CheckResult):
        return remembered
    with (
        worker_processes(index) as workers,
        open_repository(index, workers) as session,
    ):
        if remembered is not None:
            held = _revalidated(remembered, session)
            if held is not None:
                return held
        result, rememberable = _compute(
            project,
            targets,
            options,
            index,
            session,
            build_needs=build_needs,
            local=local,
            workers=workers,
            tally=Tally(progress) if progress is not None else None,
        )
        if key is not None and rememberable:
            with Cache(index.cache_dir) as cache:
                remember(cache, key, pickle.dumps(result), session.pages_read())
    return result


def remembered_pages(
    project: ProjectInput,
    targets: Sequence[Target],
    *,
    options: Options | None = None,
    index: IndexOptions | None = None,
    build_needs: bool = True,
) -> bytes | None:
    """The digests of the pages the remembered result of this check was computed from,
    encoded as ``wheelcast.cache.memo`` stores them; None when no result is remembered."""
    index = index or IndexOptions()
    project = merged_duplicates(project)
    options = _with_constraints(options or Options(), project)
    key = _run_key(project, targets, options, index, build_needs=build_needs)
    if key is None:
        return None
    with Cache(index.cache_dir) as cache:
        stored = cache.get_result(key)
    return None if stored is None else stored[1]


def merged_duplicates(project: ProjectInput) -> ProjectInput:
    """``project`` with each repeated requirement (and constraint) kept once.

    Repeated requirements are what pip treats them as: constraints on one name, ANDed.
    An identical repeat adds nothing, and each one left in costs the resolver a pass
    over all of them (files of 20,000 lines where 40 are distinct took minutes). The
    first occurrence keeps its origin, for messages; requirements that differ in their
    specifier stay apart, so a conflict can name the line of each side.
    """
    requirements = _unique(project.requirements)
    constraints = _unique(project.constraints)
    if len(requirements) == len(project.requirements) and len(constraints) == len(
        project.constraints
    ):
        return project
    return dataclasses.replace(project, requirements=requirements, constraints=constraints)


def _unique(items: tuple[RequirementItem, ...]) -> tuple[RequirementItem, ...]:
    # Requirement equality is packaging's: canonical name, extras, specifier as a set
    # (">=1,<3" equals "<3,>=1"), url and marker.
    first: dict[Requirement, RequirementItem] = {}
    for item in items:
        seen = first.get(item.requirement)
        if seen is None:
            first[item.requirement] = item
        elif item.hashes and not set(item.hashes) <= set(seen.hashes):
            hashes = seen.hashes + tuple(h for h in item.hashes if h not in seen.hashes)
            first[item.requirement] = dataclasses.replace(seen, hashes=hashes)
    return tuple(first.values())


def _with_constraints(options: Options, project: ProjectInput) -> Options:
    if not project.constraints:
        return options
    constraints = tuple(item.requirement for item in project.constraints)
    return dataclasses.replace(options, constraints=options.constraints + constraints)


def _compute(
    project: ProjectInput,
    targets: Sequence[Target],
    options: Options,
    index: IndexOptions,
    session: IndexSession,
    *,
    build_needs: bool,
    local: Mapping[str, LocalBuild] | None,
    workers: Workers | None = None,
    tally: Tally | None = None,
) -> tuple[CheckResult, bool]:
    """The result, and whether it may be remembered (no network fault was absorbed)."""
    # Here, not at the top: a run answered from the cache never imports the HTTP stack.
    with held():  # a Ctrl-C waits for the import's end (see wheelcast.runtime.interrupts)
        from wheelcast.index.sources import requests_in_own_process  # noqa: PLC0415

    requirements = tuple(item.requirement for item in project.requirements)
    faults: list[WheelcastError] = []
    with sdist_reader(session, index, workers) as reader:
        if project.kind == "lock":
            forecasts = tuple(_locked(project, targets, options, session, tally))
        else:
            # Offline, everything is on disk already: reading ahead would only compete for
            # the interpreter with the resolvers.
            ahead = not index.offline
            direct, notes = direct_references(project.direct, session)
            on_sdist = reader.start
            if tally is not None:
                on_sdist = functools.partial(_sdist_started, reader.start, tally)
            resolved = _run(
                requirements,
                targets,
                session if tally is None else ObservedRepository(session, tally),
                options,
                read_ahead=ahead,
                # Likely builds' sdists download while the graph is walked, not after.
                on_sdist=on_sdist if ahead and build_needs else None,
                requests_elsewhere=requests_in_own_process(offline=index.offline, workers=workers),
                direct=direct,
                # A conflict names where each side was written.
                origins={str(item.requirement): str(item.origin) for item in project.requirements},
                tally=tally,
            )
            session.release_pages()  # what follows reads sdists, not pages: free the memory
            forecasts = _noted(resolved, notes)
        forecasts = _annotated(
            forecasts, reader if build_needs else None, local=local, faults=faults, tally=tally
        )
    return CheckResult(requirements, forecasts, options), not faults


def _locked(
    project: ProjectInput,
    targets: Sequence[Target],
    options: Options,
    session: IndexSession,
    tally: Tally | None,
) -> Iterator[TargetForecast]:
    for target in targets:
        if tally is not None:
            tally(Stage.TARGET, target.id)
        yield forecast_locked(project, target, options, session)
        if tally is not None:
            tally(Stage.TARGET, target.id, done=True)


def _sdist_started(start: Callable[[DistFile], None], tally: Tally, file: DistFile) -> None:
    tally(Stage.SDIST, file.url)
    start(file)


def _run_key(
    project: ProjectInput,
    targets: Sequence[Target],
    options: Options,
    index: IndexOptions,
    *,
    build_needs: bool,
) -> str | None:
    # Which index is asked is part of the question; where the cache lives and how it is
    # read are not.
    try:
        url = None if index.no_index else (index.index_url or default_index_url())
    except WheelcastError:
        return None  # the run itself reports it
    where = dataclasses.replace(
        index, index_url=url, cache_dir=None, offline=False, refresh=False, workers=False
    )
    return run_key("check", project, tuple(targets), options, where, build_needs)


def _recall(key: str, index: IndexOptions) -> CheckResult | Remembered | None:
    """The remembered result when the cache alone shows it holds; else what to revalidate."""
    with Cache(index.cache_dir) as cache:
        remembered = recall(cache, key)
        if remembered is None:
            return None
        states = cache.page_states(remembered.urls)
    stale = remembered.stale(states, offline=index.offline, refresh=index.refresh)
    if stale is None:
        return None
    return stale if stale.pages else _loaded(remembered.payload)


def _revalidated(remembered: Remembered, session: IndexSession) -> CheckResult | None:
    """Ask the index again for the pages of ``remembered`` that are not fresh."""
    projects = {project for _, project, _ in remembered.pages}
    session.prefetch_pages(projects)
    try:
        for project in projects:
            session.page(project)
    except WheelcastError:
        return None  # the full run meets the same fault and reports it
    if not remembered.holds(session.pages_read()):
        return None
    return _loaded(remembered.payload)


def _loaded(payload: bytes) -> CheckResult | None:
    try:
        result = pickle.loads(payload)  # noqa: S301 - written by this wheelcast, same files
    except Exception:  # any unreadable entry is only a miss
        return None
    return result if isinstance(result, CheckResult) else None


def _annotated(
    forecasts: tuple[TargetForecast, ...],
    analyze: Analyzer | None,
    *,
    local: Mapping[str, LocalBuild] | None,
    faults: list[WheelcastError],
    tally: Tally | None = None,
) -> tuple[TargetForecast, ...]:
    if analyze is None:
        return annotate(forecasts, None, local)

    def watched(file: DistFile) -> BuildNeeds:
        if tally is not None:
            tally(Stage.SDIST, file.url)
        try:
            return analyze(file)
        except (IndexUnreachable, OfflineMiss) as fault:
            faults.append(fault)  # reported in the cell; the result is not remembered
            raise
        finally:
            if tally is not None:
                tally(Stage.SDIST, file.url, done=True)

    return annotate(forecasts, watched, local)


def _noted(
    forecasts: tuple[TargetForecast, ...], notes: tuple[str, ...]
) -> tuple[TargetForecast, ...]:
    """Every target's forecast with ``notes`` (about the input, so true on every target)."""
    if not notes:
        return forecasts
    return tuple(dataclasses.replace(f, notes=(*notes, *f.notes)) for f in forecasts)


# What the sdist workers import as they start (this stage knows the module; runtime does not).
SDIST_WORKER_MODULE = "wheelcast.sdist.service"


class SdistReader:
    """Reads sdists' build needs through a session, cached; an :data:`Analyzer`.

    :meth:`start` begins reading a likely build in the background (two at a time); a
    later call for the same file waits for that reading and gets its answer or its
    error. Readings nobody asks for are simply dropped.
    """

    def __init__(
        self,
        session: IndexSession,
        cache: Cache,
        workers: Workers | None = None,
        *,
        start_workers: bool = True,
    ) -> None:
        self._read = functools.partial(
            read_build_needs, session=session, cache=cache, workers=workers
        )
        self._workers = workers if start_workers else None
        self._started: dict[str, Future[BuildNeeds]] = {}
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def start(self, file: DistFile) -> None:
        with self._lock:
            if file.url in self._started:
                return
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sdist")
                if self._workers is not None:
                    # The first likely build: the worker processes start while its sdist
                    # downloads. A run with no build never starts them (two spawns: ~1 CPU-s).
                    self._workers.warm(SDIST_WORKER_MODULE)
            self._started[file.url] = self._pool.submit(self._read, file)

    def __call__(self, file: DistFile) -> BuildNeeds:
        with self._lock:
            started = self._started.get(file.url)
        return started.result() if started is not None else self._read(file)

    def close(self, *, wait: bool = True) -> None:
        """Drop the readings not started; with ``wait``, finish the ones under way."""
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)


@contextlib.contextmanager
def sdist_reader(
    session: IndexSession, index: IndexOptions, workers: Workers | None = None
) -> Iterator[SdistReader]:
    """Reads sdists' build needs through ``session``, cached in ``index``'s cache."""
    with Cache(index.cache_dir) as cache:
        # Offline, a reading is mostly a cache hit: not worth two process starts ahead.
        reader = SdistReader(session, cache, workers, start_workers=not index.offline)
        try:
            yield reader
        except BaseException:
            # Interrupted, or failed: nobody will use the readings under way, and closing
            # the session next cancels their downloads.
            reader.close(wait=False)
            raise
        reader.close()


@contextlib.contextmanager
def worker_processes(index: IndexOptions) -> Iterator[Workers | None]:
    """Worker processes if ``index.workers`` asks for them, started on first use (an
    ``SdistReader`` starts them with the run's first likely build)."""
    if not index.workers:
        yield None
        return
    with held():  # a Ctrl-C waits for the import's end (see wheelcast.runtime.interrupts)
        from wheelcast.runtime.workers import Workers  # noqa: PLC0415 - multiprocessing only if used

    workers = Workers()
    try:
        yield workers
    finally:
        workers.shutdown()


@contextlib.contextmanager
def open_repository(index: IndexOptions, workers: Workers | None = None) -> Iterator[IndexSession]:
    """A session over every source ``index`` names, closed on exit."""
    # Here, not at the top: a run answered from the cache never imports the HTTP stack.
    with held():  # a Ctrl-C waits for the imports' end (see wheelcast.runtime.interrupts)
        from wheelcast.index.session import IndexSession  # noqa: PLC0415
        from wheelcast.index.sources import build_source  # noqa: PLC0415

    source = build_source(
        index.index_url,
        index.extra_index_urls,
        index.find_links,
        index.cache_dir,
        offline=index.offline,
        refresh=index.refresh,
        no_index=index.no_index,
        workers=workers,
        keyring_provider=index.keyring_provider,
    )
    with IndexSession(source) as session:
        yield session


def _run(
    requirements: tuple[Requirement, ...],
    targets: Sequence[Target],
    repository: Repository,
    options: Options,
    *,
    read_ahead: bool = False,
    on_sdist: Callable[[DistFile], None] | None = None,
    requests_elsewhere: bool = False,
    direct: Sequence[DirectReference] = (),
    origins: Mapping[str, str] | None = None,
    tally: Tally | None = None,
) -> tuple[TargetForecast, ...]:
    """Resolve every target; ``read_ahead`` when pages and metadata come over a network
    (calling ``on_sdist`` with each sdist the read-ahead finds a target would likely take).
    ``requests_elsewhere``: the requests are made in another process."""
    catalog = Catalog(repository)
    lookahead = (
        Lookahead(targets, repository, options, catalog, on_sdist=on_sdist) if read_ahead else None
    )
    one = (
        functools.partial(resolve, direct=direct, origins=origins)
        if direct or origins
        else resolve  # the plain call, for a run with nothing of either
    )
    with fewer_collections():
        if lookahead is not None:
            # What the direct references need is read ahead like what was asked.
            lookahead.start((*requirements, *(r for d in direct for r in d.dependencies or ())))
            if not requests_elsewhere:
                # Resolving while pages still arrive starves the requests made in this
                # process of the interpreter lock (the resolvers are CPU-bound): fetch
                # first, then resolve from memory. With the requests in a process of
                # their own, this one is idle for half the walk: resolve meanwhile.
                lookahead.wait()
        if tally is not None:
            for target in targets:
                tally(Stage.TARGET, target.id)
            one = functools.partial(_resolved, one, tally)
        try:
            if len(targets) == 1:
                resolution = one(targets[0], requirements, repository, options, catalog)
                return (forecast(resolution),)
            pool = ThreadPoolExecutor(max_workers=len(targets), thread_name_prefix="target")
            try:
                futures = [
                    pool.submit(one, target, requirements, repository, options, catalog)
                    for target in targets
                ]
                # .result() re-raises a target's WheelcastError in the caller's thread.
                return tuple(forecast(f.result()) for f in futures)
            finally:
                # Interrupted, the other resolvers are not waited for: they stop when the
                # session that feeds them closes (they may be waiting for the network).
                pool.shutdown(wait=False, cancel_futures=True)
        finally:
            if lookahead is not None:
                lookahead.stop()


def _resolved(
    one: Callable[..., Resolution], tally: Tally, target: Target, *args: object
) -> Resolution:
    try:
        return one(target, *args)
    finally:
        tally(Stage.TARGET, target.id, done=True)
