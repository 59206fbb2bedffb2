"""Tests of the test index server itself (tests/indexserver.py)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.indexserver import (
    JSON_TYPE,
    Failure,
    IndexServer,
    MakeIndexServer,
    build_wheel,
    file_entry,
    wheel_metadata,
    write_page,
)

PIP_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, "
    "text/html; q=0.01"
)


@pytest.fixture
def server(tmp_path: Path, make_index_server: MakeIndexServer) -> IndexServer:
    """An index with one project: a wheel with metadata, a yanked sdist."""
    pages, metadata, files = tmp_path / "pages", tmp_path / "metadata", tmp_path / "files"
    metadata.mkdir()
    wheel = build_wheel(files, "Demo.Pkg", "1.0", requires_python=">=3.8,<4")
    meta = wheel_metadata(wheel)
    (metadata / f"{wheel.name}.metadata").write_bytes(meta)
    write_page(
        pages,
        "Demo.Pkg",
        [
            file_entry(wheel.name, wheel.read_bytes(), requires_python=">=3.8,<4", metadata=meta),
            file_entry("demo_pkg-0.9.tar.gz", b"sdist", yanked="broken build"),
        ],
    )
    return make_index_server(pages, metadata, files)


@pytest.fixture
def client(server: IndexServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=5) as http:
        yield http


class TestNegotiation:
    def test_json_is_served_as_stored(self, server: IndexServer, client: httpx.Client) -> None:
        response = client.get("/simple/demo-pkg/", headers={"Accept": JSON_TYPE})
        assert response.status_code == 200
        assert response.headers["content-type"] == JSON_TYPE
        assert response.content == (server.pages_dir / "demo-pkg.json").read_bytes()
        assert response.json()["files"][0]["url"] == "../../files/demo_pkg-1.0-py3-none-any.whl"

    @pytest.mark.parametrize(
        ("accept", "kind"),
        [
            (None, "html"),
            ("*/*", "html"),
            ("text/html", "html"),
            ("application/vnd.pypi.simple.v1+html", "html"),
            (PIP_ACCEPT, "json"),
            ("application/vnd.pypi.simple.v1+json; q=0.2, text/html", "html"),
            ("application/vnd.pypi.simple.latest+json", "json"),
        ],
    )
    def test_accept_header_picks_the_form(
        self, client: httpx.Client, accept: str | None, kind: str
    ) -> None:
        headers = {} if accept is None else {"Accept": accept}
        response = client.get("/simple/demo-pkg/", headers=headers)
        assert response.status_code == 200
        assert ("json" in response.headers["content-type"]) is (kind == "json")
        assert response.headers["vary"] == "Accept"

    def test_unsupported_accept_is_406(self, client: httpx.Client) -> None:
        response = client.get("/simple/demo-pkg/", headers={"Accept": "application/xml"})
        assert response.status_code == 406

    def test_html_carries_the_pep_503_attributes(self, client: httpx.Client) -> None:
        text = client.get("/simple/demo-pkg/", headers={"Accept": "text/html"}).text
        wheel_line, sdist_line = (line for line in text.splitlines() if "<a " in line)
        assert 'href="../../files/demo_pkg-1.0-py3-none-any.whl#sha256=' in wheel_line
        assert 'data-requires-python="&gt;=3.8,&lt;4"' in wheel_line
        assert 'data-core-metadata="sha256=' in wheel_line
        assert 'data-dist-info-metadata="sha256=' in wheel_line
        assert "data-yanked" not in wheel_line
        assert 'data-yanked="broken build"' in sdist_line
        assert "data-core-metadata" not in sdist_line
        assert "data-requires-python" not in sdist_line

    def test_etag_answers_304(self, client: httpx.Client) -> None:
        first = client.get("/simple/demo-pkg/", headers={"Accept": JSON_TYPE})
        again = client.get(
            "/simple/demo-pkg/",
            headers={"Accept": JSON_TYPE, "If-None-Match": first.headers["etag"]},
        )
        assert again.status_code == 304
        assert again.content == b""


class TestRoutes:
    @pytest.mark.parametrize(
        ("path", "location"),
        [
            ("/simple/demo-pkg", "/simple/demo-pkg/"),
            ("/simple/Demo.Pkg/", "/simple/demo-pkg/"),
            ("/simple/demo_pkg", "/simple/demo-pkg/"),
            ("/simple", "/simple/"),
        ],
    )
    def test_redirects_to_the_canonical_url(
        self, client: httpx.Client, path: str, location: str
    ) -> None:
        response = client.get(path)
        assert response.status_code == 301
        assert response.headers["location"] == location

    @pytest.mark.parametrize(
        "path", ["/simple/no-such-project/", "/files/nope.whl", "/other", "/simple/a/b"]
    )
    def test_unknown_is_404(self, client: httpx.Client, path: str) -> None:
        assert client.get(path).status_code == 404

    def test_root_lists_projects(self, client: httpx.Client) -> None:
        response = client.get("/simple/", headers={"Accept": JSON_TYPE})
        assert response.json()["projects"] == [{"name": "demo-pkg"}]

    def test_metadata_file(self, server: IndexServer, client: httpx.Client) -> None:
        page = json.loads((server.pages_dir / "demo-pkg.json").read_text())
        entry = page["files"][0]
        response = client.get(f"/files/{entry['filename']}.metadata")
        assert response.status_code == 200
        assert b"Name: Demo.Pkg\nVersion: 1.0\nRequires-Python: >=3.8,<4" in response.content
        assert entry["core-metadata"]["sha256"] == hashlib.sha256(response.content).hexdigest()

    def test_head_has_no_body(self, client: httpx.Client) -> None:
        response = client.head("/files/demo_pkg-1.0-py3-none-any.whl")
        assert response.status_code == 200
        assert int(response.headers["content-length"]) > 0
        assert response.content == b""


class TestRange:
    WHEEL = "/files/demo_pkg-1.0-py3-none-any.whl"

    @pytest.fixture
    def data(self, server: IndexServer) -> bytes:
        assert server.files_dir is not None
        return (server.files_dir / "demo_pkg-1.0-py3-none-any.whl").read_bytes()

    @pytest.mark.parametrize(
        ("header", "span"),
        [("bytes=0-9", (0, 9)), ("bytes=10-", (10, None)), ("bytes=-22", (-22, None))],
    )
    def test_partial_content(
        self,
        client: httpx.Client,
        data: bytes,
        header: str,
        span: tuple[int, int | None],
    ) -> None:
        first, last = span
        expected = data[first : None if last is None else last + 1]
        response = client.get(self.WHEEL, headers={"Range": header})
        assert response.status_code == 206
        assert response.content == expected
        start = first % len(data)
        assert response.headers["content-range"] == (
            f"bytes {start}-{start + len(expected) - 1}/{len(data)}"
        )

    def test_suffix_longer_than_the_file_is_the_whole_file(
        self, client: httpx.Client, data: bytes
    ) -> None:
        response = client.get(self.WHEEL, headers={"Range": f"bytes=-{len(data) + 100}"})
        assert response.status_code == 206
        assert response.content == data

    def test_unsatisfiable_is_416(self, client: httpx.Client, data: bytes) -> None:
        response = client.get(self.WHEEL, headers={"Range": f"bytes={len(data)}-"})
        assert response.status_code == 416
        assert response.headers["content-range"] == f"bytes */{len(data)}"

    def test_ignore_range_answers_200(
        self, server: IndexServer, client: httpx.Client, data: bytes
    ) -> None:
        server.ignore_range = True
        response = client.get(self.WHEEL, headers={"Range": "bytes=-10"})
        assert response.status_code == 200
        assert response.content == data
        assert "accept-ranges" not in response.headers


class TestFailures:
    def test_status_failures_then_recovery(self, server: IndexServer, client: httpx.Client) -> None:
        server.fail(Failure.STATUS, times=2, prefix="/simple/")
        assert client.get("/files/demo_pkg-1.0-py3-none-any.whl").status_code == 200
        assert [client.get("/simple/demo-pkg/").status_code for _ in range(3)] == [500, 500, 200]
        assert server.requests["/simple/demo-pkg/"] == 3

    def test_close_drops_the_connection(self, server: IndexServer, client: httpx.Client) -> None:
        server.fail(Failure.CLOSE)
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/simple/demo-pkg/")
        server.heal()
        assert client.get("/simple/demo-pkg/").status_code == 200


class TestCounting:
    def test_requests_are_counted_per_path(self, server: IndexServer, client: httpx.Client) -> None:
        client.get("/simple/demo-pkg/")
        client.get("/simple/demo-pkg/", headers={"Accept": JSON_TYPE})
        client.get("/files/demo_pkg-1.0-py3-none-any.whl", headers={"Range": "bytes=-8"})
        assert server.requests == {
            "/simple/demo-pkg/": 2,
            "/files/demo_pkg-1.0-py3-none-any.whl": 1,
        }
        assert server.log[-1].headers["Range"] == "bytes=-8"
        server.reset()
        assert not server.requests
        assert not server.log


class TestSessionServer:
    def test_serves_the_recorded_index(self, index_server: IndexServer) -> None:
        assert index_server.url.startswith("http://127.0.0.1:")
        assert index_server.url.endswith("/simple/")
        response = httpx.get(f"{index_server.url}no-such-project-here/", timeout=5)
        assert response.status_code == 404
        assert index_server.requests == {"/simple/no-such-project-here/": 1}

    def test_counts_start_at_zero_in_each_test(self, index_server: IndexServer) -> None:
        assert not index_server.requests


class TestBuildWheel:
    def test_wheel_is_readable_and_metadata_matches(self, tmp_path: Path) -> None:
        wheel = build_wheel(
            tmp_path, "a-b", "2.0", tag="cp312-cp312-win_arm64", requires_dist=["numpy>=2"]
        )
        assert wheel.name == "a_b-2.0-cp312-cp312-win_arm64.whl"
        text = wheel_metadata(wheel).decode()
        assert "Name: a-b\nVersion: 2.0\nRequires-Dist: numpy>=2\n" in text
