"""Fetching the picked files into the target folders: verified, renamed into place, resumable.

A file is written under a temporary name in the folder it is for (the index source does
that, and deletes it when the download fails or its sha256 differs from the page's), its
sha256 is checked again here, it is flushed to disk, and only then renamed to its real
name: a folder never holds a partial file under a distribution's name. A file already
there whose sha256 is the index's is kept and not fetched again; a file several targets
share is fetched once and hard linked (or copied) into the other folders.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import os
import shutil
import threading
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from wheelcast.errors import IndexPageError, InvalidOption
from wheelcast.index.http import SDIST_DOWNLOAD_CAP, WHEEL_DOWNLOAD_CAP
from wheelcast.index.models import DistFile
from wheelcast.wheelhouse.contents import Placed, Progress

__all__ = [
    "BUILD_PREFIX",
    "TEMP_PREFIX",
    "Download",
    "Fetched",
    "Pick",
    "fetch_files",
    "file_sha256",
    "folder_lock",
    "public_url",
    "remove_leftovers",
    "safe_filename",
]

# The index sources' temporary names (``wheelcast.index.http``, ``wheelcast.index.local``).
TEMP_PREFIX = ".download-"
_LINK_PREFIX = ".link-"
BUILD_PREFIX = ".build-"  # a build's scratch folder (``wheelcast.wheelhouse.pep517_build``)
JOBS = 8  # files in flight at once; the source caps its own connections too
_CHUNK = 1024 * 1024

Download = Callable[[DistFile, Path, int], Path]
"""``IndexSession.download``: the file into a fresh temporary name in a folder."""


@dataclass(frozen=True, slots=True)
class Pick:
    """A file the forecast picked for one target."""

    target: str
    folder: str
    name: str
    version: str
    verdict: str
    file: DistFile


@dataclass(frozen=True, slots=True)
class Fetched:
    placed: tuple[Placed, ...]
    downloaded: int
    reused: int
    linked: int


def public_url(url: str) -> str:
    """``url`` without the user name and password it may carry."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def safe_filename(file: DistFile) -> str:
    """The file's name as a single path part, or an error: a page must not write elsewhere."""
    name = file.filename
    if not name or name != os.path.basename(name.replace("\\", "/")) or name.startswith("."):
        raise IndexPageError(
            f"{public_url(file.url)}: the index names the file '{name[:80]}'",
            "a distribution's filename is one path part: the index page is broken",
        )
    return name


