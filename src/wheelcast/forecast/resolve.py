"""Resolve a requirement set for one target the way pip would, with resolvelib.

The provider evaluates markers for the target (never for this machine), checks
``requires-python`` against the target's Python, and orders candidates by pip's
sort key, so the newest allowed version wins even when only its sdist fits:
exactly how pip ends up building numpy 1.26.2 on Windows on Arm.

resolvelib is synchronous; the provider reads pages and metadata through a
``Repository`` that fetches concurrently in the background. It asks for the pages
of every new dependency at once and for the metadata of the likeliest candidate as
soon as it lists candidates, and of the next ``PREFETCH`` candidates once it moves past
one, so the resolver mostly finds what it needs in memory.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime as dt
import gc
import math
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeAlias

import resolvelib
from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version
from resolvelib.structs import RequirementInformation

from wheelcast.errors import IndexPageError
from wheelcast.forecast.select import (
    BinaryPolicy,
    Environment,
    Evaluation,
    FileKind,
    Fit,
    ProjectView,
    Reason,
    Rejection,
    Releases,
    evaluate,
    file_kind_and_version,
    group_releases,
    os_family,
)
from wheelcast.index._dist import variant_wheel
from wheelcast.index.models import DistFile, DistMetadata, ProjectPage
from wheelcast.targets import UNKNOWABLE_MARKERS, Target
from wheelcast.targets.environment import environment_of
from wheelcast.targets.markers import evaluate as evaluate_marker
from wheelcast.targets.markers import undefined_comparisons

PYTHON = "<python>"
REQUESTED = "(requested)"
# A backtracking resolver tries a name's candidates one after another, each waiting for
# its metadata: once it has passed one, the next eight are read at once (issue 20; the
# top 250 projects went from 42 s to 17 s in the prototype).
PREFETCH = 8


class Repository(Protocol):
    """Pages and metadata, read synchronously; implemented by ``IndexSession``."""

    def page(self, name: NormalizedName) -> ProjectPage: ...

    def metadata(self, file: DistFile) -> DistMetadata: ...

    def prefetch_pages(self, names: Iterable[NormalizedName]) -> None: ...

    def prefetch_metadata(self, files: Iterable[DistFile]) -> None: ...


@dataclass(frozen=True, slots=True)
class Options:
    """pip's resolution options that change which files and versions are chosen."""

    policy: BinaryPolicy = field(default_factory=BinaryPolicy)
    pre: bool = False
    exclude_newer: dt.datetime | None = None
    constraints: tuple[Requirement, ...] = ()
    max_rounds: int = 2000


@dataclass(frozen=True, slots=True)
class DirectReference:
    """A requirement pip takes as given from a URL or path (``name @ url``, ``./x.whl``,
    ``-e .``), never from an index.

    A ``wheel`` is installed as it is where its tags and Requires-Python fit the target
    (and is missing where they do not: pip refuses it); anything else is built.
    ``dependencies`` are what its metadata (a wheel's METADATA, a folder's static
    ``[project] dependencies``) declares, so the tree below it is forecast like any
    other; None when only a build could tell.
    """

    name: NormalizedName
    location: str  # the URL or path as written
    origin: str  # where it was written ("requirements.txt:3"), for the report
    source: str = ""  # the name of the file it was written in
    marker: Marker | None = None
    extras: frozenset[str] = frozenset()
    editable: bool = False
    wheel: DistFile | None = None
    version: Version | None = None  # from the wheel's name or the folder's pyproject
    dependencies: tuple[Requirement, ...] | None = None
    unknown: str = ""  # why the dependencies are not known


def constraints_on(
    target: Target, constraints: Iterable[Requirement]
) -> dict[NormalizedName, SpecifierSet]:
    """The ``constraints`` that hold on ``target``, ANDed per name.

    As pip collects them (``collect_root_requirements``): a constraint whose marker is
    false where it installs is dropped, and the marker is evaluated with no extra, so
    ``extra == "x"`` never holds whatever extras the requirements ask for.
    """
    environment = {**environment_of(target).markers, "extra": ""}
    found: dict[NormalizedName, SpecifierSet] = {}
    for constraint in constraints:
        if constraint.marker is not None and not evaluate_marker(constraint.marker, environment):
            continue
        name = canonicalize_name(constraint.name)
        found[name] = found.get(name, SpecifierSet()) & constraint.specifier
    return found


# --- requirements and candidates -------------------------------------------------


@dataclass(frozen=True, slots=True)
class PackageRequirement:
    name: NormalizedName
    extras: frozenset[str]
    specifier: SpecifierSet
    text: str  # as written, for messages
    # What get_preference asks of every requirement on every candidate name, every
    # round: read once here rather than walking the specifier set each time.
    pinned: bool = field(init=False, compare=False, repr=False)  # an "==" or "===" clause
    constrained: bool = field(init=False, compare=False, repr=False)  # any clause at all

    def __post_init__(self) -> None:
        operators = [spec.operator for spec in self.specifier]
        object.__setattr__(self, "pinned", any(op[:2] == "==" for op in operators))
        object.__setattr__(self, "constrained", bool(operators))

    @property
    def identifier(self) -> str:
        return _identifier(self.name, self.extras)


@dataclass(frozen=True, slots=True)
class PythonRequirement:
    specifier: SpecifierSet
    # A key for is_satisfied_by's memo: formatting a SpecifierSet costs more than the
    # check it would save, and every pin round asks about each Requires-Python again.
    text: str = field(init=False, compare=False, repr=False)

    identifier = PYTHON

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", f"{PYTHON}{self.specifier}")


