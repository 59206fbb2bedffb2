"""Several sources as one: pip's view that every index is equal and all files are candidates."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from packaging.utils import NormalizedName

from wheelcast.errors import IndexUnreachable
from wheelcast.index.models import (
    DistFile,
    DistMetadata,
    IndexSource,
    PageHolder,
    PageLedger,
    PagesRead,
    ProjectPage,
)
from wheelcast.index.store import Cache

__all__ = ["MultiIndex"]


class MultiIndex:
    """Query every source concurrently and merge their files in source order.

    Order is the order given (index-url, then extra index URLs, then find-links); a URL
    listed twice keeps its first listing. Metadata is asked of the source that listed the
    file. An error from any source is raised (the first in source order): unlike pip, which
    warns and carries on without an unreachable index, a forecast must not silently lose one.
    ``aclose`` closes every source, then ``cache`` when one is given.
    """

    def __init__(self, sources: Sequence[IndexSource], *, cache: Cache | None = None) -> None:
        # No source at all is pip's --no-index without --find-links: no project has a file.
        self.sources = tuple(sources)
        self._cache = cache
        self._owner: dict[str, IndexSource] = {}

    async def project_page(self, name: NormalizedName) -> ProjectPage:
        if not self.sources:
            return ProjectPage(name=name, url="", files=())
        if len(self.sources) == 1:
            # The usual case: nothing to merge, and the page stays as lazily decoded as
            # the cache left it (unlisted files go to the first source anyway).
            return await self.sources[0].project_page(name)
        results = await asyncio.gather(
            *(source.project_page(name) for source in self.sources), return_exceptions=True
        )
        files: list[DistFile] = []
        for source, result in zip(self.sources, results, strict=True):
            if isinstance(result, BaseException):
                raise result
            for file in result.files:
                if file.url not in self._owner:
                    self._owner[file.url] = source
                    files.append(file)
                elif self._owner[file.url] is source:
                    files.append(file)
        first = results[0]
        url = first.url if isinstance(first, ProjectPage) else ""
        return ProjectPage(name=name, url=url, files=tuple(files))

    def _source_of(self, file: DistFile) -> IndexSource:
        # A file never listed through this MultiIndex goes to the first source.
        source = self._owner.get(file.url) or next(iter(self.sources), None)
        if source is None:
            raise IndexUnreachable(
                f"cannot fetch {file.url}: --no-index without --find-links names no source",
                hint="drop --no-index, or give --find-links",
            )
        return source

    async def metadata(self, file: DistFile) -> DistMetadata:
        return await self._source_of(file).metadata(file)

    async def download(self, file: DistFile, dest: Path, *, max_bytes: int) -> Path:
        return await self._source_of(file).download(file, dest, max_bytes=max_bytes)

    def release_pages(self) -> None:
        for source in self.sources:
            if isinstance(source, PageHolder):
                source.release_pages()

    def pages_read(self, project: NormalizedName | None = None) -> PagesRead | None:
        """Every source's pages, or None when a source keeps no ledger (a local folder)."""
        pages: PagesRead = {}
        for source in self.sources:
            read = source.pages_read(project) if isinstance(source, PageLedger) else None
            if read is None:
                return None
            pages.update(read)
        return pages

    async def aclose(self) -> None:
        try:
            for source in self.sources:
                await source.aclose()
        finally:
            if self._cache is not None:
                self._cache.close()
