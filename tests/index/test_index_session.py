from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from packaging.metadata import Metadata
from packaging.utils import NormalizedName

from wheelcast.errors import IndexUnreachable
from wheelcast.index import IndexSession
from wheelcast.index.models import DistFile, DistMetadata, ProjectPage


class CountingSource:
    def __init__(self) -> None:
        self.pages: list[str] = []
        self.files: list[str] = []
        self.closed = False
        self.release = threading.Event()

    async def project_page(self, name: NormalizedName) -> ProjectPage:
        self.pages.append(name)
        while not self.release.is_set():
            await asyncio.sleep(0.001)
        if name == "broken":
            raise IndexUnreachable("cannot reach broken", "hint")
        return ProjectPage(name=name, url=f"u/{name}", files=())

    async def metadata(self, file: DistFile) -> DistMetadata:
        self.files.append(file.url)
        meta = Metadata.from_raw({"metadata_version": "2.1", "name": "x", "version": "1"})
        return DistMetadata(metadata=meta, source="local")

    async def aclose(self) -> None:
        self.closed = True


class TestIndexSession:
    def test_prefetch_does_not_block_and_memoizes(self) -> None:
        source = CountingSource()
        with IndexSession(source) as session:
            session.prefetch_pages(
                ["Demo", "demo", "other"]
            )  # returns although nothing is released
            source.release.set()
            with ThreadPoolExecutor(8) as pool:
                pages = list(pool.map(session.page, ["DEMO", "demo", "De_Mo", "other"] * 5))
            assert {p.name for p in pages} == {"demo", "de-mo", "other"}
        assert sorted(source.pages) == ["de-mo", "demo", "other"]
        assert source.closed

    def test_metadata_once_per_file(self) -> None:
        source = CountingSource()
        file = DistFile(filename="x-1-py3-none-any.whl", url="file:///x-1-py3-none-any.whl")
        with IndexSession(source) as session:
            session.prefetch_metadata([file, file])
            with ThreadPoolExecutor(4) as pool:
                results = list(pool.map(session.metadata, [file] * 8))
        assert {r.source for r in results} == {"local"}
        assert source.files == [file.url]

    def test_errors_propagate(self) -> None:
        source = CountingSource()
        source.release.set()
        with IndexSession(source) as session:
            for _ in range(2):
                with pytest.raises(IndexUnreachable, match="broken"):
                    session.page("broken")
        assert source.pages == ["broken"]

    def test_close_cancels_pending_and_refuses_more(self) -> None:
        source = CountingSource()  # never released: the page stays in flight
        session = IndexSession(source)
        session.prefetch_pages(["stuck"])
        session.close()
        session.close()  # idempotent
        assert source.closed
        with pytest.raises(RuntimeError, match="closed"):
            session.page("new")