@dataclass(frozen=True, slots=True)
class Candidate:
    name: NormalizedName
    version: Version
    fit: Fit | None  # None: the placeholder for a package nothing fits (lenient mode)
    extras: frozenset[str] = frozenset()
    # Set for the one candidate of a direct reference (its fit: its wheel, if that fits).
    direct: DirectReference | None = None

    @property
    def identifier(self) -> str:
        return _identifier(self.name, self.extras)


@dataclass(frozen=True, slots=True)
class PythonCandidate:
    version: Version

    identifier = PYTHON
    direct: ClassVar[None] = None


Req: TypeAlias = PackageRequirement | PythonRequirement
Cand: TypeAlias = Candidate | PythonCandidate


def _identifier(name: str, extras: frozenset[str]) -> str:
    return f"{name}[{','.join(sorted(extras))}]" if extras else name


def package_requirement(req: Requirement) -> PackageRequirement:
    return PackageRequirement(
        canonicalize_name(req.name),
        frozenset(canonicalize_name(e) for e in req.extras),
        req.specifier,
        str(req),
    )


# --- results ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pin:
    """A package pinned by the resolver for one target."""

    name: NormalizedName
    version: Version | None
    fit: Fit | None  # None: nothing fits the target (only in a lenient resolution)
    required_by: tuple[str, ...]
    specifier: SpecifierSet  # every requirement on it, combined
    metadata: DistMetadata | None
    # Only for a build or a missing package: the nearest releases with a wheel for the
    # target, and why the files of the relevant release do not fit.
    older_wheel: Fit | None = None
    newer_wheel: Fit | None = None
    miss_version: Version | None = None
    misses: tuple[Rejection, ...] = ()
    listed: bool = True  # False: the index lists no file at all for the project
    direct: DirectReference | None = None  # taken from a URL or path, not the index
    # For a package whose requirements each fit but not all together: each side, labelled
    # with who asks ("a==1 (from requirements.txt:3)", "a>=2 (required by b 3.0)").
    conflict: tuple[str, ...] = ()
    # Only for a wheel: the newer releases pip passed over because no file fits the target.
    passed_over: PassedOver | None = None


@dataclass(frozen=True, slots=True)
class PassedOver:
    """Newer releases than a picked wheel's that no file of fits the target.

    ``oldest`` .. ``newest`` are every release newer than the pick that the requirements,
    the cutoff and Requires-Python allow; ``misses`` are ``oldest``'s files that miss only
    for the target's sake (tags, or binaries-only), farthest miss first.
    """

    oldest: Version
    newest: Version
    misses: tuple[Rejection, ...]


@dataclass(frozen=True, slots=True)
class Resolution:
    target: Target
    pins: tuple[Pin, ...]
    errors: tuple[str, ...]
    notes: tuple[str, ...]


# --- the provider ------------------------------------------------------------------


def file_environment(target: Target, options: Options) -> Environment:
    """What file evaluation needs for ``target`` under the user's options."""
    derived = environment_of(target)
    return Environment(
        tags=derived.tags,
        priorities=derived.priorities,
        python_version=Version(target.python.full_version),
        policy=options.policy,
        exclude_newer=options.exclude_newer,
        refused=derived.refused,
    )


@dataclass(frozen=True, slots=True)
class Dependency:
    """One Requires-Dist line of a version, parsed once for every target."""

    requirement: PackageRequirement
    marker: Marker | None
    marker_text: str  # str(marker), "" without one: the key of a target's marker answers


@dataclass(frozen=True, slots=True)
class Dependencies:
    """What a version declares it needs; the markers are left for each target to judge."""

    requires: tuple[Dependency, ...]
    python: PythonRequirement | None


def _stand_in_preference(
    file: DistFile, name: NormalizedName, interpreter: str, system: str
) -> tuple[bool, bool, bool, str]:
    """The smallest is the wheel whose metadata stands for a build on a target with
    ``interpreter`` (``cp312``) and OS ``system``: a pure one, else one built for the
    same Python, for the same OS first, else the first by name."""
    parsed = file_kind_and_version(file.filename, name)
    tags = () if isinstance(parsed, str) else parsed[2]
    return (
        not file.filename.endswith("-none-any.whl"),
        not any(t.interpreter == interpreter for t in tags),
        not any(os_family(t.platform) == system for t in tags),
        file.filename,
    )


