"""The build needs of one sdist listed by the index: cached by sha256, else downloaded and read.

The download goes into a temporary folder inside the cache folder and is deleted as soon as
it has been read; only the analysis is kept, in the cache's ``build_needs`` table.

A run killed mid-download cannot delete its folder; the folder's name holds its owner's
process id (``sdist-<pid>-<random>``), and the first read of a later run removes every
such folder whose owner is no longer alive (or that is older than ``STALE_AFTER``, for a
pid reused since, or a folder from another machine sharing the cache). No lock is needed:
a live run's folder is never touched.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from wheelcast.errors import CacheError
from wheelcast.index.models import DistFile
from wheelcast.index.store import Cache
from wheelcast.sdist.archive import MAX_COMPRESSED, read_sdist
from wheelcast.sdist.needs import ANALYSIS_VERSION, BuildNeeds, analyze

if TYPE_CHECKING:
    from wheelcast.runtime.workers import Workers

LARGE_SDIST = 2 * 1024 * 1024  # bytes; a smaller sdist is read in the calling process
STALE_AFTER = 24 * 3600  # seconds: no download lasts this long, whoever owns its folder
_PREFIX = "sdist-"

__all__ = ["Downloader", "build_needs"]


class Downloader(Protocol):
    """What :func:`build_needs` needs of an ``IndexSession``."""

    def download(self, file: DistFile, dest: Path, max_bytes: int) -> Path: ...


def build_needs(
    file: DistFile,
    session: Downloader,
    cache: Cache,
    *,
    max_bytes: int = MAX_COMPRESSED,
    workers: Workers | None = None,
) -> BuildNeeds:
    """What building the sdist ``file`` needs; see the module docstring.

    Raises ``UnsafeArchive``/``ArchiveError`` for an sdist that cannot be read safely, and
    the index's errors when it cannot be downloaded. The reading runs in ``workers``
    when given (decompressing an sdist is CPU work the resolvers' process can spare).
    """
    key = file.sha256
    if key is not None:
        hit = cache.get_build_needs(key, ANALYSIS_VERSION)
        if hit is not None:
            try:
                return BuildNeeds.from_dict(json.loads(hit))
            except (ValueError, KeyError, TypeError) as exc:
                raise CacheError(
                    f"cannot decode the build needs of {file.filename} in the cache {cache.path}",
                    hint="the file may be damaged; pass another --cache-dir (nothing deleted)",
                ) from exc
    _sweep_once(str(cache.directory))
    prefix = f"{_PREFIX}{os.getpid()}-"
    with tempfile.TemporaryDirectory(dir=cache.directory, prefix=prefix) as folder:
        path = session.download(file, Path(folder), max_bytes)
        call = functools.partial(_read, path, file.filename, max_bytes)
        # A small sdist is read here: queued behind a large one in the worker, it waited
        # longer than reading it takes.
        large = path.stat().st_size >= LARGE_SDIST
        needs = workers.run(call) if workers is not None and large else call()
    if key is not None:
        cache.put_build_needs(key, ANALYSIS_VERSION, json.dumps(needs.to_dict(), sort_keys=True))
    return needs


def _read(path: Path, filename: str, max_bytes: int) -> BuildNeeds:
    # Module level, so that a worker process can be handed it.
    return analyze(read_sdist(path, filename=filename, max_compressed=max_bytes))


@functools.cache
def _sweep_once(directory: str) -> None:
    """Remove the download folders that killed runs left in ``directory`` (once a run)."""
    now = time.time()
    try:
        folders = [p for p in Path(directory).iterdir() if p.name.startswith(_PREFIX)]
    except OSError:
        return
    for folder in folders:
        owner = folder.name.removeprefix(_PREFIX).split("-", 1)[0]
        try:
            age = now - folder.stat().st_mtime
        except OSError:  # removed meanwhile
            continue
        # A folder of the naming before the owner's pid: any older than a minute is litter.
        dead = not _alive(int(owner)) if owner.isdigit() else age > 60
        if dead or age > STALE_AFTER:
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return True  # os.kill(pid, 0) would end it there: the age alone decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, another user's
        return True
    return True
