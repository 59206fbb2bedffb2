"""The synchronous bridge between the resolver and an asynchronous ``IndexSource``.

resolvelib calls back synchronously, one candidate at a time. An ``IndexSession`` runs one
asyncio event loop in a daemon thread; the resolver schedules pages and metadata in batches
(``prefetch_*``, which return at once) and later collects them (``page`` / ``metadata``,
which block). Each page and each file's metadata is fetched at most once per session, and
every method may be called from several threads at once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import threading
from collections.abc import Coroutine, Iterable
from pathlib import Path
from typing import Any, TypeVar

from packaging.utils import NormalizedName, canonicalize_name

from wheelcast.index.models import (
    DistFile,
    DistMetadata,
    IndexSource,
    PageHolder,
    PageLedger,
    PagesRead,
    ProjectPage,
)

__all__ = ["IndexSession"]

T = TypeVar("T")

# Bench only (bench/run.py sets it): a file the session writes its request counts to as it
# closes. Wall times on a shared machine swing with its load; these counts do not.
STATS_VARIABLE = "WHEELCAST_BENCH_STATS"


class _Stats:
    """How many pages and metadata files were asked of the source, and how many times
    each thread had to wait for a file's metadata: a resolver's waits are serial (it asks
    for one candidate at a time), so its count is the chain of round trips it sat out."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.pages = 0
        self.metadata = 0
        self.waits: dict[str, int] = {}

    def waited(self) -> None:
        thread = threading.current_thread().name
        self.waits[thread] = self.waits.get(thread, 0) + 1

    def write(self) -> None:
        # Lookahead workers wait in parallel; the other threads are the resolvers.
        resolvers = [n for t, n in self.waits.items() if not t.startswith("lookahead")]
        data = {
            "page_requests": self.pages,
            "metadata_requests": self.metadata,
            "metadata_waits": sum(resolvers),
            "longest_serial_metadata_waits": max(resolvers, default=0),
        }
        with open(self.path, "w", encoding="utf-8") as out:
            json.dump(data, out)


class IndexSession:
    """Memoized, thread-safe, blocking access to ``source``; close it (or use ``with``)."""

    def __init__(self, source: IndexSource) -> None:
        self.source = source
        self._lock = threading.Lock()
        self._pages: dict[NormalizedName, concurrent.futures.Future[ProjectPage]] = {}
        self._metadata: dict[str, concurrent.futures.Future[DistMetadata]] = {}
        self._closed = False
        stats = os.environ.get(STATS_VARIABLE)
        self._stats = _Stats(stats) if stats else None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="wheelcast-index", daemon=True
        )
        self._thread.start()

    def _submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        if self._closed:
            coro.close()
            raise RuntimeError("the IndexSession is closed")
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def _page_future(self, name: str) -> concurrent.futures.Future[ProjectPage]:
        key = canonicalize_name(name)
        with self._lock:
            future = self._pages.get(key)
            if future is None:
                future = self._submit(self.source.project_page(key))
                self._pages[key] = future
                if self._stats is not None:
                    self._stats.pages += 1
        return future

    def _metadata_future(self, file: DistFile) -> concurrent.futures.Future[DistMetadata]:
        with self._lock:
            future = self._metadata.get(file.url)
            if future is None:
                future = self._submit(self.source.metadata(file))
                self._metadata[file.url] = future
                if self._stats is not None:
                    self._stats.metadata += 1
        return future

    def prefetch_pages(self, names: Iterable[str]) -> None:
        """Start fetching these projects' pages; returns at once."""
        for name in names:
            self._page_future(name)

    def prefetch_metadata(self, files: Iterable[DistFile]) -> None:
        """Start fetching these files' core metadata; returns at once."""
        for file in files:
            self._metadata_future(file)

    def page(self, name: str) -> ProjectPage:
        """The project's page, waiting for it; raises the source's ``WheelcastError``."""
        return self._page_future(name).result()

    def metadata(self, file: DistFile) -> DistMetadata:
        """The file's core metadata, waiting for it; raises the source's ``WheelcastError``."""
        future = self._metadata_future(file)
        if self._stats is not None and not future.done():
            with self._lock:
                self._stats.waited()
        return future.result()

    def release_pages(self) -> None:
        """Let go of the pages read so far (they are the bulk of a run's memory).

        Asked for again, a page is read anew from the cache, never from the network: the
        run keeps seeing the page it resolved against.
        """
        with self._lock:
            for name, future in list(self._pages.items()):
                if future.done():
                    del self._pages[name]
        self._submit(self._release()).result()

    async def _release(self) -> None:
        if isinstance(self.source, PageHolder):
            self.source.release_pages()

    def pages_read(self) -> PagesRead | None:
        """The pages the source has answered so far, with digests; None if it cannot say."""
        return self._submit(self._ledger()).result()

    async def _ledger(self) -> PagesRead | None:
        # On the loop: the source records pages from that thread.
        return self.source.pages_read() if isinstance(self.source, PageLedger) else None

    def download(self, file: DistFile, dest: Path, max_bytes: int) -> Path:
        """Download ``file`` into the folder ``dest`` (not memoized); see ``IndexSource``."""
        return self._submit(self.source.download(file, dest, max_bytes=max_bytes)).result()

    async def _shutdown(self) -> None:
        current = asyncio.current_task()
        pending = [t for t in asyncio.all_tasks() if t is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await self.source.aclose()

    def close(self) -> None:
        """Cancel what is still in flight, close the source, and stop the loop."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self._stats is not None:
            self._stats.write()
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result()
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()

    def __enter__(self) -> IndexSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