class Catalog:
    """Project pages grouped by version, shared by the resolutions of every target."""

    def __init__(self, repository: Repository, *, prefetch: int = PREFETCH) -> None:
        self.repository = repository
        # How many candidates of a name to read the metadata of at once when the resolver
        # moves past one (0: only the likeliest, one at a time).
        self.prefetch = prefetch
        self._releases: dict[NormalizedName, Releases] = {}
        self._stand_ins: dict[tuple[NormalizedName, Version, str, str], DistFile] = {}
        self._by_digest: dict[tuple[NormalizedName, Version], dict[str, DistFile]] = {}
        self._dependencies: dict[str, Dependencies] = {}  # by the url of the file read
        self._prefetched: set[str] = set()  # urls
        self._pages_asked: set[NormalizedName] = set()
        self._views: dict[tuple[Target, Options], dict[NormalizedName, ProjectView]] = {}
        self._lock = threading.Lock()

    def views(self, target: Target, options: Options) -> dict[NormalizedName, ProjectView]:
        """Each project as ``target`` sees it under ``options``, for every provider of that
        target: what the read-ahead judged, the resolvers (strict and lenient) reuse."""
        with self._lock:
            return self._views.setdefault((target, options), {})

    def prefetch_pages(self, names: Iterable[NormalizedName]) -> None:
        """Start reading the pages of ``names`` that no target has asked for yet."""
        # Every target pins mostly the same versions and asks for the same dependencies'
        # pages; the session would find them under way, but only after taking its lock.
        new = [name for name in names if name not in self._pages_asked]
        if new:
            self._pages_asked.update(new)
            self.repository.prefetch_pages(new)

    def prefetch_metadata(self, *files: DistFile) -> None:
        """Start reading the metadata of ``files``, those no target has asked for yet."""
        # Every target lists the same candidates; the session would find the read under
        # way, but only after taking its lock, once per find_matches of every target.
        new = [f for f in dict.fromkeys(files) if f.url not in self._prefetched]
        if new:
            self._prefetched.update(f.url for f in new)
            self.repository.prefetch_metadata(new)

    def dependencies(self, file: DistFile, metadata: DistMetadata) -> Dependencies:
        """The parsed dependencies of ``metadata``, read from ``file``."""
        # Every target that reads a file asks; formatting and copying each requirement
        # (and its specifier set) once instead of once per target is measurable.
        found = self._dependencies.get(file.url)
        if found is None:
            requires = tuple(
                Dependency(
                    package_requirement(req),
                    req.marker,
                    "" if req.marker is None else str(req.marker),
                )
                for req in _requires_dist(metadata)
            )
            python = _requires_python(metadata)
            found = self._dependencies.setdefault(
                file.url,
                Dependencies(requires, None if python is None else PythonRequirement(python)),
            )
        return found

    def metadata_file(
        self, name: NormalizedName, fit: Fit, env: Environment | None = None
    ) -> DistFile:
        """See ``Provider.metadata_file``; ``env`` is the target's."""
        file = fit.file
        if fit.kind is FileKind.WHEEL:
            digest = file.core_metadata_sha256
            if digest is None:
                return file
            # Wheels whose PEP 658 metadata the page gives one sha256 hold the same bytes
            # (numpy 2.3.3's Linux wheels do; its macOS and Windows ones differ from them
            # only in the license text of the libraries each bundles): the first of them
            # by name is read for all.
            return self._same_metadata(name, fit.version).get(digest, file)
        # Asked on every find_matches call of every target: choose once per version.
        interpreter = env.interpreter if env is not None else ""
        system = os_family(env.tags[0].platform) if env is not None and env.tags else ""
        key = (name, fit.version, interpreter, system)
        found = self._stand_ins.get(key)
        if found is None:
            wheels = [f for f in self._release_files(name, fit.version) if f.is_wheel]
            found = min(
                wheels,
                key=lambda f: _stand_in_preference(f, name, interpreter, system),
                default=file,
            )
            digest = found.core_metadata_sha256
            if digest is not None:
                found = self._same_metadata(name, fit.version).get(digest, found)
            found = self._stand_ins.setdefault(key, found)
        return found

    def _same_metadata(self, name: NormalizedName, version: Version) -> dict[str, DistFile]:
        """Metadata sha256 -> the first wheel by name of ``version`` that lists it."""
        key = (name, version)
        found = self._by_digest.get(key)
        if found is None:
            firsts: dict[str, DistFile] = {}
            for file in sorted(self._release_files(name, version), key=lambda f: f.filename):
                if file.is_wheel and file.core_metadata_sha256 is not None:
                    firsts.setdefault(file.core_metadata_sha256, file)
            found = self._by_digest.setdefault(key, firsts)
        return found

    def _release_files(self, name: NormalizedName, version: Version) -> tuple[DistFile, ...]:
        releases = self.releases(name)
        return releases.releases[releases.index[version]].files

    def releases(self, name: NormalizedName) -> Releases:
        found = self._releases.get(name)
        if found is None:
            page = self.repository.page(name)
            found = group_releases(name, page.files)
            with self._lock:
                found = self._releases.setdefault(name, found)
        return found


