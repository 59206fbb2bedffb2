from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import functools
import hashlib
import importlib.abc
import json
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from packaging.utils import canonicalize_name
from tests.index.index_support import HOST, FakeServer, build_tar_gz, build_wheel, metadata_text
from tests.indexserver import IndexServer, MakeIndexServer

from wheelcast.errors import CacheError, IndexPageError, IndexUnreachable, OfflineMiss
from wheelcast.index import remote
from wheelcast.index.http import (
    ACCEPT,
    Fetcher,
    FetchService,
    FetchSettings,
    HttpIndex,
    _Fetched,
)
from wheelcast.index.models import DistFile
from wheelcast.index.remote import RemoteFetch
from wheelcast.index.sources import build_source
from wheelcast.index.store import Cache
from wheelcast.runtime.workers import Workers

T = TypeVar("T")
NAME = canonicalize_name("demo")
JSON_TYPE = "application/vnd.pypi.simple.v1+json"


def run(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    return asyncio.run(factory())


def make_index(server: FakeServer, tmp_path: Path, **options: Any) -> HttpIndex:
    """An index over the fake server; options named like FetchSettings' fields go there."""
    fields = {f.name for f in dataclasses.fields(FetchSettings)}
    settings = {name: options.pop(name) for name in list(options) if name in fields}
    settings.setdefault("backoff", 0.0)
    return HttpIndex(
        f"{HOST}/simple",
        Cache(tmp_path),
        server.client(),
        settings=FetchSettings(**settings),
        **options,
    )


def page_of(index: HttpIndex, name: str = "demo") -> Any:
    async def go() -> Any:
        try:
            return await index.project_page(canonicalize_name(name))
        finally:
            await index.aclose()

    return run(go)


def metadata_of(index: HttpIndex, file: DistFile) -> Any:
    async def go() -> Any:
        try:
            return await index.metadata(file)
        finally:
            await index.aclose()

    return run(go)


def json_body(*filenames: str) -> str:
    files = [{"filename": f, "url": f"/files/{f}", "hashes": {}} for f in filenames]
    return json.dumps({"meta": {"api-version": "1.0"}, "name": "demo", "files": files})


class TestProjectPage:
    def test_json(self, server: FakeServer, tmp_path: Path) -> None:
        server.page("/simple/demo/", json_body("demo-1.0.tar.gz"), JSON_TYPE)
        page = page_of(make_index(server, tmp_path))
        assert [f.url for f in page.files] == [f"{HOST}/files/demo-1.0.tar.gz"]
        assert server.requests[0].headers["accept"] == ACCEPT

    @pytest.mark.parametrize(
        "content_type", ["text/html; charset=utf-8", "application/vnd.pypi.simple.v1+html", ""]
    )
    def test_html_fallback(self, server: FakeServer, tmp_path: Path, content_type: str) -> None:
        server.page("/simple/demo/", '<a href="demo-1.0.tar.gz">x</a>', content_type)
        page = page_of(make_index(server, tmp_path))
        assert [f.url for f in page.files] == [f"{HOST}/simple/demo/demo-1.0.tar.gz"]

    def test_a_fetcher_with_a_cache_stores_the_page_itself(
        self, server: FakeServer, tmp_path: Path
    ) -> None:
        # As in a fetch process: the page stays out of the answer; the index reads it back.
        server.page("/simple/demo/", json_body("demo-1.0.tar.gz"), JSON_TYPE)
        url = f"{HOST}/simple/demo/"
        fetcher = Fetcher(server.client(), FetchSettings(backoff=0.0, cache_dir=str(tmp_path)))
        try:
            fetched = fetcher.page(url, {}, NAME, revalidating=False, cached_digest=None)
        finally:
            fetcher.close()
        assert fetched is not None
        assert (fetched.stored, fetched.blob) == (True, None)
        with Cache(tmp_path) as cache:
            cached = cache.get_page(url)
        assert cached is not None
        assert cached.digest == fetched.digest
        assert [f.url for f in cached.page.files] == [f"{HOST}/files/demo-1.0.tar.gz"]
        index = make_index(server, tmp_path / "run", cache_dir=str(tmp_path / "run"))
        assert [f.url for f in page_of(index).files] == [f"{HOST}/files/demo-1.0.tar.gz"]

    def test_a_stored_page_gone_from_the_cache_is_one_error(self, tmp_path: Path) -> None:
        class Forgetful:  # says it stored the page, and did not
            def submit(self, call: object) -> concurrent.futures.Future[_Fetched]:
                future: concurrent.futures.Future[_Fetched] = concurrent.futures.Future()
                future.set_result(_Fetched(None, None, None, 0.0, "digest", stored=True))
                return future

            def close(self) -> None:
                pass

        index = HttpIndex(f"{HOST}/simple", Cache(tmp_path), requests=Forgetful())
        with pytest.raises(CacheError, match="gone from") as info:
            page_of(index)
        assert "--cache-dir" in info.value.hint

    def test_404_is_empty(self, server: FakeServer, tmp_path: Path) -> None:
        page = page_of(make_index(server, tmp_path), "nothing-here")
        assert page.files == ()
        assert server.paths() == ["/simple/nothing-here/"]

    def test_403_is_an_error(self, server: FakeServer, tmp_path: Path) -> None:
        server.routes["/simple/demo/"] = lambda _: httpx.Response(403)
        with pytest.raises(IndexUnreachable, match="HTTP 403") as info:
            page_of(make_index(server, tmp_path))
        assert "credentials" in info.value.hint
        assert len(server.requests) == 1

    def test_malformed_page(self, server: FakeServer, tmp_path: Path) -> None:
        server.page("/simple/demo/", "{not json", JSON_TYPE)
        with pytest.raises(IndexPageError, match="not valid JSON"):
            page_of(make_index(server, tmp_path))

    def test_retries_then_succeeds(self, server: FakeServer, tmp_path: Path) -> None:
        answers = iter(
            [
                httpx.Response(503),
                httpx.Response(429, headers={"retry-after": "0"}),
                httpx.Response(
                    200, text=json_body("demo-1.0.tar.gz"), headers={"content-type": JSON_TYPE}
                ),
            ]
        )
        server.routes["/simple/demo/"] = lambda _: next(answers)
        page = page_of(make_index(server, tmp_path))
        assert len(page.files) == 1
        assert len(server.requests) == 3

    def test_gives_up_after_three_tries(self, server: FakeServer, tmp_path: Path) -> None:
        server.routes["/simple/demo/"] = lambda _: httpx.Response(502)
        with pytest.raises(
            IndexUnreachable, match=r"cannot reach .*/simple/demo/: HTTP 502"
        ) as info:
            page_of(make_index(server, tmp_path))
        assert len(server.requests) == 3
        assert "--offline" in info.value.hint

    def test_connection_errors(self, server: FakeServer, tmp_path: Path) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        server.routes["/simple/demo/"] = refuse
        with pytest.raises(IndexUnreachable, match="connection refused"):
            page_of(make_index(server, tmp_path))
        assert len(server.requests) == 3

    def test_timeouts_are_retried(self, server: FakeServer, tmp_path: Path) -> None:
        calls = []

        def slow_once(request: httpx.Request) -> httpx.Response:
            calls.append(request)
            if len(calls) == 1:
                raise httpx.ReadTimeout("slow", request=request)
            return httpx.Response(200, text="", headers={"content-type": "text/html"})

        server.routes["/simple/demo/"] = slow_once
        assert page_of(make_index(server, tmp_path)).files == ()
        assert len(calls) == 2

    def test_fresh_cache_needs_no_request(self, server: FakeServer, tmp_path: Path) -> None:
        server.page("/simple/demo/", json_body("demo-1.0.tar.gz"), JSON_TYPE)
        page_of(make_index(server, tmp_path))
        second = page_of(make_index(server, tmp_path))
        assert len(second.files) == 1
        assert len(server.requests) == 1

    def test_refresh_ignores_freshness(self, server: FakeServer, tmp_path: Path) -> None:
        server.page("/simple/demo/", json_body("demo-1.0.tar.gz"), JSON_TYPE)
        page_of(make_index(server, tmp_path))
        page_of(make_index(server, tmp_path, refresh=True))
        assert len(server.requests) == 2
        assert server.requests[1].headers["cache-control"] == "max-age=0"

    def test_a_refetched_page_with_the_same_body_is_not_parsed_again(
        self, server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        server.page("/simple/demo/", json_body("demo-1.0.tar.gz"), JSON_TYPE)
        first = make_index(server, tmp_path)
        page_of(first)
        digest = first.pages_read()[f"{HOST}/simple/demo/"]

        def no_parsing(*args: object) -> None:
            raise AssertionError("parsed an unchanged page")

        monkeypatch.setattr("wheelcast.index.parse.parse_json_page", no_parsing)
        again = make_index(server, tmp_path, refresh=True)
        assert [f.filename for f in page_of(again).files] == ["demo-1.0.tar.gz"]
        assert again.pages_read()[f"{HOST}/simple/demo/"] == digest
        assert len(server.requests) == 2

    def test_a_refetched_page_with_another_body_has_another_digest(
        self, server: FakeServer, tmp_path: Path
    ) -> None:
        server.page("/simple/demo/", json_body("demo-1.0.tar.gz"), JSON_TYPE)
        first = make_index(server, tmp_path)
        page_of(first)
        server.page("/simple/demo/", json_body("demo-1.0.tar.gz", "demo-2.0.tar.gz"), JSON_TYPE)
        again = make_index(server, tmp_path, refresh=True)
        assert len(page_of(again).files) == 2
        url = f"{HOST}/simple/demo/"
        assert again.pages_read()[url][1] != first.pages_read()[url][1]
        with Cache(tmp_path) as cache:
            assert cache.page_states([url])[url].digest == again.pages_read()[url][1]

    def test_one_projects_pages_are_read_from_the_ledger_alone(
        self, server: FakeServer, tmp_path: Path
    ) -> None:
        # A scan asks once per project: the whole ledger each time was quadratic.
        server.page("/simple/demo/", json_body("demo-1.0.tar.gz"), JSON_TYPE)
        server.page("/simple/other/", json_body("other-1.0.tar.gz"), JSON_TYPE)
        index = make_index(server, tmp_path)

        async def both() -> None:
            try:
                await index.project_page(canonicalize_name("demo"))
                await index.project_page(canonicalize_name("other"))
            finally:
                await index.aclose()

        asyncio.run(both())
        whole = index.pages_read()
        assert len(whole) == 2
        demo = f"{HOST}/simple/demo/"
        assert index.pages_read(canonicalize_name("demo")) == {demo: whole[demo]}
        assert index.pages_read(canonicalize_name("never-read")) == {}

    def test_revalidation(self, server: FakeServer, tmp_path: Path) -> None:
        def conditional(request: httpx.Request) -> httpx.Response:
            if request.headers.get("if-none-match") == '"v1"':
                return httpx.Response(304)
            return httpx.Response(
                200,
                text=json_body("demo-1.0.tar.gz"),
                headers={
                    "content-type": JSON_TYPE,
                    "etag": '"v1"',
                    "last-modified": "Mon, 01 Jan 2024 00:00:00 GMT",
                },
            )

        server.routes["/simple/demo/"] = conditional
        first = page_of(make_index(server, tmp_path))
        second = page_of(make_index(server, tmp_path))
        assert first == second
        assert len(server.requests) == 2  # with validators the page is always revalidated
        assert server.requests[1].headers["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"
        assert "if-none-match" not in server.requests[0].headers

    def test_offline(self, server: FakeServer, tmp_path: Path) -> None:
        with pytest.raises(OfflineMiss, match="demo"):
            page_of(make_index(server, tmp_path, offline=True))
        assert server.requests == []
        server.page("/simple/demo/", json_body("demo-1.0.tar.gz"), JSON_TYPE, etag='"v"')
        page_of(make_index(server, tmp_path))
        page = page_of(make_index(server, tmp_path, offline=True))
        assert len(page.files) == 1
        assert len(server.requests) == 1

    def test_flat_find_links_page(self, server: FakeServer, tmp_path: Path) -> None:
        server.page(
            "/links.html",
            '<a href="demo-1.0.tar.gz">a</a><a href="other-1.0.tar.gz">b</a>'
            '<a href="Demo-2.0-py3-none-any.whl">c</a>',
            "text/html",
        )
        index = HttpIndex(f"{HOST}/links.html", Cache(tmp_path), server.client(), flat=True)

        async def go() -> tuple[Any, Any]:
            try:
                return (
                    await index.project_page(NAME),
                    await index.project_page(canonicalize_name("other")),
                )
            finally:
                await index.aclose()

        demo, other = run(go)
        assert [f.filename for f in demo.files] == ["demo-1.0.tar.gz", "Demo-2.0-py3-none-any.whl"]
        assert [f.filename for f in other.files] == ["other-1.0.tar.gz"]
        assert len(server.requests) == 1


def wheel_file(data: bytes, *, sha: bool = True, **extra: Any) -> DistFile:
    hashes = (("sha256", hashlib.sha256(data).hexdigest()),) if sha else ()
    return DistFile(
        filename="demo-1.0-py3-none-any.whl",
        url=f"{HOST}/files/demo-1.0-py3-none-any.whl",
        hashes=hashes,
        **extra,
    )


class TestMetadata:
    def test_pep658(self, server: FakeServer, tmp_path: Path) -> None:
        raw = metadata_text("demo", "1.0", "Requires-Dist: dep").encode()
        server.file("/files/demo-1.0-py3-none-any.whl.metadata", raw)
        file = wheel_file(
            b"", core_metadata=True, core_metadata_sha256=hashlib.sha256(raw).hexdigest()
        )
        result = metadata_of(make_index(server, tmp_path), file)
        assert result.source == "metadata-file"
        assert [str(r) for r in result.metadata.requires_dist] == ["dep"]
        assert server.paths() == ["/files/demo-1.0-py3-none-any.whl.metadata"]

    def test_pep658_hash_mismatch(self, server: FakeServer, tmp_path: Path) -> None:
        server.file(
            "/files/demo-1.0-py3-none-any.whl.metadata", metadata_text("demo", "1.0").encode()
        )
        file = wheel_file(b"", core_metadata=True, core_metadata_sha256="00" * 32)
        with pytest.raises(IndexPageError, match="sha256 does not match"):
            metadata_of(make_index(server, tmp_path), file)

    def test_pep658_missing_falls_back_to_ranges(self, server: FakeServer, tmp_path: Path) -> None:
        data = build_wheel("demo", "1.0")
        server.file("/files/demo-1.0-py3-none-any.whl", data)
        result = metadata_of(make_index(server, tmp_path), wheel_file(data, core_metadata=True))
        assert result.source == "range"

    def test_range_tail_only(self, server: FakeServer, tmp_path: Path) -> None:
        data = build_wheel("demo", "1.0", "dep>=2", before={"demo/blob.bin": os.urandom(300_000)})
        server.file("/files/demo-1.0-py3-none-any.whl", data)
        result = metadata_of(make_index(server, tmp_path), wheel_file(data))
        assert result.source == "range"
        assert [str(r) for r in result.metadata.requires_dist] == ["dep>=2"]
        assert [r.headers["range"] for r in server.requests] == ["bytes=-65536"]
        assert server.requests[0].headers["accept-encoding"] == "identity"

    def test_range_member_outside_tail(self, server: FakeServer, tmp_path: Path) -> None:
        data = build_wheel("demo", "1.0", "dep", after={"demo/blob.bin": os.urandom(300_000)})
        server.file("/files/demo-1.0-py3-none-any.whl", data)
        result = metadata_of(make_index(server, tmp_path), wheel_file(data))
        assert result.source == "range"
        ranges = [r.headers["range"] for r in server.requests]
        assert ranges[0] == "bytes=-65536"
        assert len(ranges) == 2
        first, last = map(int, ranges[1].removeprefix("bytes=").split("-"))
        assert last - first < 4096

    def test_server_ignores_ranges(self, server: FakeServer, tmp_path: Path) -> None:
        data = build_wheel("demo", "1.0", "dep", before={"demo/blob.bin": os.urandom(100_000)})
        server.file("/files/demo-1.0-py3-none-any.whl", data, ranges=False)
        result = metadata_of(make_index(server, tmp_path), wheel_file(data))
        assert result.source == "download"
        assert len(server.requests) == 1  # the 200 answer already carried the whole wheel

    def test_download_hash_mismatch(self, server: FakeServer, tmp_path: Path) -> None:
        data = build_wheel("demo", "1.0")
        server.file("/files/demo-1.0-py3-none-any.whl", data, ranges=False)
        with pytest.raises(IndexPageError, match="sha256"):
            metadata_of(make_index(server, tmp_path), wheel_file(data + b"x"))

    def test_download_cap(self, server: FakeServer, tmp_path: Path) -> None:
        data = build_wheel("demo", "1.0", before={"demo/blob.bin": os.urandom(10_000)})
        server.file("/files/demo-1.0-py3-none-any.whl", data, ranges=False)
        with pytest.raises(IndexPageError, match="download cap"):
            metadata_of(make_index(server, tmp_path, wheel_cap=1000), wheel_file(data))

    @pytest.mark.parametrize(
        ("extra", "metadata_version", "known"),
        [
            ((), "2.2", True),
            (("Dynamic: Requires-Dist",), "2.2", False),
            (("Dynamic: Description",), "2.3", True),
            ((), "2.1", False),
        ],
        ids=["static", "dynamic", "other-dynamic", "old"],
    )
    def test_sdist(
        self,
        server: FakeServer,
        tmp_path: Path,
        extra: tuple[str, ...],
        metadata_version: str,
        known: bool,
    ) -> None:
        pkg_info = metadata_text(
            "demo", "1.0", "Requires-Dist: dep", *extra, metadata_version=metadata_version
        )
        data = build_tar_gz(
            {
                "../PKG-INFO": metadata_text("evil", "6.6.6"),
                "demo-1.0/src/demo.egg-info/PKG-INFO": metadata_text("wrong", "0"),
                "demo-1.0/PKG-INFO": pkg_info,
                "demo-1.0/setup.py": "raise SystemExit('never run')",
            }
        )
        server.file("/files/demo-1.0.tar.gz", data)
        file = DistFile(filename="demo-1.0.tar.gz", url=f"{HOST}/files/demo-1.0.tar.gz")
        result = metadata_of(make_index(server, tmp_path), file)
        assert result.source == "pkg-info"
        assert result.metadata.name == "demo"
        assert result.dependencies_known is known

    def test_sdist_without_pkg_info(self, server: FakeServer, tmp_path: Path) -> None:
        server.file("/files/demo-1.0.tar.gz", build_tar_gz({"demo-1.0/setup.py": ""}))
        file = DistFile(filename="demo-1.0.tar.gz", url=f"{HOST}/files/demo-1.0.tar.gz")
        with pytest.raises(IndexPageError, match="no top-level PKG-INFO"):
            metadata_of(make_index(server, tmp_path), file)

    def test_cached_by_sha256(self, server: FakeServer, tmp_path: Path) -> None:
        data = build_wheel("demo", "1.0")
        server.file("/files/demo-1.0-py3-none-any.whl", data)
        metadata_of(make_index(server, tmp_path), wheel_file(data))
        count = len(server.requests)
        again = metadata_of(make_index(server, tmp_path, offline=True), wheel_file(data))
        assert again.source == "range"
        assert len(server.requests) == count

    def test_offline_miss(self, server: FakeServer, tmp_path: Path) -> None:
        with pytest.raises(OfflineMiss, match=r"demo-1\.0-py3-none-any\.whl"):
            metadata_of(make_index(server, tmp_path, offline=True), wheel_file(b""))
        assert server.requests == []


WHEEL = "-2.6.1-py3-none-any.whl"


class TestRemoteFetch:
    """Requests made in a fetch process answer as requests made here (over real sockets)."""

    @staticmethod
    def read(url: str, cache: Path, requests: FetchService | None) -> tuple[Any, Any]:
        name = canonicalize_name("aiohappyeyeballs")
        index = HttpIndex(url, Cache(cache), requests=requests, settings=FetchSettings(backoff=0.0))

        async def go() -> tuple[Any, Any]:
            try:
                page = await index.project_page(name)
                wheel = next(
                    f for f in page.files if f.filename.endswith("-2.6.1-py3-none-any.whl")
                )
                return page, await index.metadata(wheel)
            finally:
                await index.aclose()

        return run(go)

    def test_the_same_page_and_metadata_as_here(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        here = self.read(index_server.url, tmp_path / "here", None)
        remote = RemoteFetch(FetchSettings(backoff=0.0))
        there = self.read(index_server.url, tmp_path / "there", remote)
        assert remote._local is None  # the process did answer
        assert list(there[0].files) == list(here[0].files)
        assert there[1].metadata.requires_dist == here[1].metadata.requires_dist
        assert there[1].source == here[1].source

    def test_pages_the_process_stores_read_back_as_here(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        here = self.read(index_server.url, tmp_path / "here", None)
        there = tmp_path / "there"
        remote = RemoteFetch(FetchSettings(backoff=0.0, cache_dir=str(there)))
        url = f"{index_server.url.rstrip('/')}/aiohappyeyeballs/"
        answer = remote.submit(
            functools.partial(
                Fetcher.page,
                url=url,
                headers={"Accept": ACCEPT},
                name=canonicalize_name("aiohappyeyeballs"),
                revalidating=False,
                cached_digest=None,
            )
        ).result(timeout=30)
        assert (answer.stored, answer.blob) == (True, None)  # the page stayed over there
        with Cache(there) as cache:
            assert cache.get_page(url) is not None
        page, metadata = self.read(index_server.url, there, remote)
        assert remote._local is None  # the process did answer
        assert list(page.files) == list(here[0].files)
        assert metadata.metadata.requires_dist == here[1].metadata.requires_dist

    def test_a_process_started_early_serves_the_first_remote_fetch(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        remote.start_early()
        assert remote._early is not None
        early = remote._early[1]
        fetch = RemoteFetch(FetchSettings(backoff=0.0, cache_dir=str(tmp_path)))
        assert remote._early is None  # taken
        assert fetch._process is early  # no second process
        page, metadata = self.read(index_server.url, tmp_path, fetch)
        assert fetch._local is None  # the early process did answer, with these settings
        assert len(page.files) > 0
        assert metadata.source == "metadata-file"
        second = RemoteFetch(FetchSettings(backoff=0.0))
        try:
            assert second._process is not None
            assert second._process is not early
        finally:
            second.close()

    def test_an_early_process_that_died_is_replaced(self) -> None:
        remote.start_early()
        assert remote._early is not None
        early = remote._early[1]
        early.kill()
        early.join()
        fetch = RemoteFetch(FetchSettings(backoff=0.0))
        try:
            assert fetch._process is not None
            assert fetch._process is not early
            assert fetch._local is None
        finally:
            fetch.close()

    def test_an_error_keeps_its_kind_and_hint(self, index_server: IndexServer) -> None:
        remote = RemoteFetch(FetchSettings(backoff=0.0))
        missing = DistFile(
            "gone-1.0-py3-none-any.whl", index_server.file_url("gone-1.0-py3-none-any.whl")
        )
        try:
            future = remote.submit(functools.partial(Fetcher.metadata, file=missing))
            with pytest.raises(IndexUnreachable, match="HTTP 404") as info:
                future.result(timeout=30)
        finally:
            remote.close()
        assert (
            info.value.hint == "check the URL and your network, or use --offline with a warm cache"
        )

    def test_a_bad_page_is_the_same_error_as_here(
        self, make_index_server: MakeIndexServer, tmp_path: Path
    ) -> None:
        pages = tmp_path / "pages"
        pages.mkdir()
        (pages / "aiohappyeyeballs.json").write_text("[not json")
        server = make_index_server(pages, tmp_path)
        errors = []
        for requests in (None, RemoteFetch(FetchSettings(backoff=0.0))):
            with pytest.raises(IndexPageError) as info:
                self.read(server.url, tmp_path / str(len(errors)), requests)
            errors.append((info.value.message, info.value.hint))
        assert errors[0] == errors[1]

    def test_calls_move_here_when_the_process_dies(
        self, index_server: IndexServer, tmp_path: Path
    ) -> None:
        remote = RemoteFetch(FetchSettings(backoff=0.0))
        assert remote._process is not None
        remote._process.kill()
        remote._process.join()
        page, metadata = self.read(index_server.url, tmp_path, remote)
        assert remote._local is not None
        assert len(page.files) > 0
        assert metadata.source == "metadata-file"

    def test_a_process_that_cannot_start_leaves_the_work_here(
        self, index_server: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def refuse(self: object) -> None:
            raise OSError("no processes here")

        monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
        remote = RemoteFetch(FetchSettings(backoff=0.0))
        page, _ = self.read(index_server.url, tmp_path, remote)
        assert remote._local is not None
        assert len(page.files) > 0


class TestReleasePages:
    def test_a_released_page_is_read_again_from_the_cache_even_with_refresh(
        self, server: FakeServer, tmp_path: Path
    ) -> None:
        server.page("/simple/demo/", json_body("demo-1.0.tar.gz"), JSON_TYPE)
        index = make_index(server, tmp_path, refresh=True)

        async def go() -> tuple[Any, Any]:
            try:
                first = await index.project_page(NAME)
                index.release_pages()
                server.page("/simple/demo/", json_body("demo-2.0.tar.gz"), JSON_TYPE)
                return first, await index.project_page(NAME)
            finally:
                await index.aclose()

        first, again = run(go)
        assert [f.filename for f in again.files] == [f.filename for f in first.files]
        assert len(server.requests) == 1  # the run keeps the page it resolved against


class TestWorkersWarm:
    def test_warm_starts_the_pool_before_any_call(self) -> None:
        workers = Workers(1)
        try:
            workers.warm()
            assert workers._pool is not None
            assert workers.run(functools.partial(pow, 2, 10)) == 1024
        finally:
            workers.shutdown()

    def test_a_pool_that_cannot_run_works_here(self) -> None:
        workers = Workers(1)
        workers.broken()
        workers.warm()
        assert workers._pool is None
        assert workers.run(functools.partial(pow, 2, 3)) == 8

    def test_a_worker_leaves_ctrl_c_to_its_parent(self) -> None:
        workers = Workers(1)
        try:
            handler = workers.run(functools.partial(signal.getsignal, signal.SIGINT))
            assert workers._pool is not None  # it ran in a worker
        finally:
            workers.shutdown()
        assert handler == signal.SIG_IGN


class TestRequestCost:
    def test_a_request_searches_for_no_module(
        self, index_server: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # A module the HTTP stack imports on every request and that is not installed is
        # searched for on the whole import path every time: httpcore's sniffio was 0.5 s
        # of a cold run. Over real sockets (MockTransport bypasses httpcore).
        name = canonicalize_name("aiohappyeyeballs")

        async def page_and_metadata(cache: Path) -> None:
            source = build_source(index_server.url, cache_dir=cache)
            try:
                page = await source.project_page(name)
                wheel = next(
                    f for f in page.files if f.filename.endswith("-2.6.1-py3-none-any.whl")
                )
                await source.metadata(wheel)
            finally:
                await source.aclose()

        asyncio.run(page_and_metadata(tmp_path / "first"))
        searched: list[str] = []

        class Recorder(importlib.abc.MetaPathFinder):
            def find_spec(self, fullname: str, *args: object) -> None:
                searched.append(fullname)

        monkeypatch.setattr(sys, "meta_path", [Recorder(), *sys.meta_path])
        asyncio.run(page_and_metadata(tmp_path / "second"))
        assert searched == []
