from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from tests.index.index_support import HOST, FakeServer
from tests.sdist.sdist_support import tar_bytes, tree

from wheelcast.errors import IndexPageError, IndexUnreachable, UnsafeArchive
from wheelcast.forecast.check import SDIST_WORKER_MODULE, IndexOptions, SdistReader, sdist_reader
from wheelcast.index import IndexSession
from wheelcast.index.http import FetchSettings, HttpIndex
from wheelcast.index.local import FindLinks
from wheelcast.index.models import DistFile
from wheelcast.index.store import Cache
from wheelcast.runtime.workers import Workers
from wheelcast.sdist import build_needs
from wheelcast.sdist.needs import ANALYSIS_VERSION

SETUP_PY = (
    b"from setuptools import setup, Extension\nsetup(ext_modules=[Extension('d', ['d.c'])])\n"
)


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


class CountingSession:
    def __init__(self, session: IndexSession) -> None:
        self.session = session
        self.calls = 0

    def download(self, file: DistFile, dest: Path, max_bytes: int) -> Path:
        self.calls += 1
        return self.session.download(file, dest, max_bytes)


def local_file(folder: Path, data: bytes, name: str = "demo-1.0.tar.gz") -> DistFile:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return DistFile(name, path.as_uri(), (("sha256", hashlib.sha256(data).hexdigest()),))


def c_sdist(tmp_path: Path) -> DistFile:
    """A small sdist with one C extension, in ``tmp_path/links``."""
    data = tar_bytes([("demo-1.0/setup.py", SETUP_PY), ("demo-1.0/d.c", b"")])
    return local_file(tmp_path / "links", data)