class Provider(resolvelib.AbstractProvider[Req, Cand, str]):
    """A resolvelib provider that answers for one ``Target``."""

    def __init__(
        self,
        target: Target,
        repository: Repository,
        options: Options,
        requested: Sequence[str],
        catalog: Catalog,
        *,
        lenient: bool = False,
        direct: Mapping[NormalizedName, DirectReference] | None = None,
        conflicts: Mapping[NormalizedName, tuple[str, ...]] | None = None,
    ) -> None:
        self.target = target
        # Lenient only: the names a strict run found in conflict, each given its
        # placeholder at once, so that the rest of the tree resolves as if it were not.
        self.conflicts = dict(conflicts or {})
        self.direct = dict(direct or {})
        self._direct_judged: dict[NormalizedName, Evaluation] = {}
        self.repository = repository
        self.options = options
        self.lenient = lenient
        self.environment = environment_of(target).markers
        self.file_env = file_environment(target, options)
        self.python_version = self.file_env.python_version
        self.requested_order = {ident: i for i, ident in enumerate(requested)}
        self.constraints = constraints_on(target, options.constraints)
        self.catalog = catalog
        self._projects = catalog.views(target, options)
        self.metadata_used: dict[tuple[NormalizedName, Version], DistMetadata] = {}
        self._satisfied: dict[tuple[str, Version], bool] = {}
        self._markers: dict[tuple[str, frozenset[str]], bool] = {}
        self.notes: list[str] = []

    # Data access -------------------------------------------------------------------

    def project(self, name: NormalizedName) -> ProjectView:
        view = self._projects.get(name)
        if view is None:
            view = self._projects[name] = ProjectView(self.catalog.releases(name), self.file_env)
        return view

    def metadata_file(self, name: NormalizedName, fit: Fit) -> DistFile:
        """The file whose metadata gives ``fit``'s dependencies on this target.

        As pip does, the wheel the target installs: a version's wheels may declare
        different dependencies (tensorflow 2.22.0rc0 asks for h5py<3.15 in its cp312
        wheels and h5py~=3.15.1 in its cp314 ones). Targets that install the same wheel
        share its one read, and so do wheels the page gives the same metadata sha256.
        A target that would build the sdist reads, so that nothing is built, a wheel of
        the same version: a pure one if there is one, else the first by name of those
        built for the target's Python (what a build there would most likely declare),
        for its OS first, else the first by name; the sdist's PKG-INFO only when the
        version has no wheel.
        """
        return self.catalog.metadata_file(name, fit, self.file_env)

    # resolvelib protocol -------------------------------------------------------------

    def identify(self, requirement_or_candidate: Req | Cand) -> str:
        return requirement_or_candidate.identifier

    def get_preference(
        self,
        identifier: str,
        resolutions: Mapping[str, Cand],
        candidates: Mapping[str, Iterator[Cand]],
        information: Mapping[str, Iterator[RequirementInformation[Req, Cand]]],
        backtrack_causes: Sequence[RequirementInformation[Req, Cand]],
    ) -> tuple[object, ...]:
        # pip's order: Requires-Python first, then pinned, then backtrack causes,
        # then what the user asked for in the order asked, then constrained names.
        # A plain loop: resolvelib calls this for every unpinned name every round, and
        # generator expressions cost more than the checks they would run.
        pinned = constrained = False
        for info in information[identifier]:
            requirement = info.requirement
            if isinstance(requirement, PackageRequirement):
                pinned = pinned or requirement.pinned
                constrained = constrained or requirement.constrained
        cause = any(c.requirement.identifier == identifier for c in backtrack_causes)
        return (
            identifier != PYTHON,
            not pinned,
            not cause,
            self.requested_order.get(identifier, math.inf),
            not constrained,
            identifier,
        )

    def find_matches(
        self,
        identifier: str,
        requirements: Mapping[str, Iterator[Req]],
        incompatibilities: Mapping[str, Iterator[Cand]],
    ) -> list[Cand] | Callable[[], Iterator[Cand]]:
        reqs = list(requirements[identifier])
        bad = {c.version for c in incompatibilities[identifier]}
        if identifier == PYTHON:
            # Asked again with every Requires-Python added, each time about all of them.
            python = PythonCandidate(self.python_version)
            if python.version in bad:
                return []
            for r in reqs:
                if not self.is_satisfied_by(r, python):
                    return []
            return [python]
        package_reqs = [r for r in reqs if isinstance(r, PackageRequirement)]
        name = package_reqs[0].name
        extras = package_reqs[0].extras
        if name in self.direct:
            return self._direct_matches(self.direct[name], extras, package_reqs, bad)
        specifier = SpecifierSet()
        for req in package_reqs:
            specifier &= req.specifier
        specifier &= self.constraints.get(name, SpecifierSet())
        view = self.project(name)
        pre = self.options.pre

        def matches() -> Iterator[Cand]:
            if self.lenient and name in self.conflicts:
                yield Candidate(name, Version("0"), None, extras)
                return
            fits = (
                fit
                for fit in view.candidates(specifier, allow_prereleases=pre)
                if fit.version not in bad
                and all(r.specifier.contains(fit.version, prereleases=True) for r in package_reqs)
            )
            yield from self._reading_ahead(name, extras, fits, backtracked=bool(bad))
            if self.lenient:
                yield Candidate(name, Version("0"), None, extras)

        return matches

    def _reading_ahead(
        self,
        name: NormalizedName,
        extras: frozenset[str],
        fits: Iterator[Fit],
        *,
        backtracked: bool,
    ) -> Iterator[Candidate]:
        """``fits`` as candidates, asking for metadata before the resolver needs it.

        The first candidate's metadata is asked for as it is listed (resolvelib lists a
        name's candidates whenever a requirement on it is added, and mostly pins the
        first). Once the resolver moves past a candidate (its dependencies conflicted),
        or comes back to a name it has backtracked on (``backtracked``: some versions are
        already ruled out), it is likely to try several more, each waiting for a round
        trip: the metadata of the next ``catalog.prefetch`` candidates is asked for at
        once, always a window that far ahead of the one yielded. Each is the file the
        resolver would read for that candidate, so a read ahead is never another read,
        at worst one it does not get to (up to that many past the last it tries); the
        resolver still reads and judges every candidate itself, so its answers are the
        same.
        """
        depth = self.catalog.prefetch
        upcoming: collections.deque[Fit] = collections.deque()
        asked = 0  # how many of the candidates listed so far have had their metadata asked
        listed = 0  # how many were taken from ``fits`` (yielded or in ``upcoming``)
        position = 0
        while True:
            ahead = depth if (position or backtracked) and depth else 1
            while listed < position + ahead:
                fit = next(fits, None)
                if fit is None:
                    break
                upcoming.append(fit)
                listed += 1
            if not upcoming:
                return
            if asked < listed:
                first = len(upcoming) - (listed - asked)
                self.catalog.prefetch_metadata(
                    *(self.metadata_file(name, f) for f in list(upcoming)[first:])
                )
                asked = listed
            fit = upcoming.popleft()
            yield Candidate(name, fit.version, fit, extras)
            position += 1

    def is_satisfied_by(self, requirement: Req, candidate: Cand) -> bool:
        # Only a lenient resolution has placeholders: a strict one skips the isinstance.
        if self.lenient and isinstance(candidate, Candidate) and candidate.fit is None:
            return True
        if candidate.direct is not None:
            # pip takes it as given; a version it does not know until it builds, it does
            # not hold against anyone. A lenient run keeps it whatever is asked (its only
            # candidate: rejecting it would backtrack without end).
            version = candidate.direct.version
            return (
                self.lenient
                or version is None
                or requirement.specifier.contains(version, prereleases=True)
            )
        # resolvelib asks every round whether each pin still satisfies each requirement
        # on it (some 57k times for 130 packages); a specifier check costs a dozen
        # Version comparisons, so remember the answers under keys that cost nothing.
        key = (requirement.text, candidate.version)
        answer = self._satisfied.get(key)
        if answer is None:
            answer = self._satisfied[key] = requirement.specifier.contains(
                candidate.version, prereleases=True
            )
        return answer

    def get_dependencies(self, candidate: Cand) -> list[Req]:
        if isinstance(candidate, PythonCandidate):
            return []
        if candidate.direct is not None:
            return self._direct_dependencies(candidate, candidate.direct)
        if candidate.fit is None:
            return []
        metadata = self._metadata(candidate.name, candidate.fit)
        file = self.metadata_file(candidate.name, candidate.fit)
        declared = self.catalog.dependencies(file, metadata)
        deps: list[Req]
        if candidate.extras:
            # pip's ExtrasCandidate: the base package at the same version, plus the extras.
            base = PackageRequirement(
                candidate.name,
                frozenset(),
                SpecifierSet(f"=={candidate.version}"),
                f"{candidate.name}=={candidate.version}",
            )
            deps = [base, *self._requirements(declared, candidate.extras)]
        else:
            deps = list(self._requirements(declared, frozenset({""})))
            if declared.python is not None:
                deps.append(declared.python)
        self.catalog.prefetch_pages({d.name for d in deps if isinstance(d, PackageRequirement)})
        return deps

    # Direct references ---------------------------------------------------------------

    def judge_direct(self, reference: DirectReference) -> Evaluation | None:
        """A direct wheel's tags against the target (None: not a wheel, pip builds it)."""
        if reference.wheel is None:
            return None
        found = self._direct_judged.get(reference.name)
        if found is None:
            # Given by URL, it is neither on an index's timeline nor subject to its formats.
            env = dataclasses.replace(self.file_env, exclude_newer=None, policy=BinaryPolicy())
            found = self._direct_judged[reference.name] = evaluate(
                reference.wheel, reference.name, env
            )
        return found

    def _direct_matches(
        self,
        reference: DirectReference,
        extras: frozenset[str],
        requirements: Sequence[PackageRequirement],
        bad: set[Version],
    ) -> list[Cand]:
        judged = self.judge_direct(reference)
        candidate = Candidate(
            reference.name,
            reference.version or Version("0"),
            judged if isinstance(judged, Fit) else None,
            extras,
            direct=reference,
        )
        # The one candidate there is: pip installs it or fails (a lenient run takes it
        # anyway, its conflict already recorded).
        if self.lenient:
            return [candidate]
        if candidate.version in bad:
            return []
        return [candidate] if all(self.is_satisfied_by(r, candidate) for r in requirements) else []

    def _direct_dependencies(self, candidate: Candidate, reference: DirectReference) -> list[Req]:
        deps: list[Req] = []
        if candidate.extras:
            deps.append(
                PackageRequirement(candidate.name, frozenset(), SpecifierSet(), candidate.name)
            )
        wanted = candidate.extras or frozenset({""})
        deps.extend(
            package_requirement(req)
            for req in reference.dependencies or ()
            if req.marker is None or self.marker_matches(req.marker, str(req.marker), wanted)
        )
        self.catalog.prefetch_pages(
            {
                d.name
                for d in deps
                if isinstance(d, PackageRequirement) and d.name not in self.direct
            }
        )
        return deps

    # Helpers ---------------------------------------------------------------------------

    def _metadata(self, name: NormalizedName, fit: Fit) -> DistMetadata:
        key = (name, fit.version)
        found = self.metadata_used.get(key)
        if found is None:
            file = self.metadata_file(name, fit)
            try:
                found = self.repository.metadata(file)
            except IndexPageError as error:
                # An sdist too large to read, or without PKG-INFO: pip would build it to
                # learn its dependencies. The forecast goes on and says they are unknown.
                self.notes.append(f"dependencies of {name} {fit.version} unknown: {error.message}")
                found = _unknown_metadata(name, fit.version)
            self.metadata_used[key] = found
        return found

    def _requirements(
        self, declared: Dependencies, extras: frozenset[str]
    ) -> Iterator[PackageRequirement]:
        for dep in declared.requires:
            if dep.marker is not None and not self.marker_matches(
                dep.marker, dep.marker_text, extras
            ):
                continue
            yield dep.requirement

    def marker_matches(self, marker: Marker, text: str, extras: frozenset[str]) -> bool:
        """Whether ``marker`` (spelled ``text``) holds on the target for any of ``extras``."""
        # The same few markers (python_version < "3.11", sys_platform == "win32") recur
        # across a whole dependency tree: evaluate each once per target.
        key = (text, extras)
        found = self._markers.get(key)
        if found is None:
            if self.target.environment is None and any(m in text for m in UNKNOWABLE_MARKERS):
                note = (
                    f"marker '{text}' uses values that cannot be known for a foreign target;"
                    " they were taken as empty"
                )
                if note not in self.notes:
                    self.notes.append(note)
            if "~=" in text or "===" in text:
                for clause in undefined_comparisons(marker):
                    how = "string equality" if "===" in clause else "false"
                    note = (
                        f"marker '{text}': {clause} compares a string with a version"
                        f" operator; taken as {how}"
                    )
                    if note not in self.notes:
                        self.notes.append(note)
            found = self._markers[key] = any(
                evaluate_marker(marker, {**self.environment, "extra": e}) for e in extras
            )
        return found


