"""A scan run: each project's page read once, its rows stored, resumable and polite.

Pages come through the caller's :class:`~wheelcast.index.models.IndexSource` (for HTTP,
``index/http.py``: its cache answers a fresh page with no request and revalidates a stale
one with ``If-None-Match``; its User-Agent names wheelcast). At most ``jobs`` pages are
asked for at once. Rows are stored in batches, each in one transaction: a run stopped
halfway keeps the projects stored so far, and the next run with the same database goes on
with the others (:meth:`ScanDatabase.begin_run`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from packaging.utils import NormalizedName

from wheelcast.index.models import IndexSource, PageHolder, PageLedger
from wheelcast.scan.coverage_db import ROWS_VERSION, ScanDatabase, StoredProject, project_rows

__all__ = ["BATCH", "ListedProject", "SurveyCounts", "survey"]

BATCH = 50  # projects per transaction: what an interruption can lose at most


@dataclass(frozen=True, slots=True)
class ListedProject:
    """A project to scan, with its place in the list it came from."""

    name: NormalizedName
    rank: int
    downloads: int | None = None


@dataclass(frozen=True, slots=True)
class SurveyCounts:
    run_id: int
    resumed: bool
    read: int  # pages read this time
    skipped: int  # stored earlier in this run (resumed)
    absent: tuple[NormalizedName, ...]  # no page, or a page with no files


# (projects done, projects to do): called after each page
Progress = Callable[[int, int], None]


async def survey(
    projects: Sequence[ListedProject],
    source: IndexSource,
    db: ScanDatabase,
    *,
    jobs: int = 8,
    progress: Progress | None = None,
) -> SurveyCounts:
    """Read and store every project of ``projects`` this run has not stored yet."""
    run_id, resumed = db.begin_run()
    stored = db.stored_in(run_id) if resumed else set()
    known = db.digests()
    todo = [p for p in projects if p.name not in stored]
    limit = asyncio.Semaphore(max(1, jobs))
    pending: list[StoredProject] = []
    absent: list[NormalizedName] = []
    done = 0

    async def read(project: ListedProject) -> None:
        nonlocal done
        async with limit:
            page = await source.project_page(project.name)
        digest = _page_digest(source, project.name)
        if digest is not None and known.get(project.name) == digest:
            # The index served the page stored last time: its rows stand, undecoded.
            pending.append(
                StoredProject(project.name, digest, None, project.rank, project.downloads)
            )
        else:
            rows = project_rows(project.name, page.files)
            if not rows.files:
                absent.append(project.name)
            pending.append(
                StoredProject(
                    project.name, digest or rows.digest, rows, project.rank, project.downloads
                )
            )
        if isinstance(source, PageHolder):
            source.release_pages()  # stored now: the page need not stay in memory
        done += 1
        if len(pending) >= BATCH:
            db.store(pending, run_id)
            pending.clear()
        if progress is not None:
            progress(done, len(todo))

    tasks = [asyncio.ensure_future(read(p)) for p in todo]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        # What was read before a failure or Ctrl-C is kept: the next run resumes after it.
        db.store(pending, run_id)
    db.finish_run(run_id)
    absent.extend(db.absent(p.name for p in todo if p.name not in absent))
    return SurveyCounts(run_id, resumed, len(todo), len(stored), tuple(sorted(set(absent))))


def _page_digest(source: IndexSource, name: NormalizedName) -> str | None:
    """The digest of every page the sources served for ``name``, when each has one."""
    ledger = source.pages_read(name) if isinstance(source, PageLedger) else None
    if ledger is None:
        return None
    digests = sorted(d or "" for n, d in ledger.values() if n == name)
    if not digests or "" in digests:
        return None
    return f"page:{ROWS_VERSION}:" + ",".join(digests)