class TestBuildNeeds:
    def test_downloads_once_then_uses_the_cache(self, tmp_path: Path) -> None:
        file = c_sdist(tmp_path)
        with Cache(tmp_path / "cache") as cache, IndexSession(FindLinks(str(tmp_path))) as s:
            session = CountingSession(s)
            first = build_needs(file, session, cache)
            second = build_needs(file, session, cache)
            assert cache.get_build_needs(file.sha256 or "", ANALYSIS_VERSION) is not None
            assert cache.get_build_needs(file.sha256 or "", ANALYSIS_VERSION + 1) is None
        assert first == second
        assert first.languages == ("C",)
        assert session.calls == 1
        assert not any(p.startswith("sdist-") for p in tree(tmp_path / "cache"))

    def test_a_small_sdist_is_read_here_without_starting_a_worker(self, tmp_path: Path) -> None:
        good = c_sdist(tmp_path)
        workers = Workers(1)
        with Cache(tmp_path / "cache") as cache, IndexSession(FindLinks(str(tmp_path))) as s:
            assert build_needs(good, s, cache, workers=workers).languages == ("C",)
        assert workers._pool is None

    def test_read_in_a_worker_process_as_here_and_refused_the_same(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("wheelcast.sdist.service.LARGE_SDIST", 0)
        good = c_sdist(tmp_path)
        bad = local_file(
            tmp_path / "links", tar_bytes([("bad-1.0/../../escape", b"x")]), "bad-1.0.tar.gz"
        )
        workers = Workers(1)
        try:
            with Cache(tmp_path / "cache") as cache, IndexSession(FindLinks(str(tmp_path))) as s:
                there = build_needs(good, s, cache, workers=workers)
                assert workers._pool is not None  # a worker did the reading
                with pytest.raises(UnsafeArchive, match=r"bad-1\.0\.tar\.gz: refused: .*escape"):
                    build_needs(bad, s, cache, workers=workers)
            with Cache(tmp_path / "here") as cache, IndexSession(FindLinks(str(tmp_path))) as s:
                here = build_needs(good, s, cache)
        finally:
            workers.shutdown()
        assert there == here
        assert there.languages == ("C",)

    def test_hostile_sdist_leaves_nothing_behind(self, tmp_path: Path) -> None:
        data = tar_bytes([("demo-1.0/../../escape", b"x")])
        file = local_file(tmp_path / "links", data)
        with Cache(tmp_path / "cache") as cache, IndexSession(FindLinks(str(tmp_path))) as s:
            with pytest.raises(UnsafeArchive, match=r"demo-1\.0\.tar\.gz: refused: .*escape"):
                build_needs(file, s, cache)
            assert cache.get_build_needs(file.sha256 or "", ANALYSIS_VERSION) is None
        assert not any(p.startswith("sdist-") for p in tree(tmp_path / "cache"))
        assert not (tmp_path / "escape").exists()


def download(index: HttpIndex, file: DistFile, dest: Path, cap: int) -> Path:
    async def go() -> Path:
        try:
            return await index.download(file, dest, max_bytes=cap)
        finally:
            await index.aclose()

    return asyncio.run(go())


class TestHttpDownload:
    @pytest.fixture
    def make(self) -> Callable[[FakeServer, Path], HttpIndex]:
        def make(server: FakeServer, tmp_path: Path) -> HttpIndex:
            settings = FetchSettings(backoff=0.0)
            return HttpIndex(
                f"{HOST}/simple", Cache(tmp_path / "c"), server.client(), settings=settings
            )

        return make

    def test_streams_and_checks_the_hash(
        self, server: FakeServer, tmp_path: Path, make: Callable[[FakeServer, Path], HttpIndex]
    ) -> None:
        data = b"sdist bytes"
        server.file("/files/demo-1.0.tar.gz", data)
        file = DistFile(
            "demo-1.0.tar.gz",
            f"{HOST}/files/demo-1.0.tar.gz",
            (("sha256", hashlib.sha256(data).hexdigest()),),
        )
        dest = tmp_path / "d"
        dest.mkdir()
        path = download(make(server, tmp_path), file, dest, 1000)
        assert path.parent == dest
        assert path.name.endswith("-demo-1.0.tar.gz")
        assert path.read_bytes() == data

    @pytest.mark.parametrize(
        ("sha", "cap", "message"),
        [("0" * 64, 1000, "sha256 does not match"), (None, 5, "larger than the 5 byte")],
    )
    def test_refusals_leave_nothing(
        self,
        sha: str | None,
        cap: int,
        message: str,
        *,
        server: FakeServer,
        tmp_path: Path,
        make: Callable[[FakeServer, Path], HttpIndex],
    ) -> None:
        server.file("/files/demo-1.0.tar.gz", b"sdist bytes")
        hashes = (("sha256", sha),) if sha else ()
        file = DistFile("demo-1.0.tar.gz", f"{HOST}/files/demo-1.0.tar.gz", hashes)
        dest = tmp_path / "d"
        dest.mkdir()
        with pytest.raises(IndexPageError, match=message):
            download(make(server, tmp_path), file, dest, cap)
        assert tree(dest) == []

    def test_a_hostile_filename_stays_in_dest(
        self, server: FakeServer, tmp_path: Path, make: Callable[[FakeServer, Path], HttpIndex]
    ) -> None:
        server.file("/files/x.tar.gz", b"data")
        file = DistFile("../../x.tar.gz", f"{HOST}/files/x.tar.gz")
        dest = tmp_path / "d"
        dest.mkdir()
        path = download(make(server, tmp_path), file, dest, 100)
        assert path.parent == dest

    def test_faults_are_retried_then_named(
        self, server: FakeServer, tmp_path: Path, make: Callable[[FakeServer, Path], HttpIndex]
    ) -> None:
        answers = iter([httpx.Response(503), httpx.Response(200, content=b"data")])
        server.routes["/files/x.tar.gz"] = lambda request: next(answers)
        file = DistFile("x.tar.gz", f"{HOST}/files/x.tar.gz")
        dest = tmp_path / "d"
        dest.mkdir()
        assert download(make(server, tmp_path), file, dest, 100).read_bytes() == b"data"
        server.routes["/files/x.tar.gz"] = lambda request: httpx.Response(503)
        with pytest.raises(IndexUnreachable, match=r"HTTP 503 .* \(after 3 tries\)"):
            download(make(server, tmp_path), file, dest, 100)
        server.routes["/files/x.tar.gz"] = lambda request: httpx.Response(404)
        with pytest.raises(IndexUnreachable, match="404"):
            download(make(server, tmp_path), file, dest, 100)


class TestLocalDownload:
    def test_copies_and_checks(self, tmp_path: Path) -> None:
        file = local_file(tmp_path / "links", b"abc")
        dest = tmp_path / "d"
        dest.mkdir()
        with IndexSession(FindLinks(str(tmp_path / "links"))) as session:
            path = session.download(file, dest, 10)
            assert path.read_bytes() == b"abc"
            with pytest.raises(IndexPageError, match="larger than the 2 byte"):
                session.download(file, dest, 2)
            bad = DistFile(file.filename, file.url, (("sha256", "0" * 64),))
            with pytest.raises(IndexPageError, match="sha256 does not match"):
                session.download(bad, dest, 10)
        assert tree(dest) == [path.name]


class TestSdistReader:
    """check's reader: likely builds start early; each sdist is still read once."""

    def test_a_started_sdist_is_awaited_not_read_again(self, tmp_path: Path) -> None:
        file = c_sdist(tmp_path)
        with Cache(tmp_path / "cache") as cache, IndexSession(FindLinks(str(tmp_path))) as s:
            session = CountingSession(s)
            reader = SdistReader(session, cache)  # type: ignore[arg-type]
            reader.start(file)
            reader.start(file)
            needs = reader(file)
            reader.close()
        assert needs.languages == ("C",)
        assert session.calls == 1

    def test_the_first_likely_build_starts_the_worker_processes(self, tmp_path: Path) -> None:
        file = c_sdist(tmp_path)
        other = DistFile("gone-1.0.tar.gz", (tmp_path / "gone-1.0.tar.gz").as_uri())
        warmed: list[tuple[str, ...]] = []

        class Recording(Workers):
            def warm(self, *modules: str) -> None:
                warmed.append(modules)

        for start_workers, expected in ((True, [(SDIST_WORKER_MODULE,)]), (False, [])):
            warmed.clear()
            workers = Recording()
            with Cache(tmp_path / "cache") as cache, IndexSession(FindLinks(str(tmp_path))) as s:
                reader = SdistReader(s, cache, workers, start_workers=start_workers)
                assert warmed == []  # a reader that reads nothing starts nothing
                reader.start(file)
                reader.start(other)
                assert reader(file).languages == ("C",)
                reader.close()
            workers.shutdown()
            assert warmed == expected  # once, with the module the workers read sdists with

    def test_a_failed_early_start_surfaces_only_if_asked(self, tmp_path: Path) -> None:
        gone = DistFile("gone-1.0.tar.gz", (tmp_path / "gone-1.0.tar.gz").as_uri())
        unasked = DistFile("other-1.0.tar.gz", (tmp_path / "other-1.0.tar.gz").as_uri())
        with Cache(tmp_path / "cache") as cache, IndexSession(FindLinks(str(tmp_path))) as s:
            reader = SdistReader(s, cache)
            reader.start(gone)
            reader.start(unasked)
            with pytest.raises(IndexPageError):
                reader(gone)
            reader.close()  # the unasked failure is dropped

    def test_an_interrupted_run_does_not_wait_for_readings(self, tmp_path: Path) -> None:
        release = threading.Event()
        finished = threading.Event()

        class Stalled:
            def download(self, file: DistFile, dest: Path, max_bytes: int) -> Path:
                release.wait(timeout=5)
                finished.set()
                raise IndexPageError("stalled")

        index = IndexOptions(cache_dir=tmp_path / "cache")
        sdist = DistFile("demo-1.0.tar.gz", "https://index.invalid/demo-1.0.tar.gz")
        try:
            with (  # noqa: PT012 - the reading starts inside
                pytest.raises(KeyboardInterrupt),
                sdist_reader(Stalled(), index) as reader,  # type: ignore[arg-type]
            ):
                reader.start(sdist)
                raise KeyboardInterrupt
            assert not finished.is_set()  # left without waiting for the stalled reading
        finally:
            release.set()
