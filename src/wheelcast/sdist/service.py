"""The build needs of one sdist listed by the index: cached by sha256, else downloaded and read.

The download goes into a temporary folder inside the cache folder and is deleted as soon as
it has been read; only the analysis is kept, in the cache's ``build_needs`` table.
"""

from __future__ import annotations

import functools
import json
import tempfile
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
    with tempfile.TemporaryDirectory(dir=cache.directory, prefix="sdist-") as folder:
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