_METADATA_LOCK = threading.Lock()


def _unknown_metadata(name: NormalizedName, version: Version) -> DistMetadata:
    from packaging.metadata import Metadata  # noqa: PLC0415 - email loads on use

    raw = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n".encode()
    return DistMetadata(
        Metadata.from_email(raw, validate=False), "unknown", dependencies_known=False
    )


def _requires_python(metadata: DistMetadata) -> SpecifierSet | None:
    from packaging.metadata import InvalidMetadata  # noqa: PLC0415 - loaded by then

    with _METADATA_LOCK:
        try:
            return metadata.metadata.requires_python
        except InvalidMetadata:
            # pip ignores an unparsable Requires-Python too.
            return None


def _requires_dist(metadata: DistMetadata) -> list[Requirement]:
    from packaging.metadata import InvalidMetadata  # noqa: PLC0415 - loaded by then

    # packaging parses Requires-Dist lazily and caches it on the object; several
    # target threads may share one Metadata, so serialise that first parse.
    with _METADATA_LOCK:
        try:
            return list(metadata.metadata.requires_dist or [])
        except InvalidMetadata:
            raw = metadata.metadata._raw.get("requires_dist", [])
    # Real metadata sometimes holds one bad line; pip skips it with a warning too.
    parsed = []
    for line in raw:
        try:
            parsed.append(Requirement(line))
        except InvalidRequirement:
            continue
    return parsed


