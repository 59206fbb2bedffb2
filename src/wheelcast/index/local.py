"""Sources on the local file system: ``--find-links`` folders and pages, ``file://`` indexes.

Nothing here touches the network. Metadata is read from the file itself (a wheel's
METADATA, an sdist's PKG-INFO) or from a PEP 658 ``.metadata`` file beside it.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from packaging.utils import NormalizedName

from wheelcast.errors import IndexPageError
from wheelcast.index._dist import (
    check_sha256,
    is_dist_filename,
    is_sdist,
    project_of,
    read_sdist_pkg_info,
    read_wheel_metadata,
    to_dist_metadata,
)
from wheelcast.index.models import DistFile, DistMetadata, ProjectPage
from wheelcast.index.parse import parse_html_page, parse_json_page

__all__ = ["FindLinks", "LocalIndex", "copy_local_file", "path_of", "read_local_metadata"]


def path_of(location: str) -> Path:
    """A local path given as a path or as a ``file://`` URL."""
    if location.startswith("file:"):
        parts = urllib.parse.urlsplit(location)
        if parts.netloc not in ("", "localhost"):
            return Path(urllib.request.url2pathname(f"//{parts.netloc}{parts.path}"))
        return Path(urllib.request.url2pathname(parts.path))
    return Path(location)


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IndexPageError(
            f"{path}: cannot read {what}: {exc.strerror or exc}", hint="check the path"
        ) from exc


def _read_metadata_sync(file: DistFile) -> tuple[bytes, str]:
    if not file.url.startswith("file:"):
        raise IndexPageError(
            f"{file.url}: a local index links a remote file",
            hint="serve the index over HTTP or mirror the files locally",
        )
    path = path_of(file.url)
    sidecar = path.with_name(path.name + ".metadata")
    if file.core_metadata and sidecar.is_file():
        raw = _read(sidecar, "metadata")
        check_sha256(raw, file.core_metadata_sha256, file.url + ".metadata")
        return raw, "metadata-file"
    try:
        with path.open("rb") as handle:
            if file.is_wheel:
                return read_wheel_metadata(handle, file.filename, file.url), "local"
            return read_sdist_pkg_info(handle, file.filename, file.url), "local"
    except OSError as exc:
        raise IndexPageError(
            f"{path}: cannot read: {exc.strerror or exc}", hint="check the path"
        ) from exc


async def read_local_metadata(file: DistFile) -> DistMetadata:
    """Core metadata of a ``file://`` distribution, read off the disk in a worker thread."""
    raw, source = await asyncio.to_thread(_read_metadata_sync, file)
    return to_dist_metadata(
        raw,
        source,
        from_sdist=is_sdist(file.filename),
        url=file.url,
        project=project_of(file.filename),
        filename=file.filename,
    )


def _check_file_sha256(path: Path, expected: str | None, url: str) -> None:
    if expected is None:
        return
    with path.open("rb") as written:
        digest = hashlib.file_digest(written, "sha256").hexdigest()
    if digest != expected.lower():
        raise IndexPageError(
            f"{url}: sha256 does not match the one the index lists",
            hint="the file changed after the index was written",
        )


def _copy_sync(file: DistFile, dest: Path, max_bytes: int) -> Path:
    if not file.url.startswith("file:"):
        raise IndexPageError(
            f"{file.url}: a local index links a remote file",
            hint="serve the index over HTTP or mirror the files locally",
        )
    path = path_of(file.url)
    suffix = "-" + os.path.basename(file.filename.replace("\\", "/"))
    try:
        with path.open("rb") as source:
            if os.fstat(source.fileno()).st_size > max_bytes:
                raise IndexPageError(
                    f"{path}: larger than the {max_bytes} byte download cap",
                    hint="this file is too large to inspect",
                )
            fd, name = tempfile.mkstemp(dir=dest, prefix=".download-", suffix=suffix)
            try:
                with os.fdopen(fd, "wb") as out:
                    shutil.copyfileobj(source, out)
                _check_file_sha256(Path(name), file.sha256, file.url)
            except BaseException:
                Path(name).unlink(missing_ok=True)
                raise
    except OSError as exc:
        raise IndexPageError(
            f"{path}: cannot read: {exc.strerror or exc}", hint="check the path"
        ) from exc
    return Path(name)


async def copy_local_file(file: DistFile, dest: Path, max_bytes: int) -> Path:
    """A copy of a ``file://`` distribution in ``dest``, size-capped and hash-checked."""
    return await asyncio.to_thread(_copy_sync, file, dest, max_bytes)


class _OnDisk:
    """What both local sources do alike: their files are on disk already."""

    async def metadata(self, file: DistFile) -> DistMetadata:
        return await read_local_metadata(file)

    async def download(self, file: DistFile, dest: Path, *, max_bytes: int) -> Path:
        return await copy_local_file(file, dest, max_bytes)

    async def aclose(self) -> None:
        return None


class FindLinks(_OnDisk):
    """``--find-links`` on disk: a folder of distributions, or one HTML page of links.

    A folder (a path or a ``file://`` URL) lists its wheels and sdists whose filename names
    the project; a file is parsed as a flat HTML page and filtered the same way. HTTP
    find-links pages are ``HttpIndex(url, ..., flat=True)``.
    """

    def __init__(self, location: str) -> None:
        self.location = location
        self.path = path_of(location)

    async def project_page(self, name: NormalizedName) -> ProjectPage:
        return await asyncio.to_thread(self._page, name)

    def _page(self, name: NormalizedName) -> ProjectPage:
        url = self.path.resolve().as_uri()
        if self.path.is_dir():
            files = tuple(
                DistFile(
                    filename=entry.name, url=entry.resolve().as_uri(), size=entry.stat().st_size
                )
                for entry in sorted(self.path.iterdir())
                if entry.is_file()
                and is_dist_filename(entry.name)
                and project_of(entry.name) == name
            )
            return ProjectPage(name=name, url=url + "/", files=files)
        if self.path.is_file():
            page = parse_html_page(_read(self.path, "the find-links page"), url, name)
            files = tuple(f for f in page.files if project_of(f.filename) == name)
            return ProjectPage(name=name, url=url, files=files)
        raise IndexPageError(
            f"{self.location}: no such find-links folder or page", hint="check --find-links"
        )


class LocalIndex(_OnDisk):
    """A simple repository on disk, ``file:///path/simple/``.

    The page of a project is ``<root>/<name>/index.json`` (PEP 691) when present, else
    ``<root>/<name>/index.html`` (PEP 503, what pip reads for a ``file://`` index); a
    project with neither has an empty page.
    """

    def __init__(self, index_url: str) -> None:
        self.index_url = index_url.rstrip("/") + "/"
        self.root = path_of(self.index_url)

    async def project_page(self, name: NormalizedName) -> ProjectPage:
        return await asyncio.to_thread(self._page, name)

    def _page(self, name: NormalizedName) -> ProjectPage:
        page_url = f"{self.index_url}{name}/"
        folder = self.root / name
        json_file, html_file = folder / "index.json", folder / "index.html"
        if json_file.is_file():
            return parse_json_page(_read(json_file, "the index page"), page_url, name)
        if html_file.is_file():
            return parse_html_page(_read(html_file, "the index page"), page_url, name)
        return ProjectPage(name=name, url=page_url, files=())
