"""What the input readers produce: frozen data, nothing about targets.

A :class:`ProjectInput` is what one file (or folder, or environment) asks for:

- ``requirements`` / ``constraints``: PEP 508 requirements to resolve;
- ``direct``: direct URL and local path requirements (``-e .``, ``pkg @ https://...``,
  ``./dist/x.whl``), which are never looked up on an index (:mod:`wheelcast.forecast.direct`
  reads what they declare);
- ``locked``: pinned packages from a lock file, checked as pinned without resolving.
  Which of them a target needs is :func:`wheelcast.inputs.needed`'s answer: a marker
  per package, or (uv.lock) the lock's dependency graph walked with the target's markers;
- ``settings``: pip's index and binary options found in requirements files;
- ``pythons``: the default Python versions to check, from ``requires-python``.

Every item carries the :class:`Origin` (file and line) it came from, for messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

from wheelcast.errors import InvalidInputFile

Kind = Literal["requirements", "pyproject", "lock", "installed"]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an item was written: a file and a 1-based line (None when not known)."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else str(self.path)

    def error(self, message: str, hint: str) -> InvalidInputFile:
        """An :class:`InvalidInputFile` whose message starts with ``file:line: ``."""
        return InvalidInputFile(f"{self}: {message}", hint)


@dataclass(frozen=True, slots=True)
class RequirementItem:
    """A PEP 508 requirement with the place it was written and pip's ``--hash`` values."""

    requirement: Requirement
    origin: Origin
    hashes: tuple[str, ...] = ()  # "sha256:..." as written after --hash


@dataclass(frozen=True, slots=True)
class DirectItem:
    """A direct URL or local path requirement: taken as given, never from an index.

    ``name`` is known for ``name @ url`` and ``...#egg=name``; otherwise None.
    """

    name: NormalizedName | None
    url_or_path: str
    origin: Origin
    editable: bool = False
    marker: Marker | None = None
    extras: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class IndexSettings:
    """pip's global options as found in requirements files (None / empty: not given).

    ``only_binary`` / ``no_binary`` follow pip's FormatControl: canonical names or
    ``:all:``, a later option removing the name from the other set, as
    :class:`wheelcast.forecast.select.BinaryPolicy` expects them.
    """

    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    only_binary: frozenset[str] = frozenset()
    no_binary: frozenset[str] = frozenset()
    # The options as written, in order (("only-binary" | "no-binary", value), ...): pip
    # applies a file's after the command line's, so the later one wins across both.
    binary_options: tuple[tuple[str, str], ...] = ()
    prefer_binary: bool = False
    pre: bool = False
    require_hashes: bool = False
    hashes: tuple[tuple[NormalizedName, tuple[str, ...]], ...] = ()

    def hashes_for(self, name: NormalizedName) -> tuple[str, ...]:
        """The ``--hash`` values given for ``name`` (empty when none)."""
        return tuple(h for n, values in self.hashes if n == name for h in values)


@dataclass(frozen=True, slots=True)
class LockedFile:
    """One distribution file a lock file lists; ``url`` is None when it gives a name only."""

    filename: str
    url: str | None
    hashes: Mapping[str, str] = field(default_factory=dict)  # algorithm -> hex digest
    upload_time: str | None = None  # RFC 3339 as written
    requires_python: str | None = None

    @property
    def is_wheel(self) -> bool:
        return self.filename.endswith(".whl")


@dataclass(frozen=True, slots=True)
class LockedPackage:
    """A package pinned by a lock file.

    ``marker``: when the package is needed, per the lock's own marker (None: always).
    ``files``: the files the lock allows; empty with ``needs_index`` when the lock
    names no files (Pipfile.lock, hashes only), so the index must be asked which file
    matches; empty without ``needs_index`` when the lock pins a version with no
    distribution at all (a ``direct`` path, VCS or directory source, see ``direct``).
    ``source``: the lock file kind that gave the answer ("uv.lock", "pylock.toml", ...).
    """

    name: NormalizedName
    version: str | None
    marker: Marker | None
    files: tuple[LockedFile, ...]
    source: str
    origin: Origin
    needs_index: bool = False
    direct: str | None = None  # path / URL of a directory, VCS or archive source
    requires_python: str | None = None
    index: str | None = None  # the index the lock says the files came from
    hashes: tuple[str, ...] = ()  # "sha256:..." when the lock gives hashes but no files


@dataclass(frozen=True, slots=True)
class LockEdge:
    """One dependency edge in a lock's graph (uv.lock): to ``name`` (``version`` when
    the lock holds several), with the extras it activates, when ``marker`` holds."""

    name: NormalizedName
    version: str | None = None
    marker: Marker | None = None
    extras: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, eq=False)
class LockGraph:
    """The dependency graph a lock records, for walking it per target.

    ``roots``: edges from the project itself, with the chosen extras and groups already
    applied. Keys are ``(name, version)`` of :class:`LockedPackage`.
    """

    roots: tuple[LockEdge, ...]
    dependencies: Mapping[tuple[str, str | None], tuple[LockEdge, ...]]
    optional: Mapping[tuple[str, str | None], Mapping[str, tuple[LockEdge, ...]]]


@dataclass(frozen=True, slots=True)
class ProjectInput:
    """Everything one input asks for; see the module docstring."""

    kind: Kind
    path: Path
    requirements: tuple[RequirementItem, ...] = ()
    constraints: tuple[RequirementItem, ...] = ()
    direct: tuple[DirectItem, ...] = ()
    locked: tuple[LockedPackage, ...] = ()
    settings: IndexSettings = field(default_factory=IndexSettings)
    pythons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    graph: LockGraph | None = None  # set for locks that record edges (uv.lock)
    extras: frozenset[str] = frozenset()  # extras chosen, for `extra == ...` in lock markers
    groups: frozenset[str] = frozenset()  # groups chosen, for pylock's dependency_groups
    requires_python: str | None = None  # the lock's own requires-python
    environments: tuple[Marker, ...] = ()  # the environments a lock was made for (if listed)

    def urls_as_direct(self) -> ProjectInput:
        """This input with every ``name @ url`` requirement moved to its direct references.

        However a requirement arrives (a command-line argument, the API, a pyproject
        dependency, a requirements line), pip installs ``name @ url`` from the URL.
        """
        urls = [item for item in self.requirements if item.requirement.url]
        if not urls:
            return self
        moved = tuple(
            DirectItem(
                canonicalize_name(item.requirement.name),
                str(item.requirement.url),
                item.origin,
                marker=item.requirement.marker,
                extras=frozenset(item.requirement.extras),
            )
            for item in urls
        )
        kept = tuple(item for item in self.requirements if not item.requirement.url)
        return replace(self, requirements=kept, direct=self.direct + moved)
