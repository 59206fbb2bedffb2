"""Values the index layer hands to the rest of wheelcast."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, overload, runtime_checkable

from packaging.utils import NormalizedName

if TYPE_CHECKING:
    # Only named here: parsing metadata (and the email package it needs) loads on use.
    from packaging.metadata import Metadata


@dataclass(frozen=True, slots=True)
class DistFile:
    """One distribution file listed on a project page (PEP 503 / PEP 691)."""

    filename: str
    url: str  # absolute: relative links are resolved against the page URL
    hashes: tuple[tuple[str, str], ...] = ()  # (algorithm, hexdigest), sorted
    requires_python: str | None = None
    yanked: str | None = None  # None: not yanked; "" yanked without reason; else the reason
    upload_time: dt.datetime | None = None  # PEP 700, timezone-aware UTC
    size: int | None = None
    # PEP 658/714: the index serves ``url + ".metadata"``; the value is its sha256 when given.
    core_metadata: bool = False
    core_metadata_sha256: str | None = None

    @property
    def sha256(self) -> str | None:
        return dict(self.hashes).get("sha256")

    @property
    def is_wheel(self) -> bool:
        return self.filename.endswith(".whl")


class FileGroup:
    """The files of one version (as their names spell it), decoded when first read.

    Pages of popular projects list thousands of files, and a run reads the newest
    versions of most: the cache keeps each version's files apart so that only those
    are decoded.
    """

    __slots__ = ("_decode", "_files", "earliest", "filenames", "version")

    def __init__(
        self,
        version: str,
        files: tuple[DistFile, ...] | None = None,
        decode: Callable[[], tuple[DistFile, ...]] | None = None,
        filenames: tuple[str, ...] | None = None,
        earliest: float | None = None,
    ) -> None:
        self.version = version  # "" for files whose names give no version
        self._files = files
        self._decode = decode
        # Readable without decoding: enough to tell whether a wheel could fit a target.
        self.filenames = (
            filenames if filenames is not None else tuple(f.filename for f in files or ())
        )
        # The earliest upload time (seconds since the epoch) the cache read off every file,
        # so that a version wholly past an --exclude-newer cutoff is passed over undecoded;
        # None when not known (files already decoded are judged one by one).
        self.earliest = earliest

    @property
    def files(self) -> tuple[DistFile, ...]:
        if self._files is None:
            assert self._decode is not None  # noqa: S101 - one of the two is always given
            self._files = self._decode()
        return self._files


class GroupedFiles(Sequence[DistFile]):
    """A page's files, grouped by version and decoded group by group on demand."""

    __slots__ = ("_all", "_order", "groups")

    def __init__(self, groups: tuple[FileGroup, ...], order: tuple[int, ...] | None = None) -> None:
        self.groups = groups
        self._order = order  # each file's place on the page, group by group
        self._all: tuple[DistFile, ...] | None = None

    def order(self) -> tuple[int, ...]:
        """Each file's place on the page, group by group (in group order if unknown)."""
        if self._order is None:
            return tuple(range(sum(len(g.filenames) for g in self.groups)))
        return self._order

    def _files(self) -> tuple[DistFile, ...]:
        if self._all is None:
            grouped = [f for group in self.groups for f in group.files]
            if self._order is not None:
                placed = sorted(zip(self._order, grouped, strict=True), key=lambda p: p[0])
                grouped = [f for _, f in placed]
            self._all = tuple(grouped)
        return self._all

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return self._files() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._files())

    @overload
    def __getitem__(self, index: int) -> DistFile: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[DistFile]: ...

    def __getitem__(self, index: int | slice) -> DistFile | Sequence[DistFile]:
        return self._files()[index]

    def __len__(self) -> int:
        return len(self._files())


@dataclass(frozen=True, slots=True)
class ProjectPage:
    """Every file one index lists for one project."""

    name: NormalizedName
    url: str
    files: Sequence[DistFile]  # a tuple, or GroupedFiles when read from the cache


@dataclass(frozen=True, slots=True)
class DistMetadata:
    """Core metadata of one distribution file, and where it came from."""

    metadata: Metadata
    # "metadata-file" (PEP 658), "range" (zip directory via HTTP ranges), "download",
    # "pkg-info" (an sdist's PKG-INFO), "local"
    source: str
    # False when an sdist's Requires-Dist is dynamic or its Metadata-Version < 2.2: the real
    # dependencies are only known after a build.
    dependencies_known: bool = True


class IndexSource(Protocol):
    """Where project pages and distribution metadata come from.

    Contract: ``project_page`` returns every file the source lists for ``name`` (an
    empty page when the project does not exist there) and raises only
    ``wheelcast.errors.IndexError_`` subclasses. ``metadata`` returns the core metadata
    of one file from that page without executing any package code. ``download`` writes
    the file into the existing folder ``dest`` under a fresh name and returns its path; it
    refuses a file larger than ``max_bytes`` and one whose sha256 differs from the page's
    (``IndexPageError``), and leaves nothing behind in ``dest`` when it fails.
    """

    async def project_page(self, name: NormalizedName) -> ProjectPage: ...

    async def metadata(self, file: DistFile) -> DistMetadata: ...

    async def download(self, file: DistFile, dest: Path, *, max_bytes: int) -> Path: ...

    async def aclose(self) -> None: ...


# page URL -> (project, sha256 of the page as served; None when not known)
PagesRead = dict[str, tuple[NormalizedName, str | None]]


@runtime_checkable
class PageLedger(Protocol):
    """A source that can say which pages it has answered, each with a digest.

    What ``wheelcast.cache.memo`` checks a remembered result against. None, or a source without
    a ledger (a local folder), makes a run's result not rememberable.
    """

    def pages_read(self, project: NormalizedName | None = None) -> PagesRead | None:
        """Every page answered so far, or only ``project``'s (a scan asks once per project:
        building the whole ledger each time made 5,000 projects quadratic)."""
        ...


@runtime_checkable
class PageHolder(Protocol):
    """A source that keeps the pages it has read and can let them go (to free memory)."""

    def release_pages(self) -> None: ...
