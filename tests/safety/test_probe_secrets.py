"""The hidden probe, secrets family: a token wherever a user or an index may put one.

Each case runs the CLI against tests/faultserver.py and looks for the token, as typed,
percent-encoded and in the Basic header's base64, in stdout, stderr, the -o file, every
file of the cache folder and every file in the temporary folder (the traceback file of
an internal error), read as bytes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.faultserver import FaultServer, Handler, json_page, metadata_bytes, wheel_entry

from wheelcast import cli
from wheelcast.cli import main
from wheelcast.runtime.redact import redact_text

TOKEN = "s3cr3t-T0KEN-4f9a"  # noqa: S105 - the secret whose leaks are looked for
WHEEL = "demo-1.0-py3-none-any.whl"
SHA = hashlib.sha256(WHEEL.encode()).hexdigest()


def forms(token: str = TOKEN) -> list[bytes]:
    """The token as typed, percent-encoded, and inside a Basic header."""
    return [
        token.encode(),
        urllib.parse.quote(token, safe="").encode(),
        base64.b64encode(f"user:{token}".encode()),
    ]


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A run with no pip configuration, no netrc, and its own temporary folder."""
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.delenv("NETRC", raising=False)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return tmp_path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(argv, out)
    return code, out.getvalue(), capsys.readouterr().err


def leaks(home: Path, *texts: str, token: str = TOKEN) -> list[str]:
    """Where any form of the token was found: 'output' or a file's path."""
    found = ["output" for text in texts for form in forms(token) if form in text.encode("utf-8")]
    files = [p for p in sorted(home.rglob("*")) if p.is_file() and p.parent.name != "etc"]
    found += [str(p) for p in files if any(form in p.read_bytes() for form in forms(token))]
    return found


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("wheelcast: error: "), err
    return lines[0]


def serve(server: FaultServer, name: str, file_url: str) -> None:
    """A page for ``name`` whose one wheel lives at ``file_url`` (PEP 658 metadata)."""
    wheel = WHEEL.replace("demo", name)
    metadata = metadata_bytes(name, "1.0")
    server.static(f"/simple/{name}/", json_page([wheel_entry(wheel, file_url, SHA, metadata)]))
    server.static(f"/files/{wheel}.metadata", metadata, "application/octet-stream")


class TestRedactText:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("see https://user:tok@host/simple now", "see https://user:****@host/simple now"),
            ("https://tok@host/x", "https://****@host/x"),
            ("http://u:p@ss@host/x", "http://u:****@host/x"),  # '@' in the password
            ("http://u:p%40ss%3A@host:8080/x", "http://u:****@host:8080/x"),
            (
                "a http://u:t@h1/ b git+https://u:t@h2/r.git",
                "a http://u:****@h1/ b git+https://u:****@h2/r.git",
            ),
            ("http://host/pkg@1.0/x.whl", "http://host/pkg@1.0/x.whl"),  # '@' in the path
            ("mail user@host, no URL", "mail user@host, no URL"),
        ],
    )
    def test_userinfo_is_shown_as_pip_shows_it(self, text: str, expected: str) -> None:
        assert redact_text(text) == expected


