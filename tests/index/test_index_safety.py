"""Hostile and broken indexes on 127.0.0.1 (tests/faultserver.py): secrets, cache, caps.

Each case asserts the exact outcome: the answer, or one error line and its exit code.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.faultserver import FaultServer, Handler, json_page, metadata_bytes, wheel_entry

from wheelcast.cli import main
from wheelcast.index.cache import Cache
from wheelcast.index.models import ProjectPage

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
