"""Values the index layer hands to the rest of wheelcast."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from packaging.metadata import Metadata
from packaging.utils import NormalizedName


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


@dataclass(frozen=True, slots=True)
class ProjectPage:
    """Every file one index lists for one project."""

    name: NormalizedName
    url: str
    files: tuple[DistFile, ...]


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
