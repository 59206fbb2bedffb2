"""Hostile and broken indexes on 127.0.0.1 (tests/faultserver.py): secrets, cache, caps.

Each case asserts the exact outcome: the answer, or one error line and its exit code.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import struct
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from packaging.utils import canonicalize_name
from tests.faultserver import (
    JSON_TYPE,
    FaultServer,
    Handler,
    gzip_bomb,
    json_page,
    metadata_bytes,
    slow_drip,
    wheel_entry,
)
from tests.indexserver import build_wheel
from tests.indexserver import wheel_metadata as indexserver_metadata

from wheelcast.cli import main
from wheelcast.errors import IndexPageError, IndexUnreachable
from wheelcast.index._lazy_wheel import TAIL_BYTES
from wheelcast.index.http import ACCEPT, Fetcher, FetchSettings, default_client
from wheelcast.index.models import DistFile, ProjectPage
from wheelcast.index.store import Cache
from wheelcast.runtime.limits import (
    MAX_METADATA_BYTES,
    MAX_PAGE_BYTES,
    MAX_RANGE_BYTES,
    MAX_REDIRECTS,
)

TOKEN = "s3cr3t-T0KEN-4f9a"  # noqa: S105 - the secret whose leaks are looked for
WHEEL = "demo-1.0-py3-none-any.whl"


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


def serve_demo(server: FaultServer, *requires: str, name: str = "demo") -> bytes:
    """A page for ``name`` with one wheel whose PEP 658 metadata lists ``requires``."""
    wheel = WHEEL.replace("demo", name)
    metadata = metadata_bytes(name, "1.0", *requires)
    sha = hashlib.sha256(wheel.encode()).hexdigest()  # the wheel itself is never fetched
    entry = wheel_entry(wheel, f"/files/{wheel}", sha, metadata)
    server.static(f"/simple/{name}/", json_page([entry]))
    server.static(f"/files/{wheel}.metadata", metadata, "application/octet-stream")
    return metadata


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(argv, out)
    return code, out.getvalue(), capsys.readouterr().err


def cache_bytes(cache: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(cache.rglob("*")) if p.is_file())


class TestSecrets:
    def test_token_in_index_url_reaches_no_output_and_no_cache_byte(
        self, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        server.require_basic_auth("user", TOKEN)
        serve_demo(server, "other")
        serve_demo(server, name="other")
        server.static("/simple/broken/", b"boom", "text/plain", status=500)
        host = server.base.removeprefix("http://")
        url = f"http://user:{TOKEN}@{host}/simple"
        cache = tmp_path / "cache"
        common = ["--index-url", url, "--cache-dir", str(cache), "-p", "3.12"]
        seen: list[str] = []
        for _ in range(2):  # cold, then answered from the cache (replayed)
            code, out, err = run(["check", "demo", *common, "--format", "json"], capsys)
            assert code == 0, err
            seen += [out, err]
            urls = [p["url"] for r in json.loads(out)["results"] for p in r["packages"]]
            assert f"{server.base}/files/{WHEEL}" in urls
        code, out, err = run(["check", "demo", *common], capsys)
        assert code == 0
        seen += [out, err]
        written = tmp_path / "report.json"
        code, out, err = run(
            ["check", "demo", *common, "--format", "json", "-o", str(written)], capsys
        )
        assert code == 0
        seen += [out, err, written.read_text()]
        code, out, err = run(["check", "broken", *common, "--refresh"], capsys)
        assert code == 4
        assert "HTTP 500" in err
        seen += [out, err]
        assert all(TOKEN not in text for text in seen)
        assert TOKEN.encode() not in cache_bytes(cache)
        assert any(e.headers.get("authorization") == server.auth for e in server.log)

    @pytest.mark.parametrize("how", ["env", "requirements", "extra"])
    def test_token_from_other_settings_stays_out(
        self,
        how: str,
        server: FaultServer,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        server.require_basic_auth("user", TOKEN)
        serve_demo(server)
        host = server.base.removeprefix("http://")
        url = f"http://user:{TOKEN}@{host}/simple"
        cache = tmp_path / "cache"
        argv = ["check", "--cache-dir", str(cache), "-p", "3.12", "--format", "json"]
        if how == "env":
            monkeypatch.setenv("PIP_INDEX_URL", url)
            argv.append("demo")
        elif how == "requirements":
            reqs = tmp_path / "requirements.txt"
            reqs.write_text(f"-i {url}\ndemo\n")
            argv += ["-r", str(reqs)]
        else:
            empty = tmp_path / "empty"
            (empty / "simple").mkdir(parents=True)
            argv += ["--index-url", empty.joinpath("simple").as_uri(), "--extra-index-url", url]
            argv.append("demo")
        code, out, err = run(argv, capsys)
        assert code == 0, err
        assert TOKEN not in out + err
        assert TOKEN.encode() not in cache_bytes(cache)

    def test_netrc_supplies_credentials(
        self,
        server: FaultServer,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        server.require_basic_auth("user", TOKEN)
        serve_demo(server)
        netrc = tmp_path / "netrc"
        netrc.write_text(f"machine 127.0.0.1 login user password {TOKEN}\n")
        netrc.chmod(0o600)
        monkeypatch.setenv("NETRC", str(netrc))
        cache = tmp_path / "cache"
        argv = ["check", "demo", "-i", f"{server.base}/simple", "--cache-dir", str(cache)]
        code, out, err = run([*argv, "-p", "3.12"], capsys)
        assert code == 0, err
        assert TOKEN not in out + err

    def test_redirect_to_another_origin_carries_no_credentials(
        self, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with FaultServer() as elsewhere:
            serve_demo(elsewhere)

            def moved(handler: Handler) -> None:
                handler.send_answer(
                    302, b"", headers={"Location": f"{elsewhere.base}/simple/demo/"}
                )

            server.route("/simple/demo/", moved)
            host = server.base.removeprefix("http://")
            url = f"http://user:{TOKEN}@{host}/simple"
            argv = ["check", "demo", "-i", url, "--cache-dir", str(tmp_path / "c"), "-p", "3.12"]
            code, _, err = run(argv, capsys)
            assert code == 0, err
            assert server.log[0].headers.get("authorization", "").startswith("Basic ")
            assert elsewhere.log
            assert all("authorization" not in e.headers for e in elsewhere.log)


def check_json(
    server: FaultServer, cache: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, object], str]:
    argv = ["check", "demo", "-i", f"{server.base}/simple", "--cache-dir", str(cache)]
    code, out, err = run([*argv, "-p", "3.12", "--format", "json", *args], capsys)
    return code, json.loads(out) if out else {}, err


def names_in(document: dict[str, object]) -> set[str]:
    results = document["results"]
    assert isinstance(results, list)
    return {p["name"] for r in results for p in r["packages"]}


def all_notes(document: dict[str, object]) -> list[str]:
    results = document["results"]
    assert isinstance(results, list)
    return [n for r in results for n in r.get("notes", [])] + [
        n for r in results for p in r["packages"] for n in p.get("notes", [])
    ]


class TestCacheTrust:
    def test_a_hostile_index_cannot_choose_another_index_s_dependencies(
        self, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        cache = tmp_path / "cache"
        serve_demo(server, "honest")
        serve_demo(server, name="honest")
        honest_sha = hashlib.sha256(WHEEL.encode()).hexdigest()
        with FaultServer() as hostile:
            evil = metadata_bytes("demo", "1.0", "evil")
            entry = wheel_entry(WHEEL, f"/files/{WHEEL}", honest_sha, evil)  # the honest hash
            hostile.static("/simple/demo/", json_page([entry]))
            hostile.static(f"/files/{WHEEL}.metadata", evil, "application/octet-stream")
            serve_demo(hostile, name="evil")
            code, document, err = check_json(hostile, cache, capsys)
            assert code == 0, err
            assert names_in(document) == {"demo", "evil"}
        code, document, err = check_json(server, cache, capsys)
        assert code == 0, err
        assert names_in(document) == {"demo", "honest"}

    @pytest.mark.parametrize(
        ("metadata", "expected"),
        [
            (b"garbage\n", "unreadable core metadata"),
            (metadata_bytes("other", "1.0", "dep"), "core metadata names 'other', not 'demo'"),
        ],
    )
    def test_metadata_that_is_not_the_project_s_is_refused_not_read_as_no_dependencies(
        self,
        metadata: bytes,
        expected: str,
        server: FaultServer,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        entry = wheel_entry(WHEEL, f"/files/{WHEEL}", "ab" * 32, metadata)
        server.static("/simple/demo/", json_page([entry]))
        server.static(f"/files/{WHEEL}.metadata", metadata, "application/octet-stream")
        code, document, err = check_json(server, tmp_path / "cache", capsys)
        notes = sorted({n for n in all_notes(document) if expected in n})
        assert code == 0, err  # the wheel is still a wheel; only its dependencies are unknown
        assert len(notes) == 1, (all_notes(document), err)
        assert f"{server.base}/files/{WHEEL}" in notes[0]
        assert "dependencies of demo 1.0 unknown" in notes[0]

    def test_refresh_replaces_a_damaged_but_decodable_cached_page(
        self, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        cache = tmp_path / "cache"
        serve_demo(server)
        assert check_json(server, cache, capsys)[0] == 0
        url = f"{server.base}/simple/demo/"
        with Cache(cache) as store:
            cached = store.get_page(url)
            assert cached is not None
            # Same digest, other content: what a damaged row that still decodes looks like.
            store.put_page(url, ProjectPage(cached.page.name, url, ()), digest=cached.digest)
        with sqlite3.connect(cache / "wheelcast.sqlite3") as db:
            db.execute("DELETE FROM results")  # the page itself must be replaced, not recalled
        code, document, err = check_json(server, cache, capsys, "--refresh")
        assert code == 0, err
        assert names_in(document) == {"demo"}

    def test_damaged_cached_metadata_is_refetched(
        self, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:

        cache = tmp_path / "cache"
        serve_demo(server, "dep")
        serve_demo(server, name="dep")
        assert names_in(check_json(server, cache, capsys)[1]) == {"demo", "dep"}
        with sqlite3.connect(cache / "wheelcast.sqlite3") as db:
            damaged = zlib.compress(metadata_bytes("demo", "1.0"))
            db.execute("UPDATE metadata SET data = ?", (damaged,))
            db.execute("DELETE FROM results")
        code, document, err = check_json(server, cache, capsys, "--refresh")
        assert code == 0, err
        assert names_in(document) == {"demo", "dep"}

    def test_changed_metadata_on_a_page_without_hashes_is_read_again(
        self, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        cache = tmp_path / "cache"
        entry = {"filename": WHEEL, "url": f"/files/{WHEEL}", "hashes": {}, "core-metadata": True}
        # With an ETag the page is revalidated on every run (no --refresh needed).
        server.static("/simple/demo/", json_page([entry]), headers={"ETag": '"1"'})
        serve_demo(server, name="first")
        serve_demo(server, name="second")
        server.static(f"/files/{WHEEL}.metadata", metadata_bytes("demo", "1.0", "first"))
        assert names_in(check_json(server, cache, capsys)[1]) == {"demo", "first"}
        # The same URL serves other metadata; the page changed beside it (a file pip skips).
        server.static(f"/files/{WHEEL}.metadata", metadata_bytes("demo", "1.0", "second"))
        exe = {"filename": "demo-1.0.win32.exe", "url": "/files/demo-1.0.win32.exe", "hashes": {}}
        server.static("/simple/demo/", json_page([entry, exe]), headers={"ETag": '"2"'})
        code, document, err = check_json(server, cache, capsys)
        assert code == 0, err
        assert names_in(document) == {"demo", "second"}


# -- what the index sends: caps, faults, lies -------------------------------------------


def error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("wheelcast: error: "), err
    return lines[0]


def check_demo(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    argv = ["check", "demo", "-i", f"{server.base}/simple", "--cache-dir", str(tmp_path / "c")]
    return run([*argv, "-p", "3.12"], capsys)


_OPEN: list[Fetcher] = []


@pytest.fixture(autouse=True)
def _close_fetchers() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def fetcher(**settings: float) -> Fetcher:
    client = default_client()
    if "timeout" in settings:
        client.timeout = httpx.Timeout(settings.pop("timeout"))
    made = Fetcher(client, FetchSettings(backoff=0.0, **settings))  # type: ignore[arg-type]
    _OPEN.append(made)
    return made


def fetch_page(server: FaultServer, fetch: Fetcher) -> object:
    url = f"{server.base}/simple/demo/"
    name = canonicalize_name("demo")
    return fetch.page(url, {"Accept": ACCEPT}, name, revalidating=False, cached_digest=None)


def peak_of(call: Callable[[], object]) -> tuple[int, BaseException | None]:
    """The peak of Python allocations while ``call`` runs, and what it raised."""
    tracemalloc.start()
    try:
        call()
    except Exception as exc:
        raised: BaseException | None = exc
    else:
        raised = None
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, raised


def gzip_answer(body: bytes, content_type: str = JSON_TYPE) -> Callable[[Handler], None]:
    return lambda h: h.send_answer(200, body, content_type, {"Content-Encoding": "gzip"})


class TestCaps:
    def test_gzip_bomb_page_is_refused_at_the_cap_in_bounded_memory(
        self, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        bomb = gzip_bomb(2 * MAX_PAGE_BYTES, b'{"meta": {"api-version": "1.1"}, "files": ["')
        server.route("/simple/demo/", gzip_answer(bomb))
        peak, raised = peak_of(lambda: fetch_page(server, fetcher()))
        assert isinstance(raised, IndexPageError)
        assert peak < 2 * MAX_PAGE_BYTES + 8 * 1024 * 1024  # never the whole inflated page
        code, _, err = check_demo(server, tmp_path, capsys)
        assert code == 4
        line = error_line(err)
        assert f"{server.base}/simple/demo/" in line
        assert f"inflated is larger than the {MAX_PAGE_BYTES} byte cap" in line

    def test_gzip_bomb_metadata_is_refused_before_its_hash_is_checked(
        self, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        bomb = gzip_bomb(1024 * 1024 * 1024, b"Metadata-Version: 2.1\nName: demo\n")
        entry = wheel_entry(WHEEL, f"/files/{WHEEL}", "ab" * 32, bomb)
        server.static("/simple/demo/", json_page([entry]))
        server.route(f"/files/{WHEEL}.metadata", gzip_answer(bomb, "application/octet-stream"))
        file = DistFile(WHEEL, f"{server.base}/files/{WHEEL}", core_metadata=True)
        peak, raised = peak_of(lambda: fetcher().metadata(file))
        assert isinstance(raised, IndexPageError)
        assert f"larger than the {MAX_METADATA_BYTES} byte cap" in str(raised)
        assert peak < 3 * MAX_METADATA_BYTES
        code, out, err = check_demo(server, tmp_path, capsys)
        assert err == ""
        assert code == 0  # the wheel is there; its dependencies are unknown, and said so
        assert f"larger than the {MAX_METADATA_BYTES} byte cap" in out

    def test_oversize_page_is_refused_while_streaming(self, server: FaultServer) -> None:
        def endless(handler: Handler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", JSON_TYPE)
            handler.send_header("Connection", "close")  # no length: read until the end
            handler.end_headers()
            block = b" " * (1024 * 1024)
            for _ in range(MAX_PAGE_BYTES // len(block) + 8):
                try:
                    handler.wfile.write(block)
                except OSError:
                    return
            handler.close_connection = True

        server.route("/simple/demo/", endless)
        with pytest.raises(IndexPageError, match=f"larger than the {MAX_PAGE_BYTES} byte cap"):
            fetch_page(server, fetcher())

    def test_declared_oversize_page_is_refused_unread(self, server: FaultServer) -> None:
        server.route(
            "/simple/demo/", lambda h: h.send_answer(200, b"{}", length=MAX_PAGE_BYTES + 1)
        )
        with pytest.raises(IndexPageError, match="byte cap"):
            fetch_page(server, fetcher())

    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            (b"[" * 100_000, "JSON nested deeper than"),
            (b'{"meta": {"api-version": "1.1"}, "files": [', "not valid JSON"),
            (json_page([{"filename": WHEEL, "url": 5}]), "lacks a string filename or url"),
            (b'{"meta": {"api-version": 1}, "files": []}', "api-version is missing or not a"),
            (b'{"meta": {}, "files": {}}', "has no files list"),
        ],
        ids=["deep", "invalid", "url-type", "api-version-type", "files-type"],
    )
    def test_broken_page_is_one_error_line(
        self,
        body: bytes,
        expected: str,
        server: FaultServer,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        server.static("/simple/demo/", body)
        code, _, err = check_demo(server, tmp_path, capsys)
        assert code == 4
        line = error_line(err)
        assert f"{server.base}/simple/demo/: " in line
        assert expected in line

    @pytest.mark.parametrize(
        "case",
        [
            ("hashes", [], "hashes is not an object"),
            ("hashes", {"sha256": 5}, "hash 'sha256' is not a string"),
            ("requires-python", 3, "requires-python is not a string"),
            ("yanked", 1, "yanked is neither a boolean nor a string"),
            ("upload-time", 5, "upload-time is not a string"),
            ("core-metadata", "x", "core-metadata is neither a boolean nor a hash table"),
            ("size", "big", "size is not an integer"),
        ],
    )
    def test_wrong_type_in_a_file_entry_is_one_error_line(
        self,
        case: tuple[str, object, str],
        server: FaultServer,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        field, value, expected = case
        entry = wheel_entry(WHEEL, f"/files/{WHEEL}", "ab" * 32, None)
        entry[field] = value
        server.static("/simple/demo/", json_page([entry]))
        code, _, err = check_demo(server, tmp_path, capsys)
        assert code == 4
        line = error_line(err)
        assert f"{server.base}/simple/demo/: " in line
        assert expected in line

    def test_truncated_gzip_page_is_one_error_line(
        self, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        whole = gzip_bomb(4096, json_page([]))
        server.route("/simple/demo/", gzip_answer(whole[: len(whole) // 2]))
        code, _, err = check_demo(server, tmp_path, capsys)
        assert code == 4
        assert "the compressed answer is corrupt or cut short" in error_line(err)

    def test_body_shorter_than_its_length_is_retried_then_one_error_line(
        self, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        def short(handler: Handler) -> None:
            handler.send_answer(200, b'{"meta":', length=1000)
            handler.close_connection = True

        server.route("/simple/demo/", short)
        code, _, err = check_demo(server, tmp_path, capsys)
        assert code == 4
        assert "(after 3 tries)" in error_line(err)
        assert server.paths().count("/simple/demo/") == 3

    def test_429_with_retry_after_is_waited_for_within_the_bound(self, server: FaultServer) -> None:
        busy = {"Retry-After": "1"}
        server.sequence(
            "/simple/demo/",
            [
                lambda h: h.send_answer(429, b"", headers=busy),
                lambda h: h.send_answer(200, json_page([])),
            ],
        )
        started = time.monotonic()
        assert fetch_page(server, fetcher()) is not None
        assert 0.9 <= time.monotonic() - started < 5

    def test_huge_retry_after_is_capped(self, server: FaultServer) -> None:
        server.static("/simple/demo/", b"", status=429, headers={"Retry-After": "999999"})
        started = time.monotonic()
        with pytest.raises(IndexUnreachable, match=r"HTTP 429 .*\(after 2 tries\)"):
            fetch_page(server, fetcher(tries=2, max_retry_after=0.2))
        assert time.monotonic() - started < 3

    @pytest.mark.parametrize("fault", ["500", "503", "reset"])
    def test_a_fault_then_success_gives_the_answer(
        self, fault: str, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        serve_demo(server)
        good = server.routes["/simple/demo/"]
        first: Callable[[Handler], None] = (
            Handler.reset if fault == "reset" else lambda h: h.send_answer(int(fault), b"")
        )
        server.sequence("/simple/demo/", [first, good])
        code, out, err = check_demo(server, tmp_path, capsys)
        assert (code, err) == (0, "")
        assert "demo" in out
        assert server.paths().count("/simple/demo/") == 2

    def test_connection_always_reset_is_one_error_line(
        self, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        server.route("/simple/demo/", Handler.reset)
        code, _, err = check_demo(server, tmp_path, capsys)
        assert code == 4
        assert "(after 3 tries)" in error_line(err)

    def test_stalled_body_times_out_within_the_bound(self, server: FaultServer) -> None:
        server.route("/simple/demo/", lambda h: h.stall(b'{"meta"'))
        started = time.monotonic()
        with pytest.raises(IndexUnreachable, match=r"timed out \(ReadTimeout\) \(after 2 tries\)"):
            fetch_page(server, fetcher(timeout=0.5, tries=2))
        assert time.monotonic() - started < 5

    def test_body_dripped_slowly_is_refused_at_the_time_cap(self, server: FaultServer) -> None:
        server.route("/simple/demo/", slow_drip(json_page([]), every=0.05))
        started = time.monotonic()
        with pytest.raises(IndexPageError, match=r"longer than the 0\.5 second cap"):
            fetch_page(server, fetcher(body_seconds=0.5))
        assert time.monotonic() - started < 5

    def test_redirect_loop_is_one_error_line_without_retries(
        self, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        loop = {"Location": "/simple/demo/"}
        server.route("/simple/demo/", lambda h: h.send_answer(302, b"", headers=loop))
        code, _, err = check_demo(server, tmp_path, capsys)
        assert code == 4
        assert "redirects" in error_line(err).lower()
        assert server.paths().count("/simple/demo/") == MAX_REDIRECTS + 1


class TestLyingRanges:
    @pytest.fixture
    def wheel(self, tmp_path: Path) -> tuple[bytes, bytes]:
        path = build_wheel(tmp_path / "w", "demo", "1.0", requires_dist=["dep"])
        return path.read_bytes(), indexserver_metadata(path)

    def serve(
        self, server: FaultServer, data: bytes, respond: Callable[[Handler], None]
    ) -> DistFile:
        server.route(f"/files/{WHEEL}", respond)
        sha = hashlib.sha256(data).hexdigest()
        return DistFile(WHEEL, f"{server.base}/files/{WHEEL}", hashes=(("sha256", sha),))

    def test_whole_file_to_a_range_request_is_read_and_hash_checked(
        self, server: FaultServer, wheel: tuple[bytes, bytes]
    ) -> None:
        data, metadata = wheel
        file = self.serve(server, data, lambda h: h.send_answer(200, data, "application/zip"))
        assert fetcher().metadata(file) == (metadata, "download")

    def test_wrong_content_range_falls_back_to_the_whole_file(
        self, server: FaultServer, wheel: tuple[bytes, bytes]
    ) -> None:
        data, metadata = wheel

        def lying(handler: Handler) -> None:
            if "range" in {k.lower() for k in handler.headers}:
                # Claims the tail, sends the head.
                rng = {"Content-Range": f"bytes 0-99/{len(data)}"}
                handler.send_answer(206, data[:100], "application/zip", rng)
            else:
                handler.send_answer(200, data, "application/zip")

        file = self.serve(server, data, lying)
        assert fetcher().metadata(file) == (metadata, "download")

    def test_range_answer_longer_than_asked_is_not_taken(
        self, server: FaultServer, wheel: tuple[bytes, bytes]
    ) -> None:
        data, metadata = wheel
        padded = bytes(200_000) + data

        def lying(handler: Handler) -> None:
            rng = {"Content-Range": f"bytes 0-{len(padded) - 1}/{len(padded)}"}
            if "range" in {k.lower() for k in handler.headers}:
                handler.send_answer(206, padded, "application/zip", rng)
            else:
                handler.send_answer(200, data, "application/zip")

        file = self.serve(server, data, lying)
        assert fetcher().metadata(file) == (metadata, "download")

    def test_a_directory_spanning_gigabytes_is_never_asked_for_by_range(
        self, server: FaultServer
    ) -> None:
        total = 1024**3 + TAIL_BYTES
        eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, total - 22, 0, 0)
        tail = bytes(TAIL_BYTES - len(eocd)) + eocd

        def respond(handler: Handler) -> None:
            asked = handler.headers.get("Range", "")
            if asked == f"bytes=-{TAIL_BYTES}":
                rng = {"Content-Range": f"bytes {total - TAIL_BYTES}-{total - 1}/{total}"}
                handler.send_answer(206, tail, "application/zip", rng)
            else:
                handler.send_answer(416 if asked else 503, b"", "text/plain")

        file = self.serve(server, b"", respond)
        with pytest.raises(IndexUnreachable):
            fetcher(tries=1).metadata(file)
        ranges = [e.headers.get("range", "") for e in server.log]
        spans = [re.fullmatch(r"bytes=(\d+)-(\d+)", r) for r in ranges]
        assert all(int(m[2]) - int(m[1]) < MAX_RANGE_BYTES for m in spans if m), ranges
        assert "" in ranges  # it went for the whole file instead


class TestRefusedCredentials:
    @pytest.mark.parametrize(
        ("userinfo", "shown"), [(f"user:{TOKEN}x", "user:****@"), (f"{TOKEN}x", "****@")]
    )
    def test_a_401_names_the_url_as_pip_shows_it(
        self,
        userinfo: str,
        shown: str,
        server: FaultServer,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        server.require_basic_auth("user", TOKEN)
        serve_demo(server)
        host = server.base.removeprefix("http://")
        argv = ["check", "demo", "-i", f"http://{userinfo}@{host}/simple", "-p", "3.12"]
        code, _, err = run([*argv, "--cache-dir", str(tmp_path / "c")], capsys)
        assert code == 4
        line = error_line(err)
        assert f"http://{shown}{host}/simple/demo/: HTTP 401" in line
        assert TOKEN not in line


class TestEncodings:
    @pytest.mark.parametrize("wbits", [15, -15, 31], ids=["deflate", "raw-deflate", "gzip"])
    def test_compressed_page_is_read(self, wbits: int, server: FaultServer) -> None:
        page = json_page([wheel_entry(WHEEL, f"/files/{WHEEL}", "ab" * 32, None)])
        packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
        body = packer.compress(page) + packer.flush()
        encoding = "gzip" if wbits == 31 else "deflate"
        server.route(
            "/simple/demo/",
            lambda h: h.send_answer(200, body, JSON_TYPE, {"Content-Encoding": encoding}),
        )
        fetched = fetch_page(server, fetcher())
        assert fetched is not None

    def test_unasked_encoding_is_one_error(self, server: FaultServer) -> None:
        server.static("/simple/demo/", b"x", headers={"Content-Encoding": "br"})
        with pytest.raises(IndexPageError, match="unsupported Content-Encoding 'br'"):
            fetch_page(server, fetcher())