class TestIndexUrlsThatCannotBeTakenApart:
    @pytest.mark.parametrize(
        ("netloc_path", "problem"),
        [
            ("127.0.0.1:99999/simple", "Port out of range"),
            ("127.0.0.1:abc/simple", "Port could not be cast"),
            ("[::1/simple", "Invalid IPv6 URL"),
            ("127.0.0.1:1/sim\x01ple", "a space or a control character"),
        ],
    )
    def test_one_error_line_exit_3_without_the_token(
        self, netloc_path: str, problem: str, home: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        url = f"http://user:{TOKEN}@{netloc_path}"
        for format_ in ("text", "json"):
            argv = ["check", "demo", "-i", url, "--cache-dir", str(home / "c"), "-p", "3.12"]
            code, out, err = run([*argv, "--format", format_], capsys)
            assert code == 3, err
            line = one_error_line(err)
            assert problem in line
            assert "invalid index URL 'http://user:****@" in line
            assert "\x01" not in line
            assert leaks(home, out, err) == []

    def test_a_query_string_token_is_refused_not_silently_missing(
        self, server: FaultServer, home: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        serve(server, "demo", f"/files/{WHEEL}")
        url = f"{server.base}/simple?token={TOKEN}"
        argv = ["check", "demo", "-i", url, "--cache-dir", str(home / "c"), "-p", "3.12"]
        code, out, err = run(argv, capsys)
        assert code == 3, err
        assert "has a query string" in one_error_line(err)
        assert leaks(home, out, err) == []
        assert server.log == []  # refused before any request

    def test_a_query_string_on_a_find_links_page_is_kept(
        self, server: FaultServer, home: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        anchor = f'<a href="/files/{WHEEL}" data-core-metadata="true">x</a>'
        server.static("/links/", anchor.encode(), "text/html")
        server.static(f"/files/{WHEEL}.metadata", metadata_bytes("demo", "1.0"))
        argv = ["check", "demo", "--no-index", "-f", f"{server.base}/links/?v=1"]
        code, _, err = run([*argv, "--cache-dir", str(home / "c"), "-p", "3.12"], capsys)
        assert code == 0, err
        assert server.paths()[0] == "/links/?v=1"


class TestTokenInWhatTheIndexSends:
    @pytest.mark.parametrize("kind", ["json", "html"])
    def test_userinfo_in_a_page_s_file_links_is_never_stored_or_shown(
        self,
        kind: str,
        server: FaultServer,
        home: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        host = server.base.removeprefix("http://")
        link = f"http://u:{TOKEN}@{host}/files/{WHEEL}"
        metadata = metadata_bytes("demo", "1.0")
        if kind == "json":
            server.static("/simple/demo/", json_page([wheel_entry(WHEEL, link, SHA, metadata)]))
        else:
            anchor = f'<a href="{link}#sha256={SHA}" data-core-metadata="true">{WHEEL}</a>'
            server.static("/simple/demo/", anchor.encode(), "text/html")
        server.static(f"/files/{WHEEL}.metadata", metadata, "application/octet-stream")
        cache = home / "c"
        written = home / "report.json"
        argv = ["check", "demo", "-i", f"{server.base}/simple", "--cache-dir", str(cache)]
        code, out, err = run([*argv, "-p", "3.12", "--format", "json", "-o", str(written)], capsys)
        assert code == 0, err
        urls = {p["url"] for r in json.loads(written.read_text())["results"] for p in r["packages"]}
        assert urls == {f"{server.base}/files/{WHEEL}"}
        code, out2, err2 = run([*argv, "-p", "3.12"], capsys)  # text, and replayed
        assert code == 0, err2
        assert leaks(home, out, err, out2, err2) == []


class TestTokenInWhatTheUserTypes:
    def test_a_direct_reference_s_credentials_are_never_shown_or_stored(
        self, server: FaultServer, home: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        serve(server, "demo", f"/files/{WHEEL}")
        host = server.base.removeprefix("http://")
        requirement = f"demo @ http://user:{TOKEN}@{host}/files/{WHEEL}"
        cache = home / "c"
        seen: list[str] = []
        for format_ in ("json", "text"):
            argv = ["check", requirement, "-i", f"{server.base}/simple", "--cache-dir", str(cache)]
            code, out, err = run([*argv, "-p", "3.12", "--format", format_], capsys)
            assert code in (0, 1), err
            seen += [out, err]
        assert "user:****@" in seen[0]  # the reference is still named, as pip names it
        assert leaks(home, *seen) == []

    def test_a_coloured_narrow_terminal_shows_no_token(
        self,
        server: FaultServer,
        home: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # Escape codes glue to the scheme and a narrow width breaks a long URL: the
        # masking happens before rich styles and wraps the line, not after.
        monkeypatch.setenv("COLUMNS", "50")
        host = server.base.removeprefix("http://")
        long_path = "/".join(["far"] * 20)
        requirement = f"demo @ http://user:{TOKEN}@{host}/{long_path}/{WHEEL}"
        argv = ["check", requirement, "--no-index", "--cache-dir", str(home / "c"), "-v"]
        code, out, err = run([*argv, "-p", "3.12", "--color", "always"], capsys)
        assert code == 0, err  # a direct wheel of no dependencies, read by range
        assert "\x1b[" in out  # coloured indeed
        assert "user:****@" in out
        assert leaks(home, out, err) == []

    def test_an_unreadable_direct_reference_is_one_line_without_the_token(
        self, home: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        requirement = f"demo @ http://user:{TOKEN}@nohost.invalid/x.whl"
        for format_ in ("json", "text"):
            argv = ["check", requirement, "--no-index", "--cache-dir", str(home / "c")]
            code, out, err = run([*argv, "-p", "3.12", "--format", format_], capsys)
            assert code == 3
            assert "user:****@nohost.invalid" in one_error_line(err)
            assert leaks(home, out, err) == []

    def test_a_pip_conf_that_cannot_be_parsed_is_named_without_its_lines(
        self, home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        conf = home / "etc" / "pip.conf"
        conf.parent.mkdir()
        conf.write_text(f"index-url = http://user:{TOKEN}@127.0.0.1:1/simple\n")  # no [global]
        monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
        code, out, err = run(["check", "demo", "--cache-dir", str(home / "c")], capsys)
        assert code == 3
        line = one_error_line(err)
        assert line.startswith(f"wheelcast: error: cannot read pip's configuration file {conf}:")
        assert "line 1" in line
        assert leaks(home, out, err) == []

    def test_the_traceback_file_of_an_internal_error_has_no_token(
        self, home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        url = f"http://user:{TOKEN}@127.0.0.1:1/simple"

        def crash(*_: object, **__: object) -> int:
            raise RuntimeError(f"a bug while reading {url}")

        monkeypatch.setattr(cli, "run_check", crash)
        argv = ["check", "demo", "-i", url, "--format", "json"]
        monkeypatch.setattr("sys.argv", ["wheelcast", *argv])
        code, out, err = run(argv, capsys)
        assert code == 5
        files = list((home / "temp").glob("wheelcast-internal-error-*.txt"))
        assert len(files) == 1
        kept = files[0].read_text()
        assert "a bug while reading http://user:****@127.0.0.1:1/simple" in kept
        assert "command: wheelcast check demo -i http://user:****@" in kept
        assert leaks(home, out, err) == []


class TestTokenInErrorsOfEveryKind:
    @pytest.mark.parametrize(
        ("where", "expected"),
        [
            ("dns", "cannot reach http://nohost.invalid/simple/demo/"),
            ("tls", "cannot reach https://127.0.0.1:"),
            ("refused", "cannot reach http://127.0.0.1:1/simple/demo/"),
            ("500", "HTTP 500"),
            ("reset", "cannot reach http://127.0.0.1:"),
        ],
    )
    def test_one_error_line_in_text_and_json_without_the_token(
        self,
        where: str,
        expected: str,
        server: FaultServer,
        home: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        host = server.base.removeprefix("http://")
        server.static("/simple/demo/", b"boom", "text/plain", status=500)
        server.route("/simple/reset/", Handler.reset)
        url, name = {
            "dns": ("http://user:{}@nohost.invalid/simple", "demo"),
            "tls": (f"https://user:{{}}@{host}/simple", "demo"),
            "refused": ("http://user:{}@127.0.0.1:1/simple", "demo"),
            "500": (f"http://user:{{}}@{host}/simple", "demo"),
            "reset": (f"http://user:{{}}@{host}/simple", "reset"),
        }[where]
        argv = ["check", name, "-i", url.format(TOKEN), "--cache-dir", str(home / "c")]
        code, out, err = run([*argv, "-p", "3.12", "--format", "json"], capsys)
        assert code == 4, err
        assert expected in one_error_line(err)
        assert json.loads(out)["error"]["exit_code"] == 4
        assert leaks(home, out, err) == []