# --- running it ------------------------------------------------------------------------

# Resolving allocates hundreds of thousands of small objects that live until the end
# (file records, rejections, candidates); at the default threshold of 700 the collector
# runs hundreds of times over them, about a sixth of the CPU, and finds almost nothing.
_GEN0_THRESHOLD = 10_000


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often while resolving; the threshold is restored after."""
    first, *rest = gc.get_threshold()
    if first >= _GEN0_THRESHOLD:  # already raised, by the user or a concurrent run
        yield
        return
    gc.set_threshold(_GEN0_THRESHOLD, *rest)
    try:
        yield
    finally:
        # Left alone if someone else changed it meanwhile: theirs is the newer wish.
        if gc.get_threshold()[0] == _GEN0_THRESHOLD:
            gc.set_threshold(first, *rest)


class _Reporter(resolvelib.BaseReporter[Req, Cand, str]):
    pass


class Lookahead:
    """Reads ahead of the resolvers: each project's likely pick and its dependencies.

    A resolver asks for a version's metadata only when it comes to pin it, and for the
    pages of its dependencies only once it has that metadata: on a cold cache it waits
    for one round trip per package, one after another. The lookahead walks the same graph
    in worker threads as fast as the index answers: for each requirement, the newest
    version each target it reaches would take, the metadata of the file each would read
    (one read for the targets that share a file), and then every dependency whose marker
    holds on a target that reads it. It only warms the shared session and catalog, so the
    resolutions and their answers are unchanged; a wrong guess costs one extra fetch, and
    a fault is left for the resolver that meets it to report.

    With ``on_sdist``, it is called with each sdist a target would take: a likely build,
    whose reading can start early.
    """

    def __init__(
        self,
        targets: Sequence[Target],
        repository: Repository,
        options: Options,
        catalog: Catalog,
        *,
        # Each visit mostly waits for a page and a metadata answer: with 16, the deepest
        # chain of a cold check queued behind other visits for up to a second a level.
        workers: int = 32,
        on_sdist: Callable[[DistFile], None] | None = None,
    ) -> None:
        # Their own providers: a resolver's provider belongs to that resolver's thread.
        self._providers = [Provider(t, repository, options, (), catalog) for t in targets]
        self._on_sdist = on_sdist
        self._environments = [environment_of(t).markers for t in targets]
        self._catalog = catalog
        self._seen: dict[tuple[str, str], frozenset[int]] = {}
        self._pending = 0
        self._idle = threading.Condition()
        self._stopped = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lookahead")

    def start(self, roots: Iterable[Requirement]) -> None:
        everywhere = frozenset(range(len(self._environments)))
        for root in roots:
            where = everywhere
            if root.marker is not None:
                where = self._where(root.marker, frozenset({""}), everywhere)
            if where:
                self._submit(package_requirement(root), where)

    def stop(self) -> None:
        self._stopped.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the walk has nothing left to read; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def _submit(self, requirement: PackageRequirement, where: frozenset[int]) -> None:
        """Read ahead for ``requirement``, which the targets numbered ``where`` need."""
        key = (requirement.identifier, requirement.text)
        with self._idle:
            # Only the targets not yet walked for it: they may read other files than the
            # ones that reached it first (another wheel, another marker's answer).
            seen = self._seen.get(key, frozenset())
            where = where - seen
            if not where or self._stopped.is_set():
                return
            self._seen[key] = seen | where
            self._pending += 1
        try:
            self._pool.submit(self._visit, requirement, where)
        except RuntimeError:  # the pool was shut down meanwhile
            self._done()

    def _done(self) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()

    def _where(
        self, marker: Marker, extras: frozenset[str], among: frozenset[int]
    ) -> frozenset[int]:
        """The targets among ``among`` on which ``marker`` holds (with one of ``extras``)."""
        return frozenset(
            i
            for i in among
            if any(evaluate_marker(marker, {**self._environments[i], "extra": e}) for e in extras)
        )

    def _visit(self, requirement: PackageRequirement, where: frozenset[int]) -> None:
        try:
            if not self._stopped.is_set():
                self._read(requirement, where)
        finally:
            self._done()

    def _read(self, requirement: PackageRequirement, where: frozenset[int]) -> None:
        name = requirement.name
        # Each target reads the metadata of the file it would install, and what one file
        # declares is walked for the targets that read it: one read per distinct file.
        readers: dict[str, tuple[DistFile, set[int]]] = {}
        try:
            for i in sorted(where):
                pick = self._pick(i, requirement)
                if pick is None:
                    continue
                file = self._providers[i].metadata_file(name, pick)
                self._catalog.prefetch_metadata(file)
                if self._on_sdist is not None and pick.kind is FileKind.SDIST:
                    self._on_sdist(pick.file)
                readers.setdefault(file.url, (file, set()))[1].add(i)
        except Exception:  # a guess that failed: the resolver that meets it reports it
            return
        extras = requirement.extras | {""}
        for file, targets in readers.values():
            try:
                metadata = self._catalog.repository.metadata(file)
                declared = self._catalog.dependencies(file, metadata)
            except Exception:  # noqa: S112 - as above; the other files may still be read
                continue
            # Walked on as each file arrives, not once all have: the next level's requests
            # start a round trip sooner. A dependency another file declares too is only
            # visited again for targets not yet walked for it.
            among = frozenset(targets)
            wanted: list[tuple[PackageRequirement, frozenset[int]]] = []
            for dep in declared.requires:
                reach = among if dep.marker is None else self._where(dep.marker, extras, among)
                if reach:
                    wanted.append((dep.requirement, reach))
            self._catalog.repository.prefetch_pages({needed.name for needed, _ in wanted})
            for needed, reach in wanted:
                self._submit(needed, reach)

    def _pick(self, i: int, requirement: PackageRequirement) -> Fit | None:
        """The file target ``i`` would likely install for ``requirement``: its newest allowed."""
        provider = self._providers[i]
        wanted = requirement.specifier & provider.constraints.get(requirement.name, SpecifierSet())
        view = provider.project(requirement.name)
        return next(iter(view.candidates(wanted, allow_prereleases=provider.options.pre)), None)


def resolve(
    target: Target,
    requirements: Sequence[Requirement],
    repository: Repository,
    options: Options | None = None,
    catalog: Catalog | None = None,
    *,
    direct: Sequence[DirectReference] = (),
    origins: Mapping[str, str] | None = None,
) -> Resolution:
    """Pin what pip would install for ``requirements`` on ``target``, and for the
    ``direct`` references whose markers hold there (taken as given, never from an index).

    A strict resolution first, as pip would run it. When it fails (nothing fits some
    package, or the requirements conflict), the failure is recorded and a lenient
    resolution stands a placeholder in for what cannot be installed, so the rest of
    the matrix is still forecast. A package whose requirements each fit the target but
    not all at once is a conflict, its sides labelled with who asks (``origins``: where
    each requested requirement, by its text, was written).
    """
    options = options or Options()
    catalog = catalog or Catalog(repository)
    env = environment_of(target).markers
    # Requirements that differ only in a marker holding here are one to the resolver,
    # which compares each requirement on a name with all the others.
    unique: dict[tuple[str, SpecifierSet], PackageRequirement] = {}
    for r in requirements:
        if r.marker is None or evaluate_marker(r.marker, {**env, "extra": ""}):
            root = package_requirement(r)
            unique.setdefault((root.identifier, root.specifier), root)
    roots = list(unique.values())
    taken = {
        d.name: d
        for d in direct
        if d.marker is None or evaluate_marker(d.marker, {**env, "extra": ""})
    }
    repository.prefetch_pages({r.name for r in roots if r.name not in taken})
    # First: a requirement on a direct reference's name then meets its one candidate, and
    # a conflict names both.
    roots = [
        PackageRequirement(d.name, d.extras, SpecifierSet(), d.location) for d in taken.values()
    ] + roots
    requested = [r.identifier for r in roots]
    errors: list[str] = []
    conflicts: dict[NormalizedName, tuple[str, ...]] = {}
    provider = Provider(target, repository, options, requested, catalog, direct=taken)
    try:
        result = resolvelib.Resolver(provider, _Reporter()).resolve(
            roots, max_rounds=options.max_rounds
        )
    except resolvelib.ResolutionImpossible as exc:
        errors.append(_describe_impossible(list(exc.causes)))
        conflicts = _conflicts(list(exc.causes), provider, origins or {})
    except resolvelib.ResolutionTooDeep:
        errors.append(
            f"pip would give up: no solution after {options.max_rounds} rounds of backtracking"
        )
    if errors:
        provider = Provider(
            target,
            repository,
            options,
            requested,
            catalog,
            lenient=True,
            direct=taken,
            conflicts=conflicts,
        )
        result = resolvelib.Resolver(provider, _Reporter()).resolve(
            roots, max_rounds=options.max_rounds
        )
    return Resolution(target, _pins(result, provider), tuple(errors), tuple(provider.notes))


def _describe_impossible(causes: Sequence[RequirementInformation[Req, Cand]]) -> str:
    parts = []
    for cause in causes:
        req = cause.requirement
        what = req.text if isinstance(req, PackageRequirement) else f"Python {req.specifier}"
        parent = cause.parent
        if parent is None:
            parts.append(f"{what} (requested)")
        elif isinstance(parent, Candidate):
            parts.append(f"{what} (from {parent.name} {parent.version})")
        else:
            parts.append(what)
    return "no version satisfies " + "; ".join(dict.fromkeys(parts))


def _conflicts(
    causes: Sequence[RequirementInformation[Req, Cand]],
    provider: Provider,
    origins: Mapping[str, str],
) -> dict[NormalizedName, tuple[str, ...]]:
    """The packages of a failed resolution whose requirements (and constraint) each fit
    the target alone but not together, with those sides labelled; a package that nothing
    fits even alone is missing, not in conflict."""
    sides: dict[NormalizedName, dict[str, SpecifierSet]] = {}
    for cause in causes:
        req, parent = cause.requirement, cause.parent
        if not isinstance(req, PackageRequirement):
            continue
        reference = provider.direct.get(req.name)
        if reference is not None and parent is None and req.text == reference.location:
            version = f" {reference.version}" if reference.version else ""
            label = f"{req.name}{version} @ {reference.location} (from {reference.origin})"
        elif parent is None:
            where = origins.get(req.text)
            label = f"{req.text} (from {where})" if where else f"{req.text} (requested)"
        elif isinstance(parent, Candidate):
            label = f"{req.text} (required by {parent.name} {parent.version})"
        else:
            continue
        sides.setdefault(req.name, {})[label] = req.specifier
    found: dict[NormalizedName, tuple[str, ...]] = {}
    for name, labelled in sides.items():
        constraint = provider.constraints.get(name)
        if constraint:
            labelled[f"{name}{constraint} (constraint)"] = constraint
        if len(labelled) < 2:
            continue
        if all(_fits_alone(provider, name, spec) for spec in labelled.values()):
            found[name] = tuple(labelled)
    return found


def _fits_alone(provider: Provider, name: NormalizedName, specifier: SpecifierSet) -> bool:
    if name in provider.direct:
        return True  # the reference is one side, and pip takes it whatever the index has
    pre = provider.options.pre or bool(specifier.prereleases)
    view = provider.project(name)
    return next(iter(view.candidates(specifier, allow_prereleases=pre)), None) is not None


def _pins(
    result: resolvelib.resolvers.Result[Req, Cand, str], provider: Provider
) -> tuple[Pin, ...]:
    parents: dict[NormalizedName, list[str]] = {}
    specifiers: dict[NormalizedName, SpecifierSet] = {}
    for identifier, criterion in result.criteria.items():
        if identifier == PYTHON:
            continue
        for info in criterion.information:
            req = info.requirement
            if not isinstance(req, PackageRequirement):
                continue
            specifiers[req.name] = specifiers.get(req.name, SpecifierSet()) & req.specifier
            parent = info.parent
            label = REQUESTED if parent is None else getattr(parent, "name", str(parent))
            if label != req.name:
                parents.setdefault(req.name, []).append(label)
    pins = []
    for candidate in result.mapping.values():
        if not isinstance(candidate, Candidate) or candidate.extras:
            continue
        name = candidate.name
        if candidate.direct is not None:
            judged = provider.judge_direct(candidate.direct)
            pins.append(
                Pin(
                    name=name,
                    version=candidate.direct.version,
                    fit=candidate.fit,
                    required_by=tuple(dict.fromkeys(parents.get(name, []))),
                    specifier=specifiers.get(name, SpecifierSet()),
                    metadata=None,
                    misses=(judged,) if isinstance(judged, Rejection) else (),
                    direct=candidate.direct,
                    conflict=provider.conflicts.get(name, ()),
                )
            )
            continue
        fit = candidate.fit
        version = candidate.version if fit else None
        specifier = specifiers.get(name, SpecifierSet()) & provider.constraints.get(
            name, SpecifierSet()
        )
        extra: dict[str, Any] = {}
        if fit is None or fit.kind is FileKind.SDIST:
            view = provider.project(name)
            pre = provider.options.pre or bool(specifier.prereleases)
            extra["older_wheel"], extra["newer_wheel"] = view.wheels_beside(
                version, prereleases=pre
            )
            extra["miss_version"], extra["misses"] = view.misses(
                version, specifier, prereleases=pre
            )
            extra["listed"] = bool(view.releases.releases or view.releases.unusable)
            if fit is None:
                extra["conflict"] = provider.conflicts.get(name, ())
        elif fit.kind is FileKind.WHEEL:
            pre = provider.options.pre or bool(specifier.prereleases)
            extra["passed_over"] = passed_over(
                provider.project(name), fit.version, specifier, prereleases=pre
            )
        pins.append(
            Pin(
                name=name,
                version=version,
                fit=fit,
                required_by=tuple(dict.fromkeys(parents.get(name, []))),
                specifier=specifier,
                metadata=provider.metadata_used.get((name, candidate.version)) if fit else None,
                **extra,
            )
        )
    return tuple(sorted(pins, key=lambda p: p.name))


# Reasons a file misses that are the target's (or the binaries-only option's), not the
# cutoff's or Requires-Python's.
_TARGET_REASONS = frozenset(
    {Reason.PYTHON_TAG, Reason.ABI, Reason.PLATFORM, Reason.FORMAT_NOT_ALLOWED}
)


def passed_over(
    view: ProjectView, version: Version, specifier: SpecifierSet, *, prereleases: bool
) -> PassedOver | None:
    """Why a wheel of ``version`` and not of a newer release: none of them fits the target.

    None when ``version`` is the newest release allowed, or when a newer one fits (the
    other requirements ruled it out, not the target).
    """
    releases = view.releases.releases
    matching, finals = view.releases.matching(specifier, view.env.exclude_newer)
    passed: list[tuple[int, list[Rejection]]] = []
    for i in matching if prereleases else finals:  # newest first
        if releases[i].version <= version:
            break
        fits, rejections = view.release(i)
        if any(not f.yanked for f in fits):
            return None
        # A PEP 825 variant wheel is a file pip skips, as it skips another platform's.
        misses = [
            r
            for r in rejections
            if r.reason in _TARGET_REASONS or variant_wheel(r.file.filename) is not None
        ]
        if fits or any(
            not _for_python(r.file.requires_python, view)
            for r in rejections
            if r.reason is not Reason.UPLOADED_AFTER_CUTOFF
        ):
            # Yanked, or for another Python (pip drops such files before their tags
            # are read): passed over whatever the platform.
            continue
        if misses:
            passed.append((i, misses))
    if not passed:
        return None
    oldest, misses = passed[-1]
    return PassedOver(
        releases[oldest].version,
        releases[passed[0][0]].version,
        tuple(sorted(misses, key=view.closeness)),
    )


def _for_python(requires_python: str | None, view: ProjectView) -> bool:
    if not requires_python:
        return True
    try:
        return SpecifierSet(requires_python).contains(view.env.python_version, prereleases=True)
    except InvalidSpecifier:  # pip ignores what it cannot read
        return True