@contextlib.contextmanager
def folder_lock(root: Path) -> Iterator[None]:
    """Hold ``root`` for this run alone: two runs filling one wheelhouse would race."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = (root / ".wheelhouse.lock").open("a+b")
    except OSError as exc:
        raise InvalidOption(
            f"cannot write the wheelhouse {root}: {exc.strerror or exc}",
            "choose a folder you can write to with -d",
        ) from None
    with handle:
        try:
            import fcntl  # noqa: PLC0415 - POSIX only; Windows has no advisory lock here

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:
            pass
        except OSError:
            raise InvalidOption(
                f"the wheelhouse {root} is being written by another wheelcast run",
                "wait for it to finish, or choose another folder with -d",
            ) from None
        yield


def remove_leftovers(folder: Path) -> int:
    """Delete the temporary files a killed run left in ``folder``; how many there were."""
    removed = 0
    if not folder.is_dir():
        return 0
    for path in folder.iterdir():
        if path.name.startswith((TEMP_PREFIX, _LINK_PREFIX)) and path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
        elif path.name.startswith(BUILD_PREFIX) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)  # a build's scratch folder
            removed += 1
    return removed


def _fsync(path: Path, *, directory: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        if directory:
            return  # a folder cannot be opened on Windows: its entries are durable anyway
        raise
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _verified(path: Path, sha256: str | None) -> bool:
    if sha256 is None or not path.is_file():
        return False
    try:
        return file_sha256(path) == sha256.lower()
    except OSError:
        return False


def _cap(file: DistFile) -> int:
    return WHEEL_DOWNLOAD_CAP if file.is_wheel else SDIST_DOWNLOAD_CAP


def _usual_mode(folder: Path) -> int:
    """The mode a new file in ``folder`` gets from the umask (0o644 under the usual 022).

    A probe file tells it: ``os.umask`` can only be read by setting it, which races with
    the download threads creating files. Asked once per folder a run, before the
    downloads start (each placed file made and removed a probe of its own)."""
    probe = folder / f"{_LINK_PREFIX}mode-{os.getpid()}-{threading.get_ident()}"
    fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
    try:
        return os.fstat(fd).st_mode & 0o777
    finally:
        os.close(fd)
        probe.unlink()


def _readable(temp: Path, mode: int) -> None:
    # The download's temporary file is private (0600, mkstemp's): kept so, a wheelhouse
    # copied into an image or served to another user is unreadable to the pip there.
    os.chmod(temp, mode)


def _place_copy(source: Path, dest: Path, mode: int) -> None:
    """``dest`` as a hard link to ``source``, or a copy; renamed into place when whole."""
    temp = dest.with_name(f"{_LINK_PREFIX}{dest.name}")
    temp.unlink(missing_ok=True)
    try:
        try:
            os.link(source, temp)
        except OSError:  # another file system, or one without links
            shutil.copyfile(source, temp)
            _fsync(temp)
        _readable(temp, mode)
        os.replace(temp, dest)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync(dest.parent, directory=True)


def _checked_sha256(path: Path, file: DistFile) -> str:
    """The sha256 of ``path``, which must be the one the index lists for ``file``."""
    digest = file_sha256(path)
    expected = file.sha256
    if expected is not None and digest != expected.lower():
        raise IndexPageError(
            f"{public_url(file.url)}: sha256 does not match the one the index lists",
            "a proxy or mirror served a different file; retry with --refresh",
        )
    return digest


def _download(file: DistFile, dest: Path, download: Download, mode: int) -> str:
    """Fetch ``file`` to ``dest`` through a temporary name, made ``mode``; its sha256."""
    temp = download(file, dest.parent, _cap(file))
    try:
        digest = _checked_sha256(temp, file)
        _fsync(temp)
        _readable(temp, mode)
        os.replace(temp, dest)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync(dest.parent, directory=True)
    return digest


def _fetch_one(
    picks: Sequence[Pick],
    root: Path,
    download: Download,
    progress: Progress,
    modes: dict[str, int],
) -> tuple[list[Placed], bool, int]:
    """Every folder of ``picks`` (one file) holding it, each file made the mode ``modes``
    gives its folder; (placed, fetched, links made)."""
    file = picks[0].file
    filename = safe_filename(file)
    folders = list(dict.fromkeys(p.folder for p in picks))
    paths = {folder: root / folder / filename for folder in folders}
    expected = file.sha256
    good = {folder for folder, path in paths.items() if _verified(path, expected)}
    fetched = False
    if good:
        source = paths[next(f for f in folders if f in good)]
        digest = (expected or "").lower()  # verified against it just now
    else:
        source = paths[folders[0]]
        digest = _download(file, source, download, modes[folders[0]])
        good.add(folders[0])
        fetched = True
    links = 0
    for folder in folders:
        if folder not in good:
            _place_copy(source, paths[folder], modes[folder])
            links += 1
    progress.advance(filename, file.size or 0)
    url = public_url(file.url)
    placed = [
        Placed(
            target=p.target,
            path=f"{p.folder}/{filename}",
            name=p.name,
            version=p.version,
            verdict=p.verdict,
            sha256=digest,
            url=url,
            reused=not fetched,
        )
        for p in picks
    ]
    return placed, fetched, links


def fetch_files(
    picks: Sequence[Pick], root: Path, download: Download, progress: Progress, jobs: int = JOBS
) -> Fetched:
    """Every picked file in its folder under ``root``; see the module docstring.

    The first failure (an index error, a hash mismatch) stops the run: the files in
    flight are abandoned (their temporary names deleted) and it is raised. Files already
    renamed into place are whole and verified, and a later run keeps them.
    """
    groups: dict[str, list[Pick]] = {}
    for pick in picks:
        groups.setdefault(pick.file.sha256 or pick.file.url, []).append(pick)
    modes: dict[str, int] = {}
    for folder in {p.folder for p in picks}:
        (root / folder).mkdir(parents=True, exist_ok=True)
        modes[folder] = _usual_mode(root / folder)
    progress.start(len(groups), sum(g[0].file.size or 0 for g in groups.values()))
    placed: list[Placed] = []
    downloaded = linked = 0
    pool = concurrent.futures.ThreadPoolExecutor(max(1, jobs), thread_name_prefix="wheelhouse")
    try:
        futures = [
            pool.submit(_fetch_one, g, root, download, progress, modes) for g in groups.values()
        ]
        for future in futures:
            one, fetched, links = future.result()
            placed += one
            downloaded += fetched
            linked += links
    except BaseException as exc:
        # The downloads under way finish or fail (deleting their temporary names) before
        # the error is raised; interrupted, the closing session stops them.
        pool.shutdown(wait=not isinstance(exc, KeyboardInterrupt), cancel_futures=True)
        raise
    pool.shutdown()
    return Fetched(tuple(placed), downloaded, len(groups) - downloaded, linked)
