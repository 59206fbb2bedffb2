"""The hidden probe, secrets: ``fix --try-index`` advice, a direct reference's cache key.

``fix`` tries each ``--try-index URL`` for what no change of versions fixes and advises
"with --extra-index-url URL, every package installs from wheels": the URL was written
as typed, token and all, in text and JSON. Every command's output now passes
:func:`~wheelcast.runtime.redact.redact_text` at the CLI's boundary.

A direct reference (``name @ http://user:TOKEN@host/x.whl``) that was read had its
metadata stored under its URL, token and all: the key is the URL without userinfo.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from tests.faultserver import FaultServer, json_page, metadata_bytes, wheel_entry

from wheelcast.cli import main

from . import test_probe_secrets as secrets

home = secrets.home  # the fixture: no pip configuration, no netrc, its own temporary folder
TOKEN, leaks = secrets.TOKEN, secrets.leaks

WHEEL = "demo-1.0-py3-none-any.whl"


@pytest.mark.parametrize("format_", ["text", "json"])
def test_a_try_index_token_is_never_shown(
    format_: str,
    home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with FaultServer() as server:
        server.static("/simple/demo/", json_page([]))  # nothing on the main index
        metadata = metadata_bytes("demo", "1.0")
        sha = hashlib.sha256(WHEEL.encode()).hexdigest()
        entry = wheel_entry(WHEEL, f"../../files/{WHEEL}", sha, metadata)
        server.static("/alt/demo/", json_page([entry]))
        server.static(f"/files/{WHEEL}.metadata", metadata, "application/octet-stream")
        host = server.base.removeprefix("http://")
        argv = ["fix", "demo", "-t", "linux-x86_64", "-p", "3.12", "-i", f"{server.base}/simple"]
        argv += ["--try-index", f"http://user:{TOKEN}@{host}/alt", "--format", format_]
        out = io.StringIO()
        code = main([*argv, "--cache-dir", str(home / "c"), "-o", str(home / "pins.txt")], out)
        err = capsys.readouterr().err
    assert f"--extra-index-url http://user:****@{host}/alt" in out.getvalue(), out.getvalue()
    assert leaks(home, out.getvalue(), err) == []
    assert code in (0, 2), err


def tiny_wheel(name: str, version: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = f"{name}-{version}.dist-info"
        archive.writestr(f"{name}/__init__.py", "")
        archive.writestr(f"{info}/METADATA", metadata_bytes(name, version).decode())
        archive.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n")
        archive.writestr(f"{info}/RECORD", "")
    return buffer.getvalue()


@pytest.mark.parametrize("command", ["check", "doctor"])
def test_a_direct_reference_s_token_is_not_in_the_metadata_cache_key(
    command: str, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FaultServer() as server:
        server.static(f"/files/{WHEEL}", tiny_wheel("demo", "1.0"), "application/octet-stream")
        host = server.base.removeprefix("http://")
        requirement = f"demo @ http://user:{TOKEN}@{host}/files/{WHEEL}"
        argv = [command, requirement, "-i", f"{server.base}/simple"]
        out = io.StringIO()
        code = main([*argv, "--cache-dir", str(home / "c")], out)
        err = capsys.readouterr().err
    assert code == 0, err
    assert leaks(home, out.getvalue(), err) == []  # the metadata table's key held it
