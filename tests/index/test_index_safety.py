"""Hostile and broken indexes on 127.0.0.1 (tests/faultserver.py): secrets, cache, caps.

Each case asserts the exact outcome: the answer, or one error line and its exit code.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.faultserver import FaultServer, Handler, json_page, metadata_bytes, wheel_entry

from wheelcast.cli import main

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
