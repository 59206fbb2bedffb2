from __future__ import annotations

import asyncio
import hashlib
import json
import ssl
from pathlib import Path
from typing import Any

import certifi
import httpx
import pytest
from packaging.utils import canonicalize_name
from tests.index.index_support import build_tar_gz, build_wheel, metadata_text

from wheelcast.errors import IndexPageError, OfflineMiss
from wheelcast.index import build_source
from wheelcast.index.local import FindLinks, LocalIndex
from wheelcast.index.models import DistFile, IndexSource
from wheelcast.index.multi import MultiIndex

NAME = canonicalize_name("demo")


def page_and_metadata(source: IndexSource, name: str = "demo") -> tuple[Any, list[Any]]:
    async def go() -> tuple[Any, list[Any]]:
        try:
            page = await source.project_page(canonicalize_name(name))
            return page, [await source.metadata(f) for f in page.files]
        finally:
            await source.aclose()

    return asyncio.run(go())


@pytest.fixture
def wheelhouse(tmp_path: Path) -> Path:
    folder = tmp_path / "wheels"
    folder.mkdir()
    (folder / "demo-1.0-py3-none-any.whl").write_bytes(build_wheel("demo", "1.0", "dep"))
    (folder / "demo-0.9.tar.gz").write_bytes(
        build_tar_gz({"demo-0.9/PKG-INFO": metadata_text("demo", "0.9", metadata_version="2.2")})
    )
    (folder / "other-1.0-py3-none-any.whl").write_bytes(build_wheel("other", "1.0"))
    (folder / "demo-0.1.win32.exe").write_bytes(b"MZ")
    return folder


class TestFindLinks:
    @pytest.mark.parametrize("as_uri", [False, True], ids=["path", "file-url"])
    def test_folder(self, wheelhouse: Path, as_uri: bool) -> None:
        location = wheelhouse.as_uri() if as_uri else str(wheelhouse)
        page, metadata = page_and_metadata(FindLinks(location))
        assert [f.filename for f in page.files] == ["demo-0.9.tar.gz", "demo-1.0-py3-none-any.whl"]
        assert page.files[1].url == (wheelhouse / "demo-1.0-py3-none-any.whl").as_uri()
        assert [m.source for m in metadata] == ["local", "local"]
        assert [str(m.metadata.version) for m in metadata] == ["0.9", "1.0"]
        assert metadata[0].dependencies_known  # Metadata-Version 2.2, nothing dynamic

    def test_html_page(self, wheelhouse: Path) -> None:
        html = wheelhouse / "links.html"
        html.write_text(
            '<a href="demo-1.0-py3-none-any.whl">d</a><a href="other-1.0-py3-none-any.whl">o</a>'
        )
        page, metadata = page_and_metadata(FindLinks(str(html)))
        assert [f.filename for f in page.files] == ["demo-1.0-py3-none-any.whl"]
        assert metadata[0].metadata.name == "demo"

    def test_missing(self, tmp_path: Path) -> None:
        with pytest.raises(IndexPageError, match="no such find-links"):
            page_and_metadata(FindLinks(str(tmp_path / "nope")))


class TestLocalIndex:
    def test_html_and_json(self, wheelhouse: Path, tmp_path: Path) -> None:
        simple = tmp_path / "simple"
        (simple / "demo").mkdir(parents=True)
        (simple / "demo" / "index.html").write_text(
            '<a href="../../wheels/demo-1.0-py3-none-any.whl">w</a>'
        )
        raw = metadata_text("other", "1.0", "Requires-Dist: sidecar").encode()
        (wheelhouse / "other-1.0-py3-none-any.whl.metadata").write_bytes(raw)
        (simple / "other").mkdir()
        (simple / "other" / "index.json").write_text(
            json.dumps(
                {
                    "meta": {"api-version": "1.0"},
                    "files": [
                        {
                            "filename": "other-1.0-py3-none-any.whl",
                            "url": (wheelhouse / "other-1.0-py3-none-any.whl").as_uri(),
                            "hashes": {},
                            "core-metadata": {"sha256": hashlib.sha256(raw).hexdigest()},
                        }
                    ],
                }
            )
        )
        page, metadata = page_and_metadata(LocalIndex(simple.as_uri()))
        assert page.files[0].url == (wheelhouse / "demo-1.0-py3-none-any.whl").as_uri()
        assert metadata[0].source == "local"
        _, other_metadata = page_and_metadata(LocalIndex(simple.as_uri()), "other")
        assert other_metadata[0].source == "metadata-file"
        empty, _ = page_and_metadata(LocalIndex(simple.as_uri()), "absent")
        assert empty.files == ()

    def test_remote_file_refused(self, tmp_path: Path) -> None:
        file = DistFile(filename="demo-1.0.tar.gz", url="http://127.0.0.1:9/demo-1.0.tar.gz")
        with pytest.raises(IndexPageError, match="remote file"):
            asyncio.run(LocalIndex(tmp_path.as_uri()).metadata(file))


class TestMultiIndex:
    def test_merge_order_and_delegation(self, wheelhouse: Path, tmp_path: Path) -> None:
        other = tmp_path / "more"
        other.mkdir()
        (other / "demo-2.0-py3-none-any.whl").write_bytes(build_wheel("demo", "2.0"))
        source = MultiIndex(
            [FindLinks(str(other)), FindLinks(str(wheelhouse)), FindLinks(str(other))]
        )
        page, metadata = page_and_metadata(source)
        assert [f.filename for f in page.files] == [
            "demo-2.0-py3-none-any.whl",
            "demo-0.9.tar.gz",
            "demo-1.0-py3-none-any.whl",
        ]
        assert [str(m.metadata.version) for m in metadata] == ["2.0", "0.9", "1.0"]

    def test_first_error_in_order_wins(self, tmp_path: Path, wheelhouse: Path) -> None:
        source = MultiIndex([FindLinks(str(wheelhouse)), FindLinks(str(tmp_path / "gone"))])
        with pytest.raises(IndexPageError, match="gone"):
            page_and_metadata(source)


class TestBuildSource:
    def test_local_only(self, wheelhouse: Path, tmp_path: Path) -> None:
        (tmp_path / "simple").mkdir()
        source = build_source(
            (tmp_path / "simple").as_uri(), (), [str(wheelhouse)], tmp_path / "cache"
        )
        page, _ = page_and_metadata(source)
        assert len(page.files) == 2
        assert (tmp_path / "cache" / "wheelcast.sqlite3").is_file()

    def test_http_sources_share_one_tls_context_from_pip_cert(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        made: list[str | None] = []
        real = ssl.create_default_context

        def counting(*args: Any, cafile: str | None = None, **kwargs: Any) -> ssl.SSLContext:
            made.append(cafile)
            return real(*args, cafile=cafile, **kwargs)

        monkeypatch.setenv("PIP_CERT", certifi.where())
        monkeypatch.setattr(ssl, "create_default_context", counting)
        source = build_source(
            "https://index.invalid/simple", ("https://other.invalid/simple",), (), tmp_path
        )
        assert made == [certifi.where()]  # one bundle load for two indexes, two clients
        asyncio.run(source.aclose())

    def test_an_offline_source_makes_no_client(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        made: list[object] = []
        real = httpx.create_ssl_context

        def counting(*args: Any, **kwargs: Any) -> ssl.SSLContext:
            made.append(args)
            return real(*args, **kwargs)

        monkeypatch.delenv("PIP_CERT", raising=False)
        monkeypatch.setattr(httpx, "create_ssl_context", counting)
        source = build_source("https://index.invalid/simple", cache_dir=tmp_path, offline=True)
        with pytest.raises(OfflineMiss):
            asyncio.run(source.project_page(canonicalize_name("demo")))
        asyncio.run(source.aclose())
        assert made == []
